// `ixmeter poll`: polls one agent at a fixed interval and prints per-port rates per interval
// (JSON lines or a table). Rates come from collector/rates/compute.ts; no rate maths here.
import { parseArgs } from 'node:util';
import { UsageError } from '../index.ts';
import { computeRates, intervalSeconds } from '../../collector/rates/compute.ts';
import type { Sample } from '../../collector/rates/types.ts';
import { createSnmpClient, pollSwitch, systemClock, type Clock } from '../../collector/snmp/index.ts';
import { printable, table, targetFromArgs, TargetOptionError, targetHelp, targetOptions } from '../../collector/snmp/cli-target.ts';

export const summary = 'Poll one switch every few seconds and print per-port rates';

export const help = `Usage: ixmeter poll --target HOST[:PORT] (--community C | --v3-user U ...) [--interval S] [--count N] [--json]

Polls the agent every --interval seconds and prints one line per interval (N lines: N+1 polls).
With --json each line is:
  {"t","interval","ports":[{"ifIndex","name","inBps","outBps","inPps","outPps","gap"}]}
t is the end of the interval (ISO 8601, the time of the second response), interval the seconds
between the two responses (monotonic clock), rates are per second (bits for Bps, packets for
Pps), and "gap": true with null rates marks a port whose interval had a discontinuity (agent
restart, counter reset, interface replaced, new interface, interval too long).
A failed poll prints one error line naming the switch on stderr (with --json also
{"t","error"} on stdout) and polling goes on.

${targetHelp}
Polling:
  --interval S             seconds between polls (default 10)
  --count N                intervals to print (default 1)
  --json                   JSON lines instead of tables

Exit codes: 0 at least one poll answered, 1 every poll failed, 2 bad usage.`;

/** One line of `poll --json`. */
export interface PollLine {
  t: string;
  interval: number | null;
  ports: { ifIndex: number; name: string; inBps: number | null; outBps: number | null; inPps: number | null; outPps: number | null; gap: boolean }[];
}

/** The rates of `cur` against `prev` (or all gaps when there is no previous sample) as a poll line. */
export function pollLine(prev: Sample | null, cur: Sample, maxIntervalSeconds: number): PollLine & { reasons: Map<number, string> } {
  const reasons = new Map<number, string>();
  const t = new Date(cur.time).toISOString();
  if (!prev) {
    for (const i of cur.interfaces) reasons.set(i.ifIndex, 'no previous sample');
    return { t, interval: null, ports: cur.interfaces.map((i) => ({ ifIndex: i.ifIndex, name: i.name, inBps: null, outBps: null, inPps: null, outPps: null, gap: true })), reasons };
  }
  const { rates, gaps } = computeRates(prev, cur, { maxIntervalSeconds });
  const byIndex = new Map(rates.map((r) => [r.ifIndex, r]));
  for (const g of gaps) reasons.set(g.ifIndex, g.reason);
  const ports: PollLine['ports'] = [];
  for (const i of cur.interfaces) {
    const r = byIndex.get(i.ifIndex);
    if (r) ports.push({ ifIndex: i.ifIndex, name: i.name, inBps: r.inBps, outBps: r.outBps, inPps: r.inPps, outPps: r.outPps, gap: false });
    else ports.push({ ifIndex: i.ifIndex, name: i.name, inBps: null, outBps: null, inPps: null, outPps: null, gap: true });
  }
  return { t, interval: Math.round(intervalSeconds(prev, cur) * 1000) / 1000, ports, reasons };
}

const fmt = (v: number | null, div: number, digits: number) => (v === null ? '-' : (v / div).toFixed(digits));

function text(line: PollLine & { reasons: Map<number, string> }): string {
  const rows = [['ifIndex', 'name', 'in Mb/s', 'out Mb/s', 'in pps', 'out pps', '']];
  for (const p of line.ports) {
    rows.push([String(p.ifIndex), printable(p.name), fmt(p.inBps, 1e6, 3), fmt(p.outBps, 1e6, 3), fmt(p.inPps, 1, 1), fmt(p.outPps, 1, 1),
      p.gap ? `gap (${line.reasons.get(p.ifIndex) ?? 'no rate'})` : '']);
  }
  return `${line.t}  interval ${line.interval === null ? '-' : `${line.interval} s`}\n${table(rows, [true, false, true, true, true, true, false])}\n`;
}

function positive(v: string | undefined, flag: string, def: number, integer: boolean): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${flag}: ${JSON.stringify(v)} is not a positive ${integer ? 'integer' : 'number'}`);
  return n;
}

export async function run(argv: string[], deps: { clock?: Clock; out?: (s: string) => void; err?: (s: string) => void } = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...targetOptions, json: { type: 'boolean' }, interval: { type: 'string' }, count: { type: 'string' } },
    strict: true, allowPositionals: false,
  });
  const interval = positive(values.interval, 'interval', 10, false);
  const count = positive(values.count, 'count', 1, true);
  let t;
  try { t = targetFromArgs(values); } catch (e) {
    if (e instanceof TargetOptionError) throw new UsageError(e.message);
    throw e;
  }
  const clock = deps.clock ?? systemClock;
  const out = deps.out ?? ((s: string) => { process.stdout.write(s); });
  const err = deps.err ?? ((s: string) => { process.stderr.write(s); });
  const sw = { name: t.target.name, include: t.include, exclude: t.exclude, maxRepetitions: t.maxRepetitions };
  // An interval longer than 5 polls is not a rate (as polling.maxGapIntervals defaults to).
  const maxIntervalSeconds = Math.max(5 * interval, interval + 1);
  const client = createSnmpClient(t.target);
  let prev: Sample | null = null;
  let ok = 0;
  const start = clock.mono();
  try {
    for (let k = 0; k <= count; k++) {
      const wait = start + k * interval * 1000 - clock.mono();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      let cur: Sample;
      try {
        cur = await pollSwitch(client, sw, clock);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        err(`ixmeter poll: ${msg}\n`);
        if (values.json) out(JSON.stringify({ t: new Date(clock.now()).toISOString(), error: msg }) + '\n');
        continue;
      }
      ok++;
      if (k > 0) {
        const line = pollLine(prev, cur, maxIntervalSeconds);
        if (values.json) {
          const { reasons: _r, ...json } = line;
          out(JSON.stringify(json) + '\n');
        } else {
          out(text(line) + '\n');
        }
      }
      prev = cur;
    }
  } finally {
    client.close();
  }
  return ok > 0 ? 0 : 1;
}
