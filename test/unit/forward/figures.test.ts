// Line protocol of the figures computed at the collector (ixp_member_5m, ixp_member_month, ixp_info,
// ixp_member_info, ixp_port_info), the deletes of recomputed figures, month starts in IXP time zones, and
// the outbox rows as the forwarder turns them into lines: table-driven, pure.
import { describe, it, expect } from 'vitest';
import {
  memberWindowLine, memberMonthLine, metaLine, influxqlDelete, v2DeleteBody, quoteExact,
  type MemberWindowRowLP, type MonthRowLP, type MetaRecordLP,
} from '../../../collector/forward/lineProtocol.ts';
import { figureRow, monthStart } from '../../../collector/forward/figures.ts';

const win = (o: Partial<MemberWindowRowLP> = {}): MemberWindowRowLP => ({
  asn: 65001, t: 1767225600000, res: 300, in_bps: 1.5e9, out_bps: 2e8, coverage: 0.98, ports: 2, max_util: 0.41, ...o,
});

describe('ixp_member_5m', () => {
  it.each<[string, Partial<MemberWindowRowLP>, string]>([
    ['a member window', {}, 'ixp_member_5m,asn=65001,ixp=mvix in_bps=1500000000,out_bps=200000000,coverage=0.98,ports=2i,res=300i,max_util=0.41 1767225600000'],
    ['the IXP (asn 0)', { asn: 0, ports: 14 }, 'ixp_member_5m,asn=0,ixp=mvix in_bps=1500000000,out_bps=200000000,coverage=0.98,ports=14i,res=300i,max_util=0.41 1767225600000'],
    ['nulls absent', { in_bps: null, out_bps: null, max_util: null, coverage: 0, ports: 0 }, 'ixp_member_5m,asn=65001,ixp=mvix coverage=0,ports=0i,res=300i 1767225600000'],
    ['imported history at 2 h', { res: 7200, max_util: null }, 'ixp_member_5m,asn=65001,ixp=mvix in_bps=1500000000,out_bps=200000000,coverage=0.98,ports=2i,res=7200i 1767225600000'],
  ])('%s', (_n, o, want) => expect(memberWindowLine('mvix', win(o))).toBe(want));
});

const month: MonthRowLP = {
  month: '2026-03', asn: 65001, complete: false, computedAt: 1773900000000,
  p95InMbps: 410.5, p95OutMbps: 120, p95Mbps: 410.5, p95Samples: 8000, bytesIn: 3.2e16, bytesOut: 1e15, peakBps: null,
  transitSaved: 2052.5, netSaved: 1552.5, portFee: 500, transitSavedProjected: 4000, netSavedProjected: 3500, portFeeProjected: 500,
  coverage: 0.93, resolution: 300, connectedShare: 1, expectedSeconds: 2592000, maxUtil: 0.5,
  peakMethodSaved: null, localContentShare: null, members: null,
};

describe('ixp_member_month', () => {
  it('carries every MonthRow number in snake_case, nulls absent, complete as boolean, computed_at as integer, month as string', () => {
    expect(memberMonthLine('mvix', month, 1772305200000)).toBe('ixp_member_month,asn=65001,ixp=mvix '
      + 'p95_in_mbps=410.5,p95_out_mbps=120,p95_mbps=410.5,p95_samples=8000,bytes_in=32000000000000000,bytes_out=1000000000000000,'
      + 'transit_saved=2052.5,net_saved=1552.5,port_fee=500,transit_saved_projected=4000,net_saved_projected=3500,port_fee_projected=500,'
      + 'coverage=0.93,resolution=300,connected_share=1,expected_seconds=2592000,max_util=0.5,'
      + 'complete=f,computed_at=1773900000000i,month="2026-03" 1772305200000');
  });
  it('the IXP row carries its own fields', () => {
    const l = memberMonthLine('cv-ix', { ...month, asn: 0, complete: true, peakMethodSaved: 9000, localContentShare: 0.31, members: 12 }, 0)!;
    expect(l.startsWith('ixp_member_month,asn=0,ixp=cv-ix ')).toBe(true);
    expect(l).toContain(',peak_method_saved=9000,local_content_share=0.31,members=12,complete=t,');
  });
  it('the IXP\'s poll windows and flowing share, and a member\'s port months and sources as JSON text', () => {
    const ports = [{ switch: 'sw 1', port: 'Eth1', speedMbps: 10000, p95Mbps: 410.5, maxUtil: 0.5, coverage: 0.93 }];
    const ixpLine = memberMonthLine('x', { ...month, asn: 0, pollWindows: 8000, trafficFlowing: 0.99, sources: ['poll', 'mrtg'] }, 0)!;
    expect(ixpLine).toContain(',max_util=0.5,poll_windows=8000,traffic_flowing=0.99,sources="[\\"poll\\",\\"mrtg\\"]",complete=f,');
    const m = memberMonthLine('x', { ...month, ports, pollWindows: null }, 0)!;
    expect(m).toContain(`,max_util=0.5,ports=${quoteExact(JSON.stringify(ports))},complete=f,`);
    expect(m).not.toContain('poll_windows');
  });
});

