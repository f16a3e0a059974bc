// Report building blocks: months in the IXP's time zone, finest-first sample selection (MRTG history under
// 5-minute rows), CSV quoting round trip, and Portuguese headlines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addMonths, buildReport, computeReport, loadPortSamples, monthRange, parseReportCsv, renderCsv, type ReportModel } from '../../../dashboard/reports/index.ts';
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

describe('loadPortSamples', () => {
  it('uses coarser rows only where no finer row covers the time', () => {
    const db = openDatabase(':memory:');
    const pid = Number(db.prepare(`INSERT INTO ports (switch, if_index, name, first_seen, last_seen) VALUES ('s', 1, 'p', 0, 0)`).run().lastInsertRowid);
    const ins = db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, coverage, source) VALUES (?, ?, ?, ?, ?, 1, ?)`);
    const H = 3_600_000;
    // A 2-hour MRTG row [0, 2h), 5-minute poll rows in its second hour, a 30-minute MRTG row [2h, 2.5h).
    ins.run(pid, 7200, 0, 100, 100, 'mrtg');
    for (let k = 0; k < 12; k++) ins.run(pid, 300, H + k * 300_000, 5, 5, 'poll');
    ins.run(pid, 1800, 2 * H, 7, 7, 'mrtg');
    ins.run(pid, 300, 2 * H + 600_000, 9, 9, 'mrtg'); // a 5-minute row inside the 30-minute one: it wins
    const s = loadPortSamples(db, 's', 'p', 0, 3 * H);
    expect(s.map((x) => [x.t / 60_000, x.res])).toEqual([...Array.from({ length: 12 }, (_, k) => [60 + k * 5, 300]), [130, 300]]);
    // Without the 5-minute rows, the coarse rows are used.
    expect(loadPortSamples(db, 's', 'p', 0, H - 1).map((x) => [x.t, x.res, x.source])).toEqual([[0, 7200, 'mrtg']]);
    db.close();
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
  it('Portuguese headlines', () => {
    const fx = makeFixture(tmp);
    const cfg = loadConfig(fx.configFile);
    const db = openDatabase(fx.dbFile);
    try {
      const r = buildReport({ db, ixp: cfg.ixp!, registry: resolveMembers(cfg, { db }), month: '2025-02', lang: 'pt', now: NOW });
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
    const empty = { month: 'x', from: 0, to: 1, ports: [] };
    const m = (asn: number, portCount: number) => ({ asn, name: `m${asn}`, category: 'isp' as const, buysTransit: true, transitPricePerMbps: 1, portFeePerMonth: 0, portCount });
    const r = computeReport({
      ixp: { id: 'x', name: 'X', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 1 }, month: '2025-02', from, to, now: to,
      members: [m(1, 1), m(2, 0), m(3, 1)],
      ports: [{ switch: 's', port: 'p3', asn: 3, validFrom: null, validTo: null, speedMbps: 1000, samples: [{ t: from, res: 300, inBpsAvg: 1, inBps: 1e6, outBps: 1e6 } as never], sources: ['poll'] }],
      previousMonth: empty, previousYear: empty, trend: [], pollWindows: null,
    });
    expect(r.members.map((x) => x.asn).sort()).toEqual([2, 3]);
    expect(r.membership.count).toBe(2);
  });
});
