// Counter arithmetic for the rate engine: the delta of one counter between two polls, with the
// 32-bit wrap and the 64-bit reset rules of DESIGN.md. Pure bigint maths: no clock, no I/O, no floats
// until the delta is known (Counter64 values exceed 2^53).

/** 2^32: the modulus of a Counter32 (RFC 2578 7.1.6). */
export const TWO_32 = 1n << 32n;
/** 2^64: the modulus of a Counter64 (RFC 2578 7.1.10). */
export const TWO_64 = 1n << 64n;

/** Outcome of comparing one counter in two samples. */
export type Delta =
  /** Both values present: how much the counter grew (after at most one plausible wrap). */
  | { kind: 'ok'; delta: bigint; wrapped: boolean }
  /** At least one value absent (null): no rate for this counter, and no gap either. */
  | { kind: 'absent' }
  /** The counter went down and it was not a plausible wrap: a discontinuity. */
  | { kind: 'reset' };

/**
 * The growth of a counter from `prev` to `cur`.
 *
 * - 64-bit (`hc`): a counter that went down is a reset. Counter64 does not wrap in practice
 *   (2^64 octets is 4.6 years of 1 Tbit/s), so a lower value means the agent's counters restarted.
 * - 32-bit: a counter that went down wrapped `wraps` times (1 for one counter; up to 3 for a sum
 *   of three 32-bit packet counters); the wrap is accepted only if `plausible(delta)` says the
 *   implied growth fits the interface, otherwise it is a reset.
 */
export function counterDelta(
  prev: bigint | null,
  cur: bigint | null,
  hc: boolean,
  plausible: (delta: bigint) => boolean,
  maxWraps = 1,
): Delta {
  if (prev === null || cur === null) return { kind: 'absent' };
  if (cur >= prev) return { kind: 'ok', delta: cur - prev, wrapped: false };
  if (hc) return { kind: 'reset' };
  let delta = cur - prev;
  for (let i = 0; i < maxWraps && delta < 0n; i++) delta += TWO_32;
  if (delta < 0n || !plausible(delta)) return { kind: 'reset' };
  return { kind: 'ok', delta, wrapped: true };
}

/**
 * Whether `delta` octets in `seconds` fit an interface of `speedMbps`.
 * Known speed: the implied bit rate may exceed the speed by at most 10% (timing jitter between
 * the agent's counter update and its response). Unknown speed (null or 0): the wrap is plausible
 * only if the counter moved less than half its range (2^31) — a counter that "wrapped" further
 * than that is far more likely to have been reset (RFC 2863 3.1.5 leaves the call to the manager).
 */
export function octetsPlausible(delta: bigint, seconds: number, speedMbps: number | null): boolean {
  if (speedMbps === null || !(speedMbps > 0)) return delta < TWO_32 / 2n;
  return (Number(delta) * 8) / seconds <= speedMbps * 1e6 * 1.1;
}

/**
 * Whether `delta` packets in `seconds` fit an interface of `speedMbps`: at most one minimum-size
 * Ethernet frame (64 bytes + 20 bytes preamble and inter-frame gap = 672 bits) per 672 bits of
 * speed, with 10% slack. Unknown speed: less than half the 32-bit range, as for octets.
 */
export function packetsPlausible(delta: bigint, seconds: number, speedMbps: number | null): boolean {
  if (speedMbps === null || !(speedMbps > 0)) return delta < TWO_32 / 2n;
  return Number(delta) / seconds <= ((speedMbps * 1e6) / 672) * 1.1;
}

/** Per-second rate of a delta; `factor` 8 turns octets into bits. Exact for any delta below 2^53. */
export function perSecond(delta: bigint, seconds: number, factor = 1): number {
  return (Number(delta) * factor) / seconds;
}
