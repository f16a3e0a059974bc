// The sFlow matrix: scaling by the sample_pool delta (as sfacctd renormalises), fallback to the sampling
// rate, per-pair and per-member sums, the ingress-only filter and the uncertainty figure.
import { describe, expect, it } from 'vitest';
import type { FlowSample, SampledFrame } from '../../../collector/sflow/decode.ts';
import { etypeHex, ipVersion, Matrix, normaliseMac, relativeError, Renormaliser, RESET_BOUNDARY, UNKNOWN } from '../../../collector/sflow/matrix.ts';

const A = '02:00:00:00:00:0a', B = '02:00:00:00:00:0b', C = '02:00:00:00:00:0c';
const frame = (over: Partial<SampledFrame> = {}): SampledFrame => ({ frameLength: 1000, stripped: 4, srcMac: A, dstMac: B, etype: 0x0800, vlans: [], ...over });
const sample = (sequence: number, pool: number, over: Partial<FlowSample> = {}): FlowSample => ({
  sequence, sourceType: 0, sourceIndex: 1, samplingRate: 10, samplePool: pool, drops: 0,
  inputFormat: 0, input: 3, outputFormat: 0, output: 0x3fffffff, frame: frame(), ...over,
});

describe('Renormaliser', () => {
  it.each([
    ['first sample of a source: its sampling rate', [[1, 10]], [10]],
    ['next samples: the pool delta', [[1, 10], [2, 17], [3, 40]], [10, 7, 23]],
    ['lost samples share the gap (integer division)', [[1, 10], [4, 41]], [10, 10]],
    ['a pool that did not grow: sampling rate, state kept', [[1, 10], [2, 10], [3, 30]], [10, 10, 10]],
    ['an out-of-order sample: sampling rate, state kept', [[5, 50], [4, 40], [6, 62]], [10, 10, 12]],
    ['a restart (sequence jumps back further than the reset boundary): rate, then deltas from there',
      [[1000, 10_000], [1, 10], [2, 25]], [10, 10, 15]],
  ])('%s', (_n, seq, want) => {
    const r = new Renormaliser();
    expect(seq.map(([s, p]) => r.scale('192.0.2.1', 0, sample(s, p)))).toEqual(want);
  });

  it('a jump back within the reset boundary is not a reset: rate until the sequence passes the old one', () => {
    const r = new Renormaliser();
    r.scale('a', 0, sample(100, 1000));
    expect(r.scale('a', 0, sample(100 - RESET_BOUNDARY, 10))).toBe(10);
    expect(r.scale('a', 0, sample(101, 1010))).toBe(10);
  });

  it('keeps sources apart by agent, sub-agent and data source', () => {
    const r = new Renormaliser();
    r.scale('a', 0, sample(1, 100));
    expect(r.scale('b', 0, sample(2, 150))).toBe(10);
    expect(r.scale('a', 1, sample(2, 150))).toBe(10);
    expect(r.scale('a', 0, sample(2, 150, { sourceIndex: 2 }))).toBe(10);
    expect(r.scale('a', 0, sample(2, 150))).toBe(50);
    expect(r.size).toBe(4);
  });
});

describe('Matrix', () => {
  const lookup = (m: string) => ({ [A]: 'AS65001 Raajje', [B]: 'AS65002 Dhiraagu' } as Record<string, string>)[m];

  it('sums scaled bytes (frame_length) and packets per MAC pair and EtherType, and per member pair and IP version', () => {
    const m = new Matrix(new Renormaliser(), lookup);
    m.addSample('x', 0, sample(1, 10));                                                // 10 x 1000
    m.addSample('x', 0, sample(2, 15, { frame: frame({ frameLength: 200 }) }));        // 5 x 200
    m.addSample('x', 0, sample(3, 35, { frame: frame({ etype: 0x86dd, frameLength: 100 }) })); // 20 x 100
    m.addSample('x', 0, sample(4, 36, { frame: frame({ srcMac: B, dstMac: C, etype: 0x0806, frameLength: 64 }) })); // 1 x 64
    expect(m.pairRows()).toEqual([
      { srcMac: A, dstMac: B, etype: 0x0800, bytes: 11_000, packets: 15, samples: 2 },
      { srcMac: A, dstMac: B, etype: 0x86dd, bytes: 2000, packets: 20, samples: 1 },
      { srcMac: B, dstMac: C, etype: 0x0806, bytes: 64, packets: 1, samples: 1 },
    ]);
    expect(m.memberRows()).toEqual([
      { src: 'AS65001 Raajje', dst: 'AS65002 Dhiraagu', ipVersion: 'ipv4', bytes: 11_000, packets: 15, samples: 2 },
      { src: 'AS65001 Raajje', dst: 'AS65002 Dhiraagu', ipVersion: 'ipv6', bytes: 2000, packets: 20, samples: 1 },
      { src: 'AS65002 Dhiraagu', dst: UNKNOWN, ipVersion: 'other', bytes: 64, packets: 1, samples: 1 },
    ]);
    expect(m.counts).toEqual({ samples: 4, noFrame: 0, notIngress: 0 });
  });

  it('counts only ingress samples of member ports, but every sample moves its source pool', () => {
    const m = new Matrix(new Renormaliser());
    const filter = { memberIfIndexes: new Set([3]) };
    m.addSample('x', 0, sample(1, 10), filter);
    m.addSample('x', 0, sample(2, 20, { input: 7 }), filter);           // trunk port: not counted
    m.addSample('x', 0, sample(3, 30, { input: 0x3fffffff, inputFormat: 0 }), filter); // no input: egress sample
    m.addSample('x', 0, sample(4, 33, { frame: null }), filter);         // no header
    m.addSample('x', 0, sample(5, 34), filter);                          // scaled by 34 - 33
    expect(m.counts).toEqual({ samples: 2, noFrame: 1, notIngress: 2 });
    expect(m.pairRows()[0]).toMatchObject({ bytes: 10_000 + 1000, packets: 11 });
  });

  it('without a MAC lookup keeps no member rows', () => {
    const m = new Matrix(new Renormaliser());
    m.addSample('x', 0, sample(1, 10));
    expect(m.memberRows()).toEqual([]);
  });
});

describe('helpers', () => {
  it.each([[0x0800, 'ipv4', '800'], [0x86dd, 'ipv6', '86dd'], [0x0806, 'other', '806'], [0x05dc, 'other', '5dc']] as const)(
    'EtherType %i is %s, written "%s"', (e, v, hex) => {
      expect(ipVersion(e)).toBe(v);
      expect(etypeHex(e)).toBe(hex);
    });
  it('relative error is 1/sqrt(samples), none without samples', () => {
    expect(relativeError(100)).toBeCloseTo(0.1, 12);
    expect(relativeError(1)).toBe(1);
    expect(relativeError(0)).toBeNull();
  });
  it.each([
    ['02:00:5E:10:00:01', '02:00:5e:10:00:01'], ['0200.5e10.0001', '02:00:5e:10:00:01'], ['02-00-5e-10-00-01', '02:00:5e:10:00:01'],
    ['02:00:5e:10:00', null], ['zz:00:5e:10:00:01', null], ['', null],
  ])('normaliseMac(%j) = %j', (s, want) => { expect(normaliseMac(s)).toBe(want); });
});
