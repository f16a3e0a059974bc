// Report building blocks: months in the IXP's time zone, finest-first sample selection (MRTG history under
// 5-minute rows), CSV quoting round trip, and Portuguese headlines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addMonths, buildReport, computeReport, membersOfRegistry, monthRange, parseReportCsv, renderCsv, type ReportModel } from '../../../dashboard/reports/index.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import type { MonthRow } from '../../../collector/figures/months.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { loadConfig } from '../../../collector/config/load.ts';
import { resolveMembers } from '../../../collector/members/index.ts';
import { makeFixture, NOW } from '../../integration/reports/fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-ureport-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('months', () => {
  it('are calendar months in the IXP time zone', () => {
    expect(monthRange('2025-02', 'Indian/Maldives')).toEqual({ from: Date.UTC(2025, 0, 31, 19), to: Date.UTC(2025, 1, 28, 19) });
    expect(monthRange('2025-03', 'Atlantic/Cape_Verde')).toEqual({ from: Date.UTC(2025, 2, 1, 1), to: Date.UTC(2025, 3, 1, 1) });
    expect(monthRange('2025-12', 'UTC')).toEqual({ from: Date.UTC(2025, 11, 1), to: Date.UTC(2026, 0, 1) });
    expect(() => monthRange('2025-13', 'UTC')).toThrow("month: '2025-13' is not YYYY-MM");
  });
  it('add', () => {
    expect([addMonths('2025-01', -1), addMonths('2025-02', -12), addMonths('2024-12', 1), addMonths('2025-03', -14)]).toEqual(['2024-12', '2024-02', '2025-01', '2024-01']);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and newlines and parses back', () => {
    const base = { ixp: { id: 'x', name: 'X, "the" IXP\nnorth', bytes: 1, p95InMbps: null, p95OutMbps: 0.1 + 0.2, p95Mbps: 0.30000000000000004, transitSaved: 1 / 3, netSaved: -2.5, localContentShare: null, coverage: 1, resolution: 300, portFees: 0 },
      members: [], period: { month: '2025-02' }, currency: 'EUR', capacity: { ports: 0, capacityMbps: 0 } } as unknown as ReportModel;
    const [row] = parseReportCsv(renderCsv(base));
    expect(row).toMatchObject({ name: 'X, "the" IXP\nnorth', p95_in_mbps: null, p95_out_mbps: 0.30000000000000004, transit_saved: 1 / 3, net_saved: -2.5, local_content_share: null, currency: 'EUR' });
  });
});

describe('languages', () => {
  it('Portuguese headlines', async () => {
    const fx = await makeFixture(tmp);
    const cfg = loadConfig(fx.configFile);
    const db = openDatabase(fx.dbFile);
    try {
      const r = await buildReport({ reader: createSqliteReader(db), ixp: cfg.ixp!, members: membersOfRegistry(resolveMembers(cfg, { db }), cfg.ixp!.transitPricePerMbps), month: '2025-02', lang: 'pt', now: NOW });
      // January's 0.1 % coverage makes growth not comparable: the sentence gives no figure, the growth says why.
      expect(r.headlines[0]).toBe('Em fevereiro de 2025, os membros do MVIX trocaram localmente 234,4 GB de tráfego.');
      expect(r.growth.previousMonth.reason).toBe('não comparável: janeiro de 2025 tem < 1 % de cobertura');
      expect(r.method.p95).toContain('Percentil 95');
    } finally { db.close(); }
  });
});

describe('membership over time', () => {
  it('a member whose ports all ended before the month is not counted; one listed without ports is', () => {
    const from = Date.UTC(2025, 1, 1);
    const to = Date.UTC(2025, 2, 1);
    const none = { month: 'x', from: 0, to: 1, ixp: undefined, span: { bytes: 0, coverage: 0 } };
    const m = (asn: number, portCount: number) => ({ asn, name: `m${asn}`, category: 'isp' as const, buysTransit: true, transitPricePerMbps: 1, portFeePerMonth: 0, portCount });
    // The collector's rows: every registry member is connected all month (no dates); only AS3 had a port in it.
    const row = (asn: number, ports: number, bytes: number): MonthRow => ({
      month: '2025-02', asn, complete: true, computedAt: to, p95InMbps: 1, p95OutMbps: 1, p95Mbps: 1, p95Samples: bytes ? 1 : 0, bytesIn: bytes, bytesOut: bytes, peakBps: 1e6,
      transitSaved: 1, netSaved: 1, portFee: 0, transitSavedProjected: 1, netSavedProjected: 1, portFeeProjected: 0, coverage: 0, resolution: 300, connectedShare: 1,
      expectedSeconds: 28 * 86400, maxUtil: null, peakMethodSaved: null, localContentShare: null, members: null,
      ports: Array.from({ length: ports }, (_, i) => ({ switch: 's', port: `p${asn}-${i}`, speedMbps: 1000, p95Mbps: 1, maxUtil: 0.001, coverage: 0 })),
    });
    const r = computeReport({
      ixp: { id: 'x', name: 'X', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 1 }, month: '2025-02', from, to, now: to,
      members: [m(1, 1), m(2, 0), m(3, 1)],
      rows: [row(1, 0, 0), row(2, 0, 0), row(3, 1, 37_500)],
      ixpWindows: [], previousMonth: none, previousYear: none, trend: [],
    });
    expect(r.members.map((x) => x.asn).sort()).toEqual([2, 3]);
    expect(r.membership.count).toBe(2);
  });
});
