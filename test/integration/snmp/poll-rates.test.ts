// `ixmeter poll --json` against snmpsim recordings whose counters move (snmpsim `numeric`
// variation): expected bit and packet rates for 64-bit counters above 2^53, a Counter32 that
// wraps during the run gives the true rate (no spike, no gap), and failed polls are error lines.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSnmpSim, SNMPREC_DIR, type SnmpSim } from '../../helpers/snmpsim.ts';
import { execFileP, sleep } from '../../helpers/proc.ts';
import { run as poll, type PollLine } from '../../../cli/commands/poll.ts';

const MAX32 = 4294967295; // snmpsim's Counter32 max (it wraps at 2^32-1, README)
const WRAP_RATE = 12_500_000; // bytes/s = 100 Mbit/s
// jetstream ifIndex → seconds after snmpsim starts at which its ifInOctets wraps; one of them
// will be far enough ahead once snmpsim answers, whatever the machine's load.
const WRAP_AFTER: Record<number, number> = { 10: 4, 32769: 6, 32770: 8, 49158: 10, 49159: 13, 49160: 16, 49167: 20, 49180: 25 };

/** Copies a recording, replacing the value part of the given OIDs (file stays sorted). */
function vary(src: string, dst: string, lines: Record<string, string>): void {
  const out = readFileSync(path.join(SNMPREC_DIR, src), 'utf8').split('\n').map((l) => {
    const oid = l.slice(0, l.indexOf('|'));
    return lines[oid] !== undefined ? `${oid}|${lines[oid]}` : l;
  });
  for (const oid of Object.keys(lines)) if (!out.some((l) => l.startsWith(oid + '|'))) throw new Error(`${oid} not in ${src}`);
  writeFileSync(dst, out.join('\n'));
}

let work: string;
let sim: SnmpSim;
let startedAt: number;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-rates-'));
  chmodSync(work, 0o755);
  const data = path.join(work, 'data');
  mkdirSync(data);
  const hcIn0 = 2n ** 60n; // far above 2^53: must survive exactly through Counter64 → bigint
  vary('routeros_crs317.snmprec', path.join(data, 'rates_routeros.snmprec'), {
    '1.3.6.1.2.1.1.3.0': '67:numeric|initial=311373300,rate=100',
    '1.3.6.1.2.1.31.1.1.1.6.1': `70:numeric|initial=${hcIn0},rate=125000000`, // 1 Gbit/s in
    '1.3.6.1.2.1.31.1.1.1.7.1': '70:numeric|initial=1000,rate=1000',
    '1.3.6.1.2.1.31.1.1.1.10.1': '70:numeric|initial=921675793922,rate=62500000', // 500 Mbit/s out
    '1.3.6.1.2.1.31.1.1.1.11.1': '70:numeric|initial=5000,rate=500',
  });
  const wraps: Record<string, string> = { '1.3.6.1.2.1.1.3.0': '67:numeric|initial=925826977,rate=100' };
  for (const [i, s] of Object.entries(WRAP_AFTER)) wraps[`1.3.6.1.2.1.2.2.1.10.${i}`] = `65:numeric|initial=${MAX32 - WRAP_RATE * s},rate=${WRAP_RATE},wrap=1`;
  vary('jetstream.snmprec', path.join(data, 'rates_jetstream.snmprec'), wraps);
  startedAt = Date.now();
  sim = await startSnmpSim({ dataDir: data, readyCommunity: 'rates_routeros' });
});
afterAll(async () => {
  await sim?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function runPoll(args: string[]): Promise<{ code: number; lines: (PollLine & { error?: string })[]; errors: string }> {
  let out = '';
  let errors = '';
  const code = await poll(['--target', `${sim.host}:${sim.port}`, '--json', ...args], { out: (s) => { out += s; }, err: (s) => { errors += s; } });
  return { code, lines: out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)), errors };
}

const near = (got: number | null, want: number, tol: number) => {
  expect(got).not.toBeNull();
  expect(Math.abs((got as number) - want) / want).toBeLessThan(tol);
};

