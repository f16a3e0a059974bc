// The collector's wiring with a FakeSnmp per switch and the real SQLite store: poll → rates →
// store, a dead switch isolated, restart resuming from the stored sample, exit code 3 when the
// store cannot be written, the scheduler driving polls, and sd_notify through a real unix socket.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '../../../collector/config/load.ts';
import type { Config } from '../../../collector/config/types.ts';
import { createCollector, sdNotifier, EXIT_STORE_FAILED } from '../../../collector/main.ts';
import { SnmpError, type SnmpTarget } from '../../../collector/snmp/index.ts';
import { createStore, StoreError, type PollRecord, type Store } from '../../../collector/store/index.ts';
import { FakeSnmp } from '../../fakes/FakeSnmp.ts';
import { startProc, waitFor } from '../../helpers/proc.ts';
import type { Logger } from '../../../collector/log.ts';

const SYS_UP = '1.3.6.1.2.1.1.3.0';
const IFX = '1.3.6.1.2.1.31.1.1.1';
const IF = '1.3.6.1.2.1.2.2.1';

function memLog(): Logger & { lines: { level: string; fields: Record<string, unknown>; msg: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const mk = (level: string) => (fields: object | string, msg?: string) => { lines.push({ level, fields: (typeof fields === 'string' ? {} : fields) as Record<string, unknown>, msg: typeof fields === 'string' ? fields : msg ?? '' }); };
  const log = { lines, trace: mk('trace'), debug: mk('debug'), info: mk('info'), warn: mk('warn'), error: mk('error'), sampled: (l: string, _k: string, f: object, m: string) => mk(l)(f, m), child: () => log };
  return log as never;
}

/** A one-port switch whose counters the test moves. */
function switchAgent(): FakeSnmp {
  return new FakeSnmp({
    [SYS_UP]: 1_000_000, '1.3.6.1.2.1.1.5.0': 'sw1', '1.3.6.1.2.1.1.1.0': 'fake',
    [`${IF}.2.1`]: 'Ethernet1', [`${IF}.3.1`]: 6, [`${IF}.7.1`]: 1, [`${IF}.8.1`]: 1,
    [`${IF}.13.1`]: 0, [`${IF}.14.1`]: 0, [`${IF}.19.1`]: 0, [`${IF}.20.1`]: 0,
    [`${IFX}.1.1`]: 'Ethernet1', [`${IFX}.18.1`]: 'AS64500 Raajje Online', [`${IFX}.15.1`]: 10_000,
    [`${IFX}.6.1`]: 2n ** 60n, [`${IFX}.10.1`]: 5_000n,
  }, { target: '192.0.2.1:161' });
}

let dir: string;
let now: number;
let mono: number;
const clock = { now: () => now, mono: () => mono };
/** Advance both clocks and the agent's uptime. */
function advance(agent: FakeSnmp, seconds: number) {
  now += seconds * 1000;
  mono += seconds * 1000;
  agent.values.set(SYS_UP, (agent.values.get(SYS_UP) as number) + seconds * 100);
}

function config(): Config {
  return parseConfig(`
switches:
  - { name: sw1, host: 192.0.2.1, snmp: { version: "2c", community: c } }
  - { name: dead, host: 192.0.2.2, snmp: { version: "2c", community: c } }
polling: { interval: 10 }
store: { path: ${path.join(dir, 'store.db')} }
metrics: { listen: "" }
alerts: { enabled: false }
`, 'test.yaml', {});
}

function clientsFor(agent: FakeSnmp) {
  return (t: SnmpTarget) => (t.name === 'sw1' ? agent : new FakeSnmp({}, { fail: new SnmpError('no answer (wrong community or unreachable)', 'timeout'), target: '192.0.2.2:161' }));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-main-'));
  now = Date.UTC(2026, 10, 29, 12, 0, 0);
  mono = 1_000;
});
afterEach(() => { vi.useRealTimers(); rmSync(dir, { recursive: true, force: true }); });

