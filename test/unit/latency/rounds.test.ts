// The pure core of the latency prober: fping's -C report into per-target results, addresses, arguments.
import { describe, expect, it } from 'vitest';
import { AddressError, canonicalAddress, fpingArgs, median, parseReport, ReportError, targetResult, DEFAULT_ROUND } from '../../../collector/latency/rounds.ts';

describe('parseReport', () => {
  it('reads fping 5 -C -q lines (padded target, "-" for a lost ping) in the order of the targets', () => {
    const stderr = [
      '10.99.0.1 : 0.52 0.48 - 0.61',
      'fd99::1   : 0.70 0.66 0.69 0.71',
      '192.0.2.9 : - - - -',
      '',
    ].join('\n');
    const { results, other } = parseReport(stderr, ['192.0.2.9', '10.99.0.1', 'fd99::1'], 4);
    expect(other).toEqual([]);
    expect(results).toEqual([
      { target: '192.0.2.9', sent: 4, received: 0, loss: 1, medianMs: null, minMs: null, maxMs: null, rttsMs: [] },
      { target: '10.99.0.1', sent: 4, received: 3, loss: 0.25, medianMs: 0.52, minMs: 0.48, maxMs: 0.61, rttsMs: [0.48, 0.52, 0.61] },
      { target: 'fd99::1', sent: 4, received: 4, loss: 0, medianMs: (0.69 + 0.70) / 2, minMs: 0.66, maxMs: 0.71, rttsMs: [0.66, 0.69, 0.70, 0.71] },
    ]);
  });

  it('keeps other stderr lines (ICMP errors, warnings) apart for the log', () => {
    const stderr = 'ICMP Host Unreachable from 10.99.0.9 for ICMP Echo sent to 10.99.0.7\n10.99.0.7 : - -\n';
    const { results, other } = parseReport(stderr, ['10.99.0.7'], 2);
    expect(results[0].loss).toBe(1);
    expect(other).toEqual(['ICMP Host Unreachable from 10.99.0.9 for ICMP Echo sent to 10.99.0.7']);
  });

  it('a missing target, a wrong count or a repeated line is an error naming it, never a silent 100 % loss', () => {
    expect(() => parseReport('10.0.0.1 : 1.0 1.1\n', ['10.0.0.1', '10.0.0.2'], 2)).toThrow(new ReportError('fping printed no result for 10.0.0.2'));
    expect(() => parseReport('10.0.0.1 : 1.0\n', ['10.0.0.1'], 2)).toThrow(/reported 1 values for 10.0.0.1, expected 2/);
    expect(() => parseReport('10.0.0.1 : 1.0\n10.0.0.1 : 1.0\n', ['10.0.0.1'], 1)).toThrow(/twice/);
    expect(() => parseReport('fping: something odd\n', ['10.0.0.1'], 1)).toThrow(/no result for 10.0.0.1 \(it said: fping: something odd\)/);
  });
});

describe('targetResult and median', () => {
  it.each([
    [[], null], [[5], 5], [[1, 3], 2], [[1, 2, 9], 2], [[1, 2, 3, 100], 2.5],
  ])('median(%j) = %j', (v, m) => { expect(median(v)).toBe(m); });

  it('sorts the smoke and leaves lost pings out', () => {
    expect(targetResult('x', [3, null, 1, 2, null])).toEqual({ target: 'x', sent: 5, received: 3, loss: 0.4, medianMs: 2, minMs: 1, maxMs: 3, rttsMs: [1, 2, 3] });
  });
});

describe('canonicalAddress', () => {
  it.each([
    ['10.99.0.1', '10.99.0.1'], [' 192.0.2.1 ', '192.0.2.1'], ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], ['fe80::1%eth0', 'fe80::1%eth0'], ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('%s -> %s', (a, c) => { expect(canonicalAddress(a)).toBe(c); });

  it.each(['10.0.0.256', 'router.example', '', '2001:db8::g', '10.0.0.1/24'])('rejects %j naming where it came from', (bad) => {
    expect(() => canonicalAddress(bad, 'latency.references[2].address')).toThrow(AddressError);
    expect(() => canonicalAddress(bad, 'latency.references[2].address')).toThrow(`latency.references[2].address: ${JSON.stringify(bad)} is not an IPv4 or IPv6 address`);
  });
});

it('fpingArgs sets every timing explicitly, as smokeping does', () => {
  expect(fpingArgs(['10.0.0.1', 'fd00::1'], { ...DEFAULT_ROUND, timeoutMs: 2000 })).toEqual(
    ['-C', '20', '-q', '-B1', '-r0', '-p', '1000', '-i', '10', '-t', '2000', '-b', '56', '10.0.0.1', 'fd00::1']);
});
