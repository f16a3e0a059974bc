// The scheduler on real node-cron under fake timers: ticks aligned to the clock, a slow job skips
// ticks instead of queueing them, and one slow job never delays another.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScheduler, cronExpression } from '../../../collector/schedule.ts';
import type { Logger } from '../../../collector/log.ts';

function memLog(): Logger & { lines: { level: string; fields: object; msg: string }[] } {
  const lines: { level: string; fields: object; msg: string }[] = [];
  const mk = (level: string) => (fields: object | string, msg?: string) => { lines.push({ level, fields: typeof fields === 'string' ? {} : fields, msg: typeof fields === 'string' ? fields : msg ?? '' }); };
  const log = {
    lines,
    trace: mk('trace'), debug: mk('debug'), info: mk('info'), warn: mk('warn'), error: mk('error'),
    sampled: (level: string, _key: string, fields: object, msg: string) => mk(level)(fields, msg),
    child: () => log,
  };
  return log as never;
}

afterEach(() => { vi.useRealTimers(); });

describe('cronExpression', () => {
  it('aligns divisors of a minute, minutes and hours', () => {
    expect(cronExpression(10)).toBe('*/10 * * * * *');
    expect(cronExpression(1)).toBe('* * * * * *');
    expect(cronExpression(60)).toBe('0 * * * * *');
    expect(cronExpression(300)).toBe('0 */5 * * * *');
    expect(cronExpression(3600)).toBe('0 0 * * * *');
    expect(() => cronExpression(7)).toThrow(/does not divide a minute/);
    expect(() => cronExpression(90)).toThrow(/whole number of minutes/);
  });
});

describe('createScheduler', () => {
  it('fires at :00/:10/:20 wall-clock seconds, not relative to start', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:03.250Z') });
    const fired: string[] = [];
    const s = createScheduler({ log: memLog() });
    s.add({ name: 'poll a', everySeconds: 10, run: async () => { fired.push(new Date().toISOString()); } });
    s.start();
    await vi.advanceTimersByTimeAsync(35_000);
    await s.stop();
    expect(fired.map((t) => t.slice(11, 19))).toEqual(['12:00:10', '12:00:20', '12:00:30']);
  });

  it('a slow job skips ticks (logged with its name) and never delays another job', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:00.500Z') });
    const log = memLog();
    const s = createScheduler({ log });
    const fast: number[] = [];
    let slowRuns = 0;
    s.add({ name: 'poll dead-switch', everySeconds: 1, fields: { switch: 'dead-switch' }, run: () => { slowRuns++; return new Promise((r) => setTimeout(r, 3_500)); } });
    s.add({ name: 'poll sw2', everySeconds: 1, run: async () => { fast.push(Date.now()); } });
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    const stopped = s.stop(); // waits for the slow run in progress (until :12.5)
    await vi.advanceTimersByTimeAsync(5_000);
    await stopped;
    // Fast job: every second (ticks at :01 .. :10).
    expect(fast).toHaveLength(10);
    // Slow job: starts at :01, busy until :04.5 -> :02 :03 :04 skipped, runs at :05, :09.
    expect(slowRuns).toBe(3);
    expect(s.skipped('poll dead-switch')).toBe(7);
    expect(s.skipped('poll sw2')).toBe(0);
    const skipLines = log.lines.filter((l) => l.level === 'warn' && /still busy/.test(l.msg));
    expect(skipLines.length).toBeGreaterThan(0);
    expect(skipLines[0].fields).toMatchObject({ switch: 'dead-switch', job: 'poll dead-switch' });
  });

  it('stop() waits for the run in progress and no tick fires after it', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:00.900Z') });
    let finished = 0;
    let started = 0;
    const s = createScheduler({ log: memLog() });
    s.add({ name: 'poll x', everySeconds: 1, run: async () => { started++; await new Promise((r) => setTimeout(r, 400)); finished++; } });
    s.start();
    await vi.advanceTimersByTimeAsync(200); // tick at :01.000 -> running
    expect(started).toBe(1);
    const stopped = s.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    await stopped;
    expect(finished).toBe(1);
    expect(started).toBe(1);
  });

  it('a job that throws is logged and keeps its schedule', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:00.100Z') });
    const log = memLog();
    let runs = 0;
    const s = createScheduler({ log });
    s.add({ name: 'poll bad', everySeconds: 1, run: async () => { runs++; throw new Error('boom'); } });
    s.start();
    await vi.advanceTimersByTimeAsync(3_000);
    await s.stop();
    expect(runs).toBe(3);
    expect(log.lines.some((l) => l.level === 'error' && (l.fields as { err?: string }).err === 'boom')).toBe(true);
  });
});
