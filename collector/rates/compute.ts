// The rate engine: two Samples of one switch in, per-interface rates and gaps out (DESIGN.md
// "Counters, done right"). Pure: no clock, no I/O, no logging — every time it needs is inside the
// Samples. A discontinuity is a Gap: never a zero rate, never a spike.
import type { Gap, GapReason, IfSample, PortRate, RateOptions, RateResult, Sample } from './types.ts';
import { counterDelta, octetsPlausible, packetsPlausible, perSecond, type Delta } from './counters.ts';

/** TimeTicks (sysUpTime) wrap after 2^32 centiseconds, about 497 days (RFC 2578 7.1.8). */
const TICKS_MODULUS = 2 ** 32;

/**
 * Seconds between the two responses.
 *
 * The monotonic clock (`mono`) is preferred: the wall clock of a Pi without a real-time clock can
 * step (NTP) between two polls. `mono` is trusted when it moved forward and agrees with the wall
 * clock within 10% (or 1 s); when it went backwards or did not move (the previous Sample came from
 * another boot or process) the wall clock is used; when both moved forward but disagree, the
 * longer of the two is taken, so a clock step can only lower a rate or turn the interval into a
 * gap ('interval-too-long'), never make a spike.
 */
export function intervalSeconds(prev: Sample, cur: Sample): number {
  const wall = (cur.time - prev.time) / 1000;
  const mono = (cur.mono - prev.mono) / 1000;
  if (!(Number.isFinite(mono) && mono > 0)) return wall;
  if (!(wall > 0)) return mono;
  if (Math.abs(mono - wall) <= Math.max(1, 0.1 * wall)) return mono;
  return Math.max(mono, wall);
}

/**
 * Whether the agent restarted between the two samples (RFC 3418 sysUpTime):
 * - sysUpTime went backwards, unless it is the TimeTicks wrap at 2^32 (the wrapped advance then
 *   matches the interval within 10% or 5 s);
 * - or the agent's uptime is shorter than the interval (it booted inside the interval, even if
 *   the previous uptime was shorter still). Skipped when the previous sysUpTime is 0 (unknown).
 */
export function agentRestarted(prev: Sample, cur: Sample, seconds: number): boolean {
  if (cur.sysUpTime < prev.sysUpTime) {
    const wrappedAdvance = (cur.sysUpTime + TICKS_MODULUS - prev.sysUpTime) / 100;
    return !(Math.abs(wrappedAdvance - seconds) <= Math.max(5, 0.1 * seconds));
  }
  return prev.sysUpTime > 0 && cur.sysUpTime / 100 + Math.max(2, 0.05 * seconds) < seconds;
}

/**
 * Rates of every interface of `cur` over the interval since `prev` (same switch).
 *
 * Decisions, in order (the first that applies wins):
 * 1. interval ≤ 0 (the same response twice, or both clocks went back): an empty result — there is
 *    no interval to report. The caller keeps `cur` as the next `prev`.
 * 2. the agent restarted (see agentRestarted): a gap 'agent-restart' for every interface.
 * 3. interval > opts.maxIntervalSeconds: a gap 'interval-too-long' for every interface.
 * 4. an interface absent from `prev`: a gap 'new-interface' (so the store records when the port
 *    appeared). The very first Sample of a switch has no `prev`: the caller does not call this
 *    function then and stores the Sample alone.
 * 5. the ifIndex now names another interface (ifName or ifDescr changed; ifAlias may change
 *    freely): a gap 'ifindex-reused'.
 * 6. ifCounterDiscontinuityTime present in both and changed (RFC 2863 3.1.5): 'counter-discontinuity'.
 * 7. the octet counters switched between 64-bit and 32-bit: 'counter-discontinuity'.
 * 8. an octet counter went down and is not a plausible 32-bit wrap (counters.ts): 'counter-reset'.
 * Otherwise a PortRate. A counter present in only one sample gives null for that rate, not a gap
 * (an interface with no octet counters at all still gets a PortRate with null rates: its status
 * counts). Packet, error and discard counters that went down implausibly give a null rate for
 * that counter only; the octet counters decide the gap.
 * Interfaces in `prev` that are gone from `cur` produce nothing.
 */
