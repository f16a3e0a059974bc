// Counter64 as net-snmp delivers it (the raw BER content octets in a Buffer, big-endian,
// possibly shorter than 8 bytes or with a leading 0x00) → exact bigint. Never goes through a float.

const TWO32 = 0x1_0000_0000n;

/**
 * Exact unsigned value of a Counter64 content buffer. Accepts 0..9 bytes (a 9th leading byte must
 * be 0, BER's sign padding); also passes a bigint through and converts a safe non-negative integer.
 * @throws RangeError when the value does not fit in 64 bits or is not a counter.
 */
export function counter64ToBigInt(value: Buffer | Uint8Array | bigint | number): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError(`Counter64 out of range: ${value}`);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Counter64 not a safe non-negative integer: ${value}`);
    return BigInt(value);
  }
  let start = 0;
  const len = value.length;
  while (start < len && value[start] === 0) start++;
  const n = len - start;
  if (n > 8) throw new RangeError(`Counter64 longer than 8 bytes (${len})`);
  if (n <= 6) {
    // Up to 48 bits fit a double exactly: one readUIntBE-like loop, one BigInt.
    let v = 0;
    for (let i = start; i < len; i++) v = v * 256 + value[i];
    return BigInt(v);
  }
  // 7 or 8 bytes: high and low 32-bit halves.
  let hi = 0;
  let lo = 0;
  const split = len - 4;
  for (let i = start; i < split; i++) hi = hi * 256 + value[i];
  for (let i = split; i < len; i++) lo = lo * 256 + value[i];
  return BigInt(hi) * TWO32 + BigInt(lo);
}