const nasty = 'AS65001 "Raajje, Online" = ok\nline two\r\nback\\slash \\';

describe('metadata points', () => {
  it.each<[string, MetaRecordLP, string]>([
    ['ixp_info', {
      m: 'ixp_info', name: 'MVIX', country: 'MV', timezone: 'Indian/Maldives', currency: 'USD', transit_price_per_mbps: 9.5, launched: '',
      public: true, public_members: false, poll_interval: 60, if_alias: true, switches: '[{"name":"sw1","site":"Male","roles":{}}]',
    }, 'ixp_info,ixp=mvix name="MVIX",country="MV",timezone="Indian/Maldives",currency="USD",transit_price_per_mbps=9.5,launched="",'
      + 'public=t,public_members=f,poll_interval=60i,if_alias=t,switches="[{\\"name\\":\\"sw1\\",\\"site\\":\\"Male\\",\\"roles\\":{}}]" 5'],
    ['ixp_member_info with the IXP price', {
      m: 'ixp_member_info', asn: 65001, name: 'Raajje', category: 'isp', buys_transit: true, transit_price_per_mbps: null, port_fee_per_month: 100,
      joined: '2026-01-15', left: '', url: '', ports: '[{"switch":"sw1","port":"Ethernet1"}]', removed: false, name_source: 'ixf', category_source: 'peeringdb',
    }, 'ixp_member_info,asn=65001,ixp=mvix name="Raajje",category="isp",buys_transit=t,port_fee_per_month=100,joined="2026-01-15",left="",url="",'
      + 'ports="[{\\"switch\\":\\"sw1\\",\\"port\\":\\"Ethernet1\\"}]",removed=f,name_source="ixf",category_source="peeringdb" 5'],
    ['ixp_member_info removed, own price', {
      m: 'ixp_member_info', asn: 65002, name: 'Cache', category: 'content', buys_transit: false, transit_price_per_mbps: 4, port_fee_per_month: 0,
      joined: '', left: '2026-02-01', url: 'https://x.example', ports: '[]', removed: true, name_source: 'config', category_source: 'default',
    }, 'ixp_member_info,asn=65002,ixp=mvix name="Cache",category="content",buys_transit=f,transit_price_per_mbps=4,port_fee_per_month=0,joined="",'
      + 'left="2026-02-01",url="https://x.example",ports="[]",removed=t,name_source="config",category_source="default" 5'],
    ['ixp_port_info keeps untrusted text exactly', {
      m: 'ixp_port_info', switch: 'sw 1', port: 'Ethernet1/1', alias: nasty, descr: 'Eth "1"', admin_up: false, speed_mbps: 10000,
      role: '', lag: '', peer: '',
    }, `ixp_port_info,ixp=mvix,port=Ethernet1/1,switch=sw\\ 1 alias="AS65001 \\"Raajje, Online\\" = ok\nline two\r\nback\\\\slash \\\\",descr="Eth \\"1\\"",`
      + 'admin_up=f,speed_mbps=10000,role="",lag="",peer="" 5'],
    ['ixp_port_info of a trunk, admin status unknown', {
      m: 'ixp_port_info', switch: 'sw1', port: 'Ethernet49', alias: '', descr: '', admin_up: null, speed_mbps: null,
      role: 'trunk', lag: '', peer: '{"switch":"sw2","port":"Ethernet49","name":null}',
    }, 'ixp_port_info,ixp=mvix,port=Ethernet49,switch=sw1 alias="",descr="",role="trunk",lag="",peer="{\\"switch\\":\\"sw2\\",\\"port\\":\\"Ethernet49\\",\\"name\\":null}" 5'],
  ])('%s', (_n, rec, want) => expect(metaLine('mvix', rec, 5)).toBe(want));

  it('quoteExact escapes only backslash and double quote', () => {
    expect(quoteExact('a\\b"c\nd')).toBe('"a\\\\b\\"c\nd"');
  });
});