export function computeRates(prev: Sample, cur: Sample, opts: RateOptions): RateResult {
  const seconds = intervalSeconds(prev, cur);
  const result: RateResult = { rates: [], gaps: [] };
  if (!(seconds > 0) || !Number.isFinite(seconds)) return result;

  let global: GapReason | null = null;
  if (agentRestarted(prev, cur, seconds)) global = 'agent-restart';
  else if (seconds > opts.maxIntervalSeconds) global = 'interval-too-long';

  const before = new Map<number, IfSample>();
  for (const i of prev.interfaces) before.set(i.ifIndex, i);

  for (const c of cur.interfaces) {
    const gap = (reason: GapReason): void => {
      const g: Gap = { ifIndex: c.ifIndex, name: c.name, time: cur.time, interval: seconds, reason };
      result.gaps.push(g);
    };
    if (global) { gap(global); continue; }
    const p = before.get(c.ifIndex);
    if (!p) { gap('new-interface'); continue; }
    if (p.name !== c.name || p.descr !== c.descr) { gap('ifindex-reused'); continue; }
    if (p.discontinuityTime !== null && c.discontinuityTime !== null && p.discontinuityTime !== c.discontinuityTime) {
      gap('counter-discontinuity');
      continue;
    }
    const octetsBoth = (p.inOctets !== null || p.outOctets !== null) && (c.inOctets !== null || c.outOctets !== null);
    if (octetsBoth && p.hc !== c.hc) { gap('counter-discontinuity'); continue; }

    const speed = c.speedMbps ?? p.speedMbps;
    const octets = (d: bigint) => octetsPlausible(d, seconds, speed);
    const packets = (d: bigint) => packetsPlausible(d, seconds, speed);
    const inOct = counterDelta(p.inOctets, c.inOctets, c.hc, octets);
    const outOct = counterDelta(p.outOctets, c.outOctets, c.hc, octets);
    if (inOct.kind === 'reset' || outOct.kind === 'reset') { gap('counter-reset'); continue; }

    // A sum of three Counter32 packet columns can wrap up to three times in one interval.
    const pktsComparable = p.pktsHc === c.pktsHc;
    const inPkts = pktsComparable ? counterDelta(p.inPkts, c.inPkts, c.pktsHc, packets, c.pktsHc ? 1 : 3) : ABSENT;
    const outPkts = pktsComparable ? counterDelta(p.outPkts, c.outPkts, c.pktsHc, packets, c.pktsHc ? 1 : 3) : ABSENT;
    // ifIn/OutErrors and ifIn/OutDiscards are Counter32 only (RFC 2863 has no HC versions).
    const small = (a: bigint | null, b: bigint | null) => counterDelta(a, b, false, packets);

    const inBps = rate(inOct, seconds, 8);
    const outBps = rate(outOct, seconds, 8);
    result.rates.push({
      ifIndex: c.ifIndex,
      name: c.name,
      alias: c.alias,
      time: cur.time,
      interval: seconds,
      inBps,
      outBps,
      inPps: rate(inPkts, seconds),
      outPps: rate(outPkts, seconds),
      inErrors: rate(small(p.inErrors, c.inErrors), seconds),
      outErrors: rate(small(p.outErrors, c.outErrors), seconds),
      inDiscards: rate(small(p.inDiscards, c.inDiscards), seconds),
      outDiscards: rate(small(p.outDiscards, c.outDiscards), seconds),
      utilIn: utilisation(inBps, c.speedMbps),
      utilOut: utilisation(outBps, c.speedMbps),
      operUp: c.operStatus === 1,
      speedMbps: c.speedMbps,
      inOctets: c.inOctets,
      outOctets: c.outOctets,
    });
  }
  return result;
}

const ABSENT: Delta = { kind: 'absent' };

function rate(d: Delta, seconds: number, factor = 1): number | null {
  return d.kind === 'ok' ? perSecond(d.delta, seconds, factor) : null;
}

/** bps as a share of the port speed, 0..1 (capped at 1: timing jitter can push a full port a little over). */
function utilisation(bps: number | null, speedMbps: number | null): number | null {
  if (bps === null || speedMbps === null || !(speedMbps > 0)) return null;
  return Math.min(1, bps / (speedMbps * 1e6));
}
