// The IXP lab with 30 % packet loss on the management path (requests and responses): `ixmeter poll`
// must complete polls (with retries) or record them as failed, and never report a wrong number.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTrafficLab, stopTrafficLab, type Lab, type Sampler, type Traffic, type TrafficFlow } from './lab.ts';
import { checkInterval, ixmeter, parsePollLine, v2c, type PollLine } from './cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FLOWS: TrafficFlow[] = [
  { from: 1, to: 3, bytes: 400_000, rate: 1_000_000 },
  { from: 2, to: 4, bytes: 200_000, rate: 500_000 },
  { from: 3, to: 1, bytes: 600_000, rate: 1_500_000 },
  { from: 4, to: 2, bytes: 100_000, rate: 250_000 },
];

let lab: Lab;
let sampler: Sampler;
let traffic: Traffic;
let portNames: string[];

beforeAll(async () => { ({ lab, sampler, traffic, portNames } = await startTrafficLab(FLOWS)); });
afterAll(async () => { await stopTrafficLab({ lab, sampler, traffic }); });

it('with 30 % loss on the management path, polls complete or fail, never with wrong numbers', async () => {
  await lab.setLoss(30);
  const lines: PollLine[] = [];
  const failed: { t: string; error: string }[] = [];
  const other: string[] = [];
  let noBaseline = 0;
  const pending: Promise<void>[] = [];
  // Short timeouts, more retries: a request and its response both get through with p = 0.49 per try.
  const res = await ixmeter(['poll', ...v2c(lab), '--interval', '3', '--count', '7', '--timeout', '0.3', '--retries', '4', '--json'], (l) => {
    const p = parsePollLine(l);
    if (p) {
      lines.push(p);
      // A burst 0.2 s after a poll answered, over by ~0.6 s: quiet again before the next poll.
      pending.push(sleep(200).then(() => traffic.burst()));
      return;
    }
    try {
      const e = JSON.parse(l) as { t?: string; error?: string; interval?: unknown; ports?: { gap: boolean; inBps: unknown; outBps: unknown }[] };
      if (typeof e.t === 'string' && typeof e.error === 'string') { failed.push({ t: e.t, error: e.error }); return; }
      // The first answered poll after a lost baseline has no previous sample: every port a gap, no number at all.
      if (typeof e.t === 'string' && e.interval === null && Array.isArray(e.ports) && e.ports.every((x) => x.gap && x.inBps === null && x.outBps === null)) { noBaseline++; return; }
    } catch { /* not JSON */ }
    other.push(l);
  }, 150_000);
  await Promise.all(pending);
  // The sampler has a row after the last response (it may lag on a busy machine).
  for (let i = 0; i < 100 && lines.length && sampler.latest() <= Date.parse(lines[lines.length - 1].t); i++) await sleep(50);
  const dropped = await lab.lossDropped();
  await lab.clearLoss();
  expect(dropped, 'management packets dropped').toBeGreaterThan(5);

  expect(other, 'every stdout line is an interval, a failed poll or a gap line after a lost baseline').toEqual([]);
  expect(noBaseline, 'a gap line only when the baseline poll was lost').toBeLessThanOrEqual(failed.length);
  expect(res.code, res.stderr).toBe(0);
  for (const f of failed) expect(f.error).toContain(lab.host);
  // A failed poll is only recorded as such; under retries most polls get through.
  const withRates = lines.filter((l) => l.ports.some((p) => portNames.includes(p.name) && !p.gap && p.inBps !== null));
  expect(withRates.length, `${lines.length} intervals, ${failed.length} failed polls`).toBeGreaterThanOrEqual(3);
  // Every number reported matches the kernel over its window. A lost response makes the agent read its
  // counters up to (retries + 1) x timeout before the response that carried them: that is the slack.
  const checks = lines.flatMap((l) => checkInterval(l, sampler, portNames, 1500));
  const bad = checks.filter((c) => !c.ok).map((c) => `${c.t} ${c.port} ${c.what}: reported ${c.reported}, kernel ${c.low}..${c.high}`);
  expect(bad.join('\n')).toBe('');
  expect(checks.filter((c) => c.what === 'in bytes' && c.low > 50_000).length).toBeGreaterThanOrEqual(4);
});