describe('createCollector', () => {
  it('polls, stores rates exactly, isolates a dead switch, and tells listeners', async () => {
    const agent = switchAgent();
    const log = memLog();
    const seen: PollRecord[] = [];
    const c = createCollector(config(), { clock, log, createSnmpClient: clientsFor(agent), components: [], listeners: [(p) => seen.push(p)], notify: () => {} });
    await c.start();
    try {
      await c.pollNow('sw1');
      await c.pollNow('dead');
      advance(agent, 10);
      agent.values.set(`${IFX}.6.1`, 2n ** 60n + 12_500_000n); // 10 Mbit/s over 10 s
      agent.values.set(`${IFX}.10.1`, 5_000n + 1_250n); // 1 kbit/s
      await c.pollNow('sw1');
    } finally {
      await c.stop();
    }
    const db = new Database(path.join(dir, 'store.db'), { readonly: true });
    try {
      const polls = db.prepare('SELECT switch, ok, ports, error FROM polls ORDER BY seq').all() as { switch: string; ok: number; ports: number; error: string | null }[];
      expect(polls.map((p) => [p.switch, p.ok, p.ports])).toEqual([['sw1', 1, 1], ['dead', 0, 0], ['sw1', 1, 1]]);
      expect(polls[1].error).toMatch(/^switch dead \(192\.0\.2\.2:161\): get system: no answer/);
      const rates = db.prepare('SELECT in_bps, out_bps, gap, in_octets, interval FROM rates').all() as { in_bps: number; out_bps: number; gap: string | null; in_octets: string; interval: number }[];
      expect(rates).toHaveLength(1);
      expect(rates[0]).toMatchObject({ in_bps: 10_000_000, out_bps: 1000, gap: null, interval: 10, in_octets: (2n ** 60n + 12_500_000n).toString() });
    } finally { db.close(); }
    expect(seen.map((p) => `${p.switch}:${p.ok}`)).toEqual(['sw1:true', 'dead:false', 'sw1:true']);
    const warn = log.lines.find((l) => l.level === 'warn' && l.fields.switch === 'dead');
    expect(warn?.msg).toMatch(/switch dead .*get system/);
  });

  it('resumes after a restart from the stored sample: the first interval is a rate', async () => {
    const agent = switchAgent();
    const first = createCollector(config(), { clock, log: memLog(), createSnmpClient: clientsFor(agent), components: [], notify: () => {} });
    await first.start();
    await first.pollNow('sw1');
    await first.stop();

    advance(agent, 10);
    mono = 50; // a new process: its monotonic clock starts again
    agent.values.set(`${IFX}.6.1`, 2n ** 60n + 1_250_000n);
    const second = createCollector(config(), { clock, log: memLog(), createSnmpClient: clientsFor(agent), components: [], notify: () => {} });
    await second.start();
    try {
      expect(second.lastSample('sw1')?.interfaces[0].inOctets).toBe(2n ** 60n);
      await second.pollNow('sw1');
    } finally { await second.stop(); }
    const db = new Database(path.join(dir, 'store.db'), { readonly: true });
    try {
      const rates = db.prepare('SELECT in_bps, gap, interval FROM rates').all();
      expect(rates).toEqual([{ in_bps: 1_000_000, gap: null, interval: 10 }]);
    } finally { db.close(); }
  });

  it('a store that cannot be written stops polling and reports exit code 3', async () => {
    const agent = switchAgent();
    const real = createStore(config().store);
    // The real store, except that writing fails the way a full disk makes it fail.
    const failing: Store = new Proxy(real, {
      get: (target, key, recv) => (key === 'writePoll'
        ? () => { throw new StoreError(`local store ${dir}/store.db: disk full (SQLITE_FULL)`, 'SQLITE_FULL', `${dir}/store.db`); }
        : Reflect.get(target, key, recv)),
    });
    const fatal: { err: Error; code: number }[] = [];
    const c = createCollector(config(), { clock, log: memLog(), store: failing, createSnmpClient: clientsFor(agent), components: [], notify: () => {}, onFatal: (err, code) => fatal.push({ err, code }) });
    await c.start();
    try {
      await c.pollNow('sw1');
      const calls = agent.calls.length;
      await c.pollNow('sw1'); // after a fatal store error nothing more is polled
      expect(agent.calls.length).toBe(calls);
    } finally { await c.stop(); }
    expect(fatal).toHaveLength(1);
    expect(fatal[0].code).toBe(EXIT_STORE_FAILED);
    expect(fatal[0].err.message).toMatch(/^local store .*: disk full \(SQLITE_FULL\)$/);
  });

  it('start() schedules one job per switch on the clock; stop() waits for the poll in progress', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:01Z') });
    const agent = switchAgent();
    const notes: string[] = [];
    const seen: string[] = [];
    const wall = { now: () => Date.now(), mono: () => Date.now() };
    const c = createCollector(config(), { clock: wall, log: memLog(), createSnmpClient: clientsFor(agent), components: [], listeners: [(p) => seen.push(`${p.switch}@${new Date(p.t).toISOString().slice(14, 19)}`)], notify: (s) => notes.push(s) });
    await c.start();
    expect(notes).toEqual(['READY=1']);
    await vi.advanceTimersByTimeAsync(20_000);
    const stopped = c.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopped;
    expect(seen.filter((s) => s.startsWith('sw1'))).toEqual(['sw1@00:10', 'sw1@00:20']);
    expect(seen.filter((s) => s.startsWith('dead'))).toHaveLength(2);
    // STATUS= (systemctl status) when a switch first reports and whenever it turns ok or failing; nothing else.
    expect(notes.filter((n) => !n.startsWith('STATUS='))).toEqual(['READY=1', 'STOPPING=1']);
    const status = notes.filter((n) => n.startsWith('STATUS='));
    expect(status).toHaveLength(2);
    expect(status[1]).toMatch(/^STATUS=(sw1 ok \(\d+ ports?, polled 12:00:10Z\), dead failing since 12:00:1\dZ|dead failing since 12:00:1\dZ, sw1 ok \(\d+ ports?, polled 12:00:10Z\))$/);
    expect(agent.closed).toBe(true);
  });
});