describe('poll --json with moving counters', () => {
  it('64-bit counters above 2^53: 1 Gbit/s in, 500 Mbit/s out, packets per second', async () => {
    // Rates are over the time between our responses, the counters move with snmpsim's clock: on
    // a loaded machine the two differ by a scheduling delay, hence 4 s intervals and 15%.
    const r = await runPoll(['--community', 'rates_routeros', '--interval', '4', '--count', '2', '--include', '^sfp-sfpplus[12]$']);
    expect(r.errors).toBe('');
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(2);
    for (const l of r.lines) {
      expect(Object.keys(l).sort()).toEqual(['interval', 'ports', 't']);
      expect(new Date(l.t).toISOString()).toBe(l.t);
      expect(l.interval).toBeGreaterThan(3);
      expect(l.ports.map((p) => p.name)).toEqual(['sfp-sfpplus1', 'sfp-sfpplus2']);
      const [p1, p2] = l.ports;
      expect(Object.keys(p1).sort()).toEqual(['gap', 'ifIndex', 'inBps', 'inPps', 'name', 'outBps', 'outPps']);
      expect(p1.gap).toBe(false);
      near(p1.inBps, 1e9, 0.15);
      near(p1.outBps, 5e8, 0.15);
      near(p1.inPps, 1000, 0.15);
      near(p1.outPps, 500, 0.15);
      expect(p2).toMatchObject({ ifIndex: 2, gap: false, inBps: 0, outBps: 0 });
    }
    // Over both intervals together the rate is tighter.
    const secs = r.lines.reduce((a, l) => a + (l.interval as number), 0);
    const bits = r.lines.reduce((a, l) => a + (l.ports[0].inBps as number) * (l.interval as number), 0);
    near(bits / secs, 1e9, 0.1);
  });

  it('a Counter32 that wraps during the run gives the true rate, not a spike or a gap', async () => {
    // Read the counters now and pick a port whose wrap can be placed ~2 s after polling starts.
    const oids = Object.keys(WRAP_AFTER).map((i) => `1.3.6.1.2.1.2.2.1.10.${i}`);
    const { stdout } = await execFileP('snmpget', ['-v2c', '-c', 'rates_jetstream', '-On', '-Oqv', `${sim.host}:${sim.port}`, ...oids]);
    const readAt = Date.now();
    const values = stdout.trim().split('\n').map(Number);
    const untilWrap = values.map((v) => (MAX32 - v) / WRAP_RATE);
    const pick = untilWrap.findIndex((s) => s > 2.5 && s < 40);
    expect(pick, `counters ${values.join(',')} started ${(readAt - startedAt) / 1000}s ago`).toBeGreaterThanOrEqual(0);
    const ifIndex = Number(Object.keys(WRAP_AFTER)[pick]);
    const wrapAt = readAt + untilWrap[pick] * 1000;
    await sleep(Math.max(0, wrapAt - Date.now() - 2000));
    const startPoll = Date.now();
    const r = await runPoll(['--community', 'rates_jetstream', '--interval', '3', '--count', '2']);
    expect(r.errors).toBe('');
    expect(r.lines).toHaveLength(2);
    // The wrap fell inside the polled time.
    expect(wrapAt).toBeGreaterThan(startPoll + 200);
    expect(wrapAt).toBeLessThan(Date.parse(r.lines[1].t) - 200);
    for (const l of r.lines) {
      const p = l.ports.find((x) => x.ifIndex === ifIndex)!;
      expect(p.gap).toBe(false);
      // A wrap misread as a reset would be a gap, as a 2^32 jump a 17 Gbit/s spike.
      near(p.inBps, WRAP_RATE * 8, 0.25);
    }
  });

  it('failed polls are error lines naming the switch; every poll failing exits 1', async () => {
    const r = await runPoll(['--community', 'no-such', '--name', 'sw-dead', '--interval', '0.3', '--count', '1', '--timeout', '0.2', '--retries', '0']);
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(2);
    for (const l of r.lines) {
      expect(Object.keys(l).sort()).toEqual(['error', 't']);
      expect(l.error).toBe(`switch sw-dead (${sim.host}:${sim.port}): get system: no answer (wrong community or unreachable)`);
    }
    expect(r.errors.trim().split('\n')).toHaveLength(2);
  });
});
