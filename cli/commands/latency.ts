// `ixmeter latency`: one fping round to the given addresses, printed as JSON (a contract for other
// tools) or as a table. The probing and parsing live in collector/latency/; no fping logic here.
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { runFping, FpingError } from '../../collector/latency/fping.ts';
import { AddressError, canonicalAddress, DEFAULT_ROUND, type RoundOptions, type TargetResult } from '../../collector/latency/rounds.ts';
import { printable, table } from '../../collector/snmp/cli-target.ts';

export const summary = 'Ping addresses once with fping (smokeping-style round) and print loss and RTTs';

export const help = `Usage: ixmeter latency --target ADDR [--target ADDR ...] [--pings N] [--timeout-ms T] [--json]

Runs one round of fping (-C N -q) to every target at once and prints, per target, what was sent and
received, the loss, the median, minimum and maximum round-trip time and the sorted RTTs (the "smoke").
With --json one object:
  {"targets":[{"target","sent","received","loss","medianMs","minMs","maxMs","rttsMs":[...]}]}
loss is a fraction 0..1, rttsMs is sorted with lost pings left out, medianMs is null when nothing
came back. Targets are literal IPv4 or IPv6 addresses (no names).

Options:
  --target ADDR            an address to probe (repeat for more)
  --pings N                echo requests per target (default ${DEFAULT_ROUND.pings})
  --period-ms P            milliseconds between two requests to one target (default ${DEFAULT_ROUND.periodMs})
  --interval-ms I          minimum milliseconds between any two requests (default ${DEFAULT_ROUND.intervalMs})
  --timeout-ms T           milliseconds a reply may take; keep it above the slowest target's RTT
                           (default ${DEFAULT_ROUND.timeoutMs})
  --size B                 ICMP payload bytes (default ${DEFAULT_ROUND.sizeBytes})
  --fping PATH             the fping program (default: fping in PATH)
  --json                   JSON instead of a table

fping needs a raw ICMP socket: root, or CAP_NET_RAW (Debian's fping package sets it).
Exit codes: 0 at least one target answered, 1 none did (or fping could not run), 2 bad usage.`;

export interface LatencyJson { targets: TargetResult[] }

function int(v: string | undefined, flag: string, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag}: ${JSON.stringify(v)} is not an integer from ${min} to ${max}`);
  return n;
}

const ms = (v: number | null) => (v === null ? '-' : v.toFixed(v < 10 ? 3 : 1));

export async function run(argv: string[], deps: { out?: (s: string) => void; err?: (s: string) => void } = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string', multiple: true }, pings: { type: 'string' }, 'period-ms': { type: 'string' },
      'interval-ms': { type: 'string' }, 'timeout-ms': { type: 'string' }, size: { type: 'string' },
      fping: { type: 'string' }, json: { type: 'boolean' },
    },
    strict: true, allowPositionals: false,
  });
  const out = deps.out ?? ((s: string) => { process.stdout.write(s); });
  const err = deps.err ?? ((s: string) => { process.stderr.write(s); });
  const raw = values.target ?? [];
  if (raw.length === 0) throw new UsageError('--target: give at least one address');
  const targets: string[] = [];
  for (const t of raw) {
    let c: string;
    try { c = canonicalAddress(t, '--target'); } catch (e) {
      if (e instanceof AddressError) throw new UsageError(e.message);
      throw e;
    }
    if (!targets.includes(c)) targets.push(c);
  }
  const o: RoundOptions = {
    pings: int(values.pings, 'pings', DEFAULT_ROUND.pings, 1, 10_000),
    periodMs: int(values['period-ms'], 'period-ms', DEFAULT_ROUND.periodMs, 1, 3_600_000),
    intervalMs: int(values['interval-ms'], 'interval-ms', DEFAULT_ROUND.intervalMs, 1, 60_000),
    timeoutMs: int(values['timeout-ms'], 'timeout-ms', DEFAULT_ROUND.timeoutMs, 1, 600_000),
    sizeBytes: int(values.size, 'size', DEFAULT_ROUND.sizeBytes, 0, 65_000),
  };
  let round;
  try {
    round = await runFping(targets, { ...o, fping: values.fping });
  } catch (e) {
    if (e instanceof FpingError) {
      // An address fping itself could not use (e.g. an unknown IPv6 zone) is the caller's mistake.
      if (e.failure === 'bad-address') throw new UsageError(e.message);
      throw new CliError(e.message, 1);
    }
    throw e;
  }
  if (values.json) {
    const json: LatencyJson = { targets: round.results };
    out(JSON.stringify(json) + '\n');
  } else {
    const rows = [['target', 'sent', 'received', 'loss', 'median ms', 'min ms', 'max ms']];
    for (const r of round.results) {
      rows.push([printable(r.target), String(r.sent), String(r.received), `${(r.loss * 100).toFixed(1)} %`, ms(r.medianMs), ms(r.minMs), ms(r.maxMs)]);
    }
    out(table(rows, [false, true, true, true, true, true, true]) + '\n');
  }
  const answered = round.results.filter((r) => r.received > 0).length;
  if (answered === 0) err(`ixmeter latency: no target answered (${round.results.map((r) => r.target).join(', ')})\n`);
  return answered > 0 ? 0 : 1;
}