describe('systemd watchdog', () => {
  it('is fed every WATCHDOG_USEC/2 while polls get stored, and starved when the poll loop wedges', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:00.500Z') });
    const saved = { sock: process.env.NOTIFY_SOCKET, usec: process.env.WATCHDOG_USEC, pid: process.env.WATCHDOG_PID };
    process.env.NOTIFY_SOCKET = path.join(dir, 'unused.sock'); // the notifier is a spy here
    process.env.WATCHDOG_USEC = '4000000';
    delete process.env.WATCHDOG_PID;
    let release: () => void = () => {};
    let hang = false;
    const agent = switchAgent();
    const wedged = new FakeSnmp(agent.values);
    wedged.get = async (oids) => { if (hang) await new Promise<void>((r) => { const prev = release; release = () => { prev(); r(); }; }); return agent.get(oids); };
    const notes: { at: number; s: string }[] = [];
    const wall = { now: () => Date.now(), mono: () => Date.now() };
    const c = createCollector(config(), { clock: wall, log: memLog(), createSnmpClient: () => wedged, components: [], notify: (st) => notes.push({ at: Date.now(), s: st }) });
    try {
      await c.start();
      await vi.advanceTimersByTimeAsync(30_000);
      const fed = notes.filter((n) => n.s.startsWith('WATCHDOG=1')).length;
      expect(fed).toBeGreaterThanOrEqual(14); // every 2 s
      hang = true; // every poll now hangs: nothing gets stored
      await vi.advanceTimersByTimeAsync(120_000);
      const last = Math.max(...notes.filter((n) => n.s.startsWith('WATCHDOG=1')).map((n) => n.at));
      // Each ping carries the status line along (STATUS= is not older than a ping).
      expect(notes.filter((n) => n.s.startsWith('WATCHDOG=1')).at(-1)!.s).toMatch(/^WATCHDOG=1\nSTATUS=sw1 ok \(/);
      // 2 intervals + 60 s after the last stored poll (at :30), feeding stops.
      expect(last).toBeLessThanOrEqual(Date.parse('2026-11-29T12:00:30Z') + 80_000);
      expect(last).toBeGreaterThanOrEqual(Date.parse('2026-11-29T12:00:30Z') + 76_000);
    } finally {
      release();
      const stopped = c.stop();
      await vi.advanceTimersByTimeAsync(1_000);
      await stopped;
      for (const [k, v] of [['NOTIFY_SOCKET', saved.sock], ['WATCHDOG_USEC', saved.usec], ['WATCHDOG_PID', saved.pid]] as const) {
        if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
    }
  });
});

describe('sdNotifier', () => {
  it('does nothing without NOTIFY_SOCKET', () => {
    expect(() => sdNotifier({ env: {} })('READY=1')).not.toThrow();
  });

  it('delivers READY=1 to the NOTIFY_SOCKET datagram socket', async () => {
    const sock = path.join(dir, 'notify.sock');
    const out = path.join(dir, 'received');
    // socat plays systemd: it receives datagrams on a unix socket and writes them to a file.
    const listener = startProc('socat', ['-u', `UNIX-RECV:${sock}`, `OPEN:${out},creat,append`]);
    try {
      await waitFor('socat socket', () => existsSync(sock), 10_000, 50);
      const notify = sdNotifier({ env: { ...process.env, NOTIFY_SOCKET: sock }, log: memLog() });
      notify('READY=1');
      const got = await waitFor('READY=1', () => { const t = existsSync(out) ? readFileSync(out, 'utf8') : ''; return /READY=1/.test(t) ? t : false; }, 10_000, 50);
      expect(got).toContain('READY=1');
    } finally {
      await listener.stop();
    }
  });
});
