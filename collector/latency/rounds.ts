// Pure core of the latency prober: fping's `-C N -q` report (one line per target on stderr) into one
// result per target (sent, received, loss, median, min, max, sorted RTTs), and the arguments of one round.
// No clock, no I/O, no logging here: collector/latency/fping.ts is the only file that spawns fping.
import { isIP } from 'node:net';

/** One target's result of one round: what `ixmeter latency --json` prints per target. */
export interface TargetResult {
  /** The address as probed (canonical form: lower case, IPv6 compressed). */
  target: string;
  /** Echo requests sent (the round's N). */
  sent: number;
  /** Echo replies received in time. */
  received: number;
  /** (sent - received) / sent, 0..1. */
  loss: number;
  /** Median of the RTTs that came back (ms); null when nothing came back. */
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** The RTTs that came back, sorted ascending (ms): the "smoke". Lost pings are left out. */
  rttsMs: number[];
}

/** How one round probes: the fping options, as smokeping's FPing probe sets them. */
export interface RoundOptions {
  /** Echo requests per target (fping -C). Default 20. */
  pings: number;
  /** Milliseconds between two requests to the same target (fping -p). Default 1000. */
  periodMs: number;
  /** Minimum milliseconds between any two requests of the round (fping -i). Default 10. */
  intervalMs: number;
  /**
   * Milliseconds a reply may take (fping -t). Default 1500. Set explicitly: in -C mode fping's timeout
   * otherwise defaults to the period, and a target slower than that reads as 100 % loss.
   */
  timeoutMs: number;
  /** ICMP payload bytes (fping -b). Default 56, as ping. */
  sizeBytes: number;
}

export const DEFAULT_ROUND: RoundOptions = { pings: 20, periodMs: 1000, intervalMs: 10, timeoutMs: 1500, sizeBytes: 56 };

/** A target that is not a literal IPv4 or IPv6 address (names are not resolved: literal addresses only). */
export class AddressError extends Error {
  constructor(readonly value: string, readonly where: string) {
    super(`${where}: ${JSON.stringify(value)} is not an IPv4 or IPv6 address (literal addresses only, no names)`);
  }
}

/** The canonical form of a literal address (IPv6 lower case and compressed, zone kept), or an AddressError. */
export function canonicalAddress(value: string, where = 'target'): string {
  const v = value.trim();
  const family = isIP(v);
  if (family === 4) return v.split('.').map((o) => String(Number(o))).join('.');
  if (family === 6) {
    const [addr, zone] = v.split('%', 2);
    // WHATWG URL parsing compresses and lower-cases an IPv6 address exactly as RFC 5952 asks.
    const host = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
    return zone === undefined ? host : `${host}%${zone}`;
  }
  throw new AddressError(value, where);
}

/** The arguments of one fping round over `targets` (already canonical). */
export function fpingArgs(targets: string[], o: RoundOptions): string[] {
  // -B1 -r0: no backoff and no retries (each of the N pings is one sample); -q: only the per-target report.
  return ['-C', String(o.pings), '-q', '-B1', '-r0', '-p', String(o.periodMs), '-i', String(o.intervalMs),
    '-t', String(o.timeoutMs), '-b', String(o.sizeBytes), ...targets];
}

/** An upper bound of one round's wall time (ms), beyond which the round is killed as hung. */
export function roundBudgetMs(targets: number, o: RoundOptions): number {
  const sending = Math.max((o.pings - 1) * o.periodMs, targets * o.pings * o.intervalMs);
  return 2 * (sending + o.timeoutMs) + 5000;
}

/** The median of sorted values (mean of the middle two for an even count); null for none. */
export function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** One target's result from its RTTs (ms; null for a lost ping), in sending order. */
export function targetResult(target: string, rtts: (number | null)[]): TargetResult {
  const got = rtts.filter((r): r is number => r !== null).sort((a, b) => a - b);
  const sent = rtts.length;
  return {
    target, sent, received: got.length, loss: sent === 0 ? 0 : (sent - got.length) / sent,
    medianMs: median(got), minMs: got.length ? got[0] : null, maxMs: got.length ? got[got.length - 1] : null, rttsMs: got,
  };
}

export interface ParsedReport {
  results: TargetResult[];
  /** stderr lines that are not a target's report (fping's warnings and ICMP errors), for the log. */
  other: string[];
}

/** fping printed something other than the expected report for a target: an error naming the target and the line. */
export class ReportError extends Error {}

const LINE = /^(\S+)\s+:((?:\s+(?:-|\d+(?:\.\d+)?))+)\s*$/;

/**
 * Parses fping's `-C N -q` report: `ADDR : 0.52 - 0.48 ...` (RTTs in ms, `-` for a lost ping), one line per
 * target, on stderr. Every target must have exactly one line of exactly `pings` values: anything else is a
 * ReportError (never a silent 100 % loss). Results come back in the order of `targets`.
 */
export function parseReport(stderr: string, targets: string[], pings: number): ParsedReport {
  const wanted = new Set(targets);
  const found = new Map<string, (number | null)[]>();
  const other: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trimEnd();
    if (!line) continue;
    const m = LINE.exec(line);
    if (!m || !wanted.has(m[1])) { other.push(line); continue; }
    const values = m[2].trim().split(/\s+/).map((v) => (v === '-' ? null : Number(v)));
    if (values.length !== pings) throw new ReportError(`fping reported ${values.length} values for ${m[1]}, expected ${pings}: ${JSON.stringify(line)}`);
    if (found.has(m[1])) throw new ReportError(`fping reported ${m[1]} twice`);
    found.set(m[1], values);
  }
  const missing = targets.filter((t) => !found.has(t));
  if (missing.length) {
    throw new ReportError(`fping printed no result for ${missing.join(', ')}${other.length ? ` (it said: ${other.slice(0, 3).join(' | ')})` : ''}`);
  }
  return { results: targets.map((t) => targetResult(t, found.get(t)!)), other };
}
