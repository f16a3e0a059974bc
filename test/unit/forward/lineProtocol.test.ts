// Line protocol for ixp_port / ixp_poll / ixp_port_5m: exact integer counters from decimal strings,
// escaping, gap rows without rates, counters above int64, no empty tags.
import { describe, it, expect } from 'vitest';
import { portLine, rollupLine, pollLine, seriesKey, escapeTag, quoteString, type RateRowLP } from '../../../collector/forward/lineProtocol.ts';

const rate = (o: Partial<RateRowLP> = {}): RateRowLP => ({
  t: 1767225600000, in_bps: 1234.5, out_bps: 10, in_pps: 1, out_pps: 2, in_errors: 0, out_errors: 0, in_discards: 0, out_discards: 0,
  util_in: 0.25, util_out: null, oper_up: 1, speed_mbps: 10000, in_octets: '9007199254740993', out_octets: '5', gap: null, ...o,
});

describe('line protocol', () => {
  it.each([
    ['plain', 'plain'],
    ['AS65001 Raajje, Online=1', 'AS65001\\ Raajje\\,\\ Online\\=1'],
    ['two\nlines', 'two\\ lines'],
    ['ends with \\', 'ends\\ with\\ '],
  ])('escapes tag value %j', (v, want) => expect(escapeTag(v)).toBe(want));

  it('quotes string fields', () => expect(quoteString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c d"'));

  it('sorts tags and leaves out empty ones', () => {
    expect(seriesKey('ixp_port', { switch: 'sw 1', ixp: 'mvix', port: 'et-0/0/1', member_asn: 65001, member: '', category: undefined }))
      .toBe('ixp_port,ixp=mvix,member_asn=65001,port=et-0/0/1,switch=sw\\ 1');
  });

  it('writes rates with exact integer counters and ms timestamps', () => {
    expect(portLine('ixp_port,ixp=x', rate())).toBe(
      'ixp_port,ixp=x in_bps=1234.5,out_bps=10,in_pps=1,out_pps=2,in_errors=0,out_errors=0,in_discards=0,out_discards=0,util_in=0.25,'
      + 'oper_up=t,speed_mbps=10000,in_octets=9007199254740993i,out_octets=5i 1767225600000');
  });

  it('keeps a counter above 2^63-1 exactly as a string field (InfluxDB 1.x has no unsigned integers)', () => {
    const l = portLine('m', rate({ in_octets: '18446744073709551615', out_octets: '9223372036854775807' }))!;
    expect(l).toContain('in_octets_u64="18446744073709551615"');
    expect(l).not.toMatch(/in_octets=/);
    expect(l).toContain('out_octets=9223372036854775807i');
  });

  it('sends a gap without any rate field', () => {
    const l = portLine('m', rate({ gap: 'agent-restart', in_bps: null, out_bps: null, in_pps: null, out_pps: null, in_errors: null,
      out_errors: null, in_discards: null, out_discards: null, util_in: null, util_out: null, oper_up: 0 }))!;
    expect(l).toBe('m gap="agent-restart",oper_up=f,speed_mbps=10000,in_octets=9007199254740993i,out_octets=5i 1767225600000');
  });

  it('writes polls and 5-minute rollups', () => {
    expect(pollLine('mvix', { t: 5, switch: 'sw1', duration_ms: 12.5, ok: 0, ports: 48, error: 'timeout "x"' }))
      .toBe('ixp_poll,ixp=mvix,switch=sw1 duration_ms=12.5,ok=f,ports=48i,error="timeout \\"x\\"" 5');
    expect(rollupLine('ixp_port_5m,ixp=a', { t: 300000, in_bps_avg: 1, in_bps_max: 2, out_bps_avg: null, out_bps_max: null, in_pps_avg: null,
      out_pps_avg: null, in_errors_avg: null, out_errors_avg: null, in_discards_avg: null, out_discards_avg: null, util_in_max: null,
      util_out_max: null, oper_up_share: 1, coverage: 0.5 })).toBe('ixp_port_5m,ixp=a in_bps_avg=1,in_bps_max=2,oper_up_share=1,coverage=0.5 300000');
  });
});
