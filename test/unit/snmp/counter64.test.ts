// Counter64 content octets → exact bigint, including values above 2^53 and 2^64-1.
import { describe, it, expect } from 'vitest';
import { counter64ToBigInt } from '../../../collector/snmp/counter64.ts';

const hex = (h: string) => Buffer.from(h, 'hex');

describe('counter64ToBigInt', () => {
  const table: [string, bigint][] = [
    ['', 0n],
    ['00', 0n],
    ['01', 1n],
    ['ff', 255n],
    ['00ff', 255n],
    ['0100', 256n],
    ['79c1b9b1c1', 522941215169n],                 // 5 bytes, as BER encodes it
    ['ffffffffffff', 0xffff_ffff_ffffn],           // 48 bits: the float path's edge
    ['01000000000000', 1n << 48n],                 // 7 bytes
    ['20000000000000', 1n << 53n],                 // 2^53
    ['20000000000001', (1n << 53n) + 1n],          // 2^53 + 1: a double would lose it
    ['7fffffffffffffff', (1n << 63n) - 1n],
    ['00ffffffffffffffff', (1n << 64n) - 1n],      // 2^64-1 with BER's leading zero byte
    ['ffffffffffffffff', (1n << 64n) - 1n],        // 2^64-1 without it
    ['0123456789abcdef', 0x0123456789abcdefn],
    ['fedcba9876543211', 0xfedcba9876543211n],
  ];
  for (const [h, want] of table) {
    it(`0x${h || '(empty)'} → ${want}`, () => {
      expect(counter64ToBigInt(hex(h))).toBe(want);
    });
  }

  it('agrees with readBigUInt64BE on random 8-byte values', () => {
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(8);
      for (let j = 0; j < 8; j++) b[j] = Math.floor(Math.random() * 256);
      expect(counter64ToBigInt(b)).toBe(b.readBigUInt64BE(0));
    }
  });

  it('rejects more than 64 bits', () => {
    expect(() => counter64ToBigInt(hex('010000000000000000'))).toThrow(RangeError);
    expect(() => counter64ToBigInt(1n << 64n)).toThrow(RangeError);
    expect(() => counter64ToBigInt(-1)).toThrow(RangeError);
  });

  it('passes bigints and safe integers through', () => {
    expect(counter64ToBigInt(12345n)).toBe(12345n);
    expect(counter64ToBigInt(2 ** 53 - 1)).toBe(2n ** 53n - 1n);
  });
});
