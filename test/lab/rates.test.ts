// The IXP lab through `ixmeter poll`: members send known bursts across the bridge between polls, and
// every rate poll reports must match the kernel's own byte and packet counts of the switch ports
// over the same window (within 1 %). Restarting snmpd mid-run must give a gap, never a spike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrafficLab, stopTrafficLab, type Lab, type Sampler, type Traffic, type TrafficFlow } from './lab.ts';
import { checkInterval, ixmeter, parsePollLine, v2c, type Check, type PollLine } from './cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Different volumes per member, so a port mixed up with another cannot pass. Bursts last ~0.5 s. */
const FLOWS: TrafficFlow[] = [
  { from: 1, to: 2, bytes: 600_000, rate: 1_200_000 },
  { from: 2, to: 3, bytes: 300_000, rate: 600_000 },
  { from: 3, to: 4, bytes: 900_000, rate: 1_800_000 },
  { from: 4, to: 1, bytes: 150_000, rate: 300_000 },
];
/** How long before its response the agent may have read a counter (a no-loss poll takes milliseconds). */
const SLACK_MS = 300;

let lab: Lab;
let sampler: Sampler;
let traffic: Traffic;
let portNames: string[];

beforeAll(async () => { ({ lab, sampler, traffic, portNames } = await startTrafficLab(FLOWS)); });
afterAll(async () => { await stopTrafficLab({ lab, sampler, traffic }); });

/**
 * Runs `poll --interval 2 --count N --json`. After each interval line (i.e. just after a poll), `between(i)`
 * runs 200 ms later, by default one traffic burst, so the counters are quiet whenever a poll reads them.
 */
async function pollWithTraffic(count: number, between: (i: number) => Promise<void> = () => traffic.burst()) {
  const lines: PollLine[] = [];
  const errors: string[] = [];
  const pending: Promise<void>[] = [];
  const res = await ixmeter(['poll', ...v2c(lab), '--interval', '2', '--count', String(count), '--json'], (l) => {
    const p = parsePollLine(l);
    if (!p) { errors.push(l); return; }
    lines.push(p);
    const i = lines.length;
    if (i < count) pending.push(sleep(200).then(() => between(i)));
  });
  await Promise.all(pending);
  // The sampler has a row after the last response (it may lag on a busy machine).
  for (let i = 0; i < 100 && lines.length && sampler.latest() <= Date.parse(lines[lines.length - 1].t); i++) await sleep(50);
  return { res, lines, errors };
}

function describeFailures(checks: Check[]): string {
  return checks.filter((c) => !c.ok).map((c) => `${c.t} ${c.port} ${c.what}: reported ${c.reported}, kernel ${c.low}..${c.high}`).join('\n');
}

describe('poll against the lab switch', () => {
  it('reports rates that match the kernel byte and packet counts of every port within 1 %', async () => {
    const { res, lines, errors } = await pollWithTraffic(5);
    expect(res.code, res.stderr).toBe(0);
    expect(errors).toEqual([]);
    expect(lines).toHaveLength(5);
    for (const [i, l] of lines.entries()) {
      expect(l.ports.filter((p) => portNames.includes(p.name)).map((p) => p.name).sort()).toEqual(portNames);
      for (const p of l.ports.filter((x) => portNames.includes(x.name))) {
        expect(p.gap, `${l.t} ${p.name}`).toBe(false);
        expect(lab.ports.find((x) => x.name === p.name)!.ifIndex).toBe(p.ifIndex);
      }
      // interval is the time between the two responses: consecutive ends are that far apart.
      if (i > 0) expect(Math.abs((Date.parse(l.t) - Date.parse(lines[i - 1].t)) / 1000 - l.interval)).toBeLessThan(0.05);
    }
    const checks = lines.flatMap((l) => checkInterval(l, sampler, portNames, SLACK_MS));
    expect(describeFailures(checks)).toBe('');
    // Not vacuous: every port carried traffic in at least 3 intervals, both directions checked.
    for (const name of portNames) {
      for (const what of ['in bytes', 'out bytes'] as const) {
        expect(checks.filter((c) => c.port === name && c.what === what && c.low > 100_000).length, `${name} ${what}`).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('gives a gap, not a spike, for the interval in which snmpd restarted', async () => {
    // As after a real switch's restart, nothing but the poller reads the new snmpd's interface table
    // until the poll after the restart: snmpd 5.9's first interface load reports 0 unicast packets
    // received, so the interval after the gap must not turn that into a packet-rate spike either.
    // No traffic between the restart and the first poll after it (snmpd's own 3 s interface cache,
    // loaded at its start, is then still exact), so every window's kernel count stays exact.
    let restartedAt = 0;
    const { res, lines } = await pollWithTraffic(5, async (i) => {
      if (i === 2) { restartedAt = Date.now(); await lab.restartSnmpd({ settings: false }); return; }
      if (i === 3) await lab.applySettings();
      await traffic.burst();
    });
    expect(res.code, res.stderr).toBe(0);
    expect(restartedAt).toBeGreaterThan(0);
    // Polls happen right after a line, the restart 200 ms after one: no response was in flight when
    // snmpd stopped, so every interval ending after that moment has its end sample from the new snmpd.
    const after = lines.filter((l) => Date.parse(l.t) > restartedAt);
    expect(after.length, 'intervals after the restart').toBeGreaterThanOrEqual(2);
    // The first interval ending after the restart spans it: sysUpTime went back, so every port is a gap.
    for (const p of after[0].ports) {
      expect(p, `${after[0].t} ${p.name}`).toMatchObject({ gap: true, inBps: null, outBps: null, inPps: null, outPps: null });
    }
    // Polling goes on with rates again, and no interval (before or after) reports a wrong number.
    expect(after.slice(1).some((l) => l.ports.some((p) => portNames.includes(p.name) && !p.gap && p.inBps !== null))).toBe(true);
    const checks = lines.flatMap((l) => checkInterval(l, sampler, portNames, SLACK_MS));
    expect(describeFailures(checks)).toBe('');
    expect(checks.filter((c) => c.what === 'in bytes' && c.low > 100_000).length).toBeGreaterThanOrEqual(4);
  });
});
