// The pure sFlow figures, computed by hand on a small matrix: the exchange's IPv6 share (IPv6 bytes over all bytes
// in the matrix), each member's, the measured local content share (bytes content members sent to the others over
// all bytes exchanged), and their errors by propagation of 1/sqrt(samples).
import { describe, expect, it } from 'vitest';
import { peeringFigures, shareOf, type MemberInfo } from '../../../collector/sflow/figures.ts';
import type { P2pTotal } from '../../../collector/sflow/store.ts';

const MEMBERS: MemberInfo[] = [
  { label: 'AS65001', asn: 65001, name: 'ISP One', category: 'isp' },
  { label: 'AS65002', asn: 65002, name: 'ISP Two', category: 'isp' },
  { label: 'AS65010', asn: 65010, name: 'CDN', category: 'content' },
];
const row = (src: string, dst: string, ip: P2pTotal['ip'], bytes: number, samples: number): P2pTotal => ({ src, dst, ip, bytes, packets: bytes / 1000, samples });

// 10,000 bytes in all: 3,000 of them IPv6; the CDN sends 6,000 to the two ISPs (and 500 to itself, which is not
// "to the others"); an unknown MAC sends 200 non-IP bytes.
const ROWS: P2pTotal[] = [
  row('AS65010', 'AS65001', 'ipv4', 4000, 400),
  row('AS65010', 'AS65002', 'ipv6', 2000, 100),
  row('AS65010', 'AS65010', 'ipv4', 500, 25),
  row('AS65001', 'AS65002', 'ipv6', 1000, 100),
  row('AS65002', 'AS65001', 'ipv4', 2300, 230),
  row('unknown', 'AS65001', 'other', 200, 20),
];

describe('shareOf', () => {
  it('is a / (a + b) with the absolute error s(1-s)·sqrt(1/na + 1/nb)', () => {
    const s = shareOf(300, 100, 700, 400);
    expect(s.share).toBeCloseTo(0.3, 15);
    expect(s.error).toBeCloseTo(0.3 * 0.7 * Math.sqrt(1 / 100 + 1 / 400), 15);
    expect(s.samples).toBe(500);
  });
  it('has no share without bytes, and 1/sqrt(n) when one side has no samples', () => {
    expect(shareOf(0, 0, 0, 0)).toEqual({ share: null, error: null, samples: 0 });
    expect(shareOf(50, 25, 0, 0)).toEqual({ share: 1, error: 1 / 5, samples: 25 });
  });
});

describe('peeringFigures', () => {
  const f = peeringFigures(ROWS, MEMBERS);

  it('totals the matrix', () => {
    expect(f.totalBytes).toBe(10_000);
    expect(f.samples).toBe(875);
  });

  it("gives the exchange's IPv6 share over all bytes in the matrix, with its error", () => {
    // IPv6: 2,000 + 1,000 of 10,000 bytes, from 200 of the 875 samples.
    expect(f.ipv6.share).toBeCloseTo(0.3, 15);
    expect(f.ipv6.error).toBeCloseTo(0.3 * 0.7 * Math.sqrt(1 / 200 + 1 / 675), 15);
    expect(f.ipv6.samples).toBe(875);
  });

  it('measures the local content share: content members to the others, over all bytes exchanged', () => {
    // The CDN's 4,000 + 2,000 bytes to the ISPs (500 sent to itself left out) of 10,000; 500 of the 875 samples.
    expect(f.localContent.share).toBeCloseTo(0.6, 15);
    expect(f.localContent.error).toBeCloseTo(0.6 * 0.4 * Math.sqrt(1 / 500 + 1 / 375), 15);
  });

  it("gives each member's IPv6 share of what it sent and received", () => {
    const one = f.members.find((m) => m.label === 'AS65001')!;
    // AS65001 received 4,000 (v4) + 2,300 (v4) + 200 (other) and sent 1,000 (v6): 1,000 / 7,500 IPv6.
    expect(one).toMatchObject({ sent: 1000, received: 6500, ipv4: 6300, ipv6: 1000, samples: 750 });
    expect(one.ipv6Share).toBeCloseTo(1000 / 7500, 15);
    const s = 1000 / 7500;
    expect(one.ipv6Error).toBeCloseTo(s * (1 - s) * Math.sqrt(1 / 100 + 1 / 650), 15);
    expect(f.members.some((m) => m.label === 'unknown')).toBe(false);
  });

  it('puts the unknown MACs apart, and the largest pair first', () => {
    expect(f.unknown.share).toBeCloseTo(0.02, 15);
    expect(f.pairs[0]).toMatchObject({ src: 'AS65010', dst: 'AS65001', bytes: 4000, error: 1 / 20 });
  });

  it('has no shares for an empty matrix', () => {
    const e = peeringFigures([], MEMBERS);
    expect(e).toMatchObject({ totalBytes: 0, pairs: [], members: [], ipv6: { share: null }, localContent: { share: null } });
  });
});