describe('deletes', () => {
  it.each<[string, Parameters<typeof influxqlDelete>[0], string, string]>([
    ['one member', { measurement: 'ixp_member_5m', ixp: 'mvix', asn: 65001, from: 1000, to: 2000 },
      `DELETE FROM "ixp_member_5m" WHERE "ixp" = 'mvix' AND "asn" = '65001' AND time >= 1000ms AND time < 2000ms`,
      '_measurement="ixp_member_5m" AND ixp="mvix" AND asn="65001"'],
    ['every member and the IXP', { measurement: 'ixp_member_month', ixp: "o'brien\\ix", asn: null, from: 0, to: 86_400_000 },
      `DELETE FROM "ixp_member_month" WHERE "ixp" = 'o\\'brien\\\\ix' AND time >= 0ms AND time < 86400000ms`,
      '_measurement="ixp_member_month" AND ixp="o\'brien\\\\ix"'],
  ])('%s', (_n, d, influxql, predicate) => {
    expect(influxqlDelete(d)).toBe(influxql);
    const b = v2DeleteBody(d);
    expect(b.predicate).toBe(predicate);
    expect(Date.parse(b.start)).toBe(d.from);
    expect(Date.parse(b.stop)).toBe(d.to - 1); // v2 stop is inclusive
  });
});

describe('month start in the IXP time zone', () => {
  it.each<[string, string, number | null]>([
    ['2026-03', 'Indian/Maldives', Date.UTC(2026, 1, 28, 19)],
    ['2026-12', 'Atlantic/Cape_Verde', Date.UTC(2026, 11, 1, 1)],
    ['2026-01', 'America/Paramaribo', Date.UTC(2026, 0, 1, 3)],
    ['2026-11', 'Europe/Lisbon', Date.UTC(2026, 10, 1, 0)],
    ['2026-10', 'Europe/Lisbon', Date.UTC(2026, 8, 30, 23)],
    ['2026-07', 'UTC', Date.UTC(2026, 6, 1)],
    ['2026-13', 'UTC', null],
    ['March', 'UTC', null],
  ])('%s in %s', (m, tz, want) => expect(monthStart(m, tz)).toBe(want));
});

describe('outbox rows as the forwarder reads them', () => {
  // [seq, kind, asn, t, t_to, key, res, in_bps, out_bps, coverage, ports, max_util, wt, json]
  const row = (o: unknown[]) => o;
  it.each<[string, unknown[], ReturnType<typeof figureRow>]>([
    ['a window that exists', row([1, 'window', 65001, 600000, null, null, 300, 10, 20, 1, 1, null, 600000, null]),
      { line: 'ixp_member_5m,asn=65001,ixp=x in_bps=10,out_bps=20,coverage=1,ports=1i,res=300i 600000' }],
    ['a window no longer there: nothing', row([2, 'window', 65001, 600000, null, null, null, null, null, null, null, null, null, null]), { line: null }],
    ['a month no longer there: nothing', row([3, 'month', 65001, null, null, '2026-03', null, null, null, null, null, null, null, null]), { line: null }],
    ['delete-windows of one member', row([4, 'delete-windows', 65001, 0, 300000, null, null, null, null, null, null, null, null, null]),
      { del: { measurement: 'ixp_member_5m', ixp: 'x', asn: 65001, from: 0, to: 300000 } }],
    ['delete-months of everyone', row([5, 'delete-months', null, 0, 300000, null, null, null, null, null, null, null, null, null]),
      { del: { measurement: 'ixp_member_month', ixp: 'x', asn: null, from: 0, to: 300000 } }],
    ['an unknown kind is skipped with a reason', row([6, 'weird', null, null, null, null, null, null, null, null, null, null, null, null]),
      { line: null, problem: "figures_outbox seq 6: unknown kind 'weird'" }],
    ['a delete without its range is skipped with a reason', row([7, 'delete-windows', 1, null, 5, null, null, null, null, null, null, null, null, null]),
      { line: null, problem: 'figures_outbox seq 7: delete-windows without t/t_to' }],
  ])('%s', (_n, r, want) => expect(figureRow('x', 'UTC', r)).toEqual(want));

  it('a month row goes out at its month start in the IXP zone, with its month and asn from the outbox', () => {
    const json = JSON.stringify({ ...month, month: 'ignored', asn: 1 });
    const item = figureRow('mvix', 'Indian/Maldives', [8, 'month', 65001, null, null, '2026-03', null, null, null, null, null, null, null, json]);
    expect('line' in item && item.line).toBe(memberMonthLine('mvix', month, Date.UTC(2026, 1, 28, 19)));
  });
});
