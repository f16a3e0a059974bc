// The latency API over a real SQLite store: a member's routers (per round with the smoke, per hour beyond two
// days), local vs references per month, outages with local traffic, and the role rules (401/403/404/400).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatencySummaryResponse, MemberLatencyResponse } from '../../../dashboard/api.ts';
import { latencyRoutes } from '../../../dashboard/server/routes/latency.ts';
import type { Principal } from '../../../dashboard/server/auth.ts';
import { PeriodError } from '../../../dashboard/calendar.ts';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { writeLatencyRound, type LatencyRow } from '../../../collector/store/latency.ts';
import { targetResult } from '../../../collector/latency/rounds.ts';

const I = 300_000;
const NOW = Date.UTC(2026, 10, 3, 12, 0, 0);
const OUT_START = Date.UTC(2026, 10, 3, 10, 0, 0);
let dir: string;
let store: Store;
let server: Server;
let base: string;
let who: Principal = { username: null, role: 'public' };

function row(t: number, address: string, kind: LatencyRow['kind'], name: string, rtts: (number | null)[], memberAsn?: number): LatencyRow {
  const r = targetResult(address, rtts);
  return { t, address, kind, name, ...(memberAsn ? { memberAsn } : {}), sent: r.sent, received: r.received, loss: r.loss, medianMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, rttsMs: r.rttsMs };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ixmeter-lat-api-'));
  store = createStore({ path: path.join(dir, 's.db'), retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } });
  store.open();
  // October: rounds every 5 min on the 10th (routers 1 and 3 ms, abroad 200 ms); November 3rd 08:00..12:00 with a 30-minute outage at 10:00.
  const rounds = (from: number, to: number, down: (t: number) => boolean) => {
    for (let t = from; t < to; t += I) {
      writeLatencyRound(store.db, store.file, { t, durationMs: 20_000, ok: true, targets: 4 }, [
        row(t, '10.0.0.1', 'member', 'Island ISP', [1, 1, 1.2, null], 65001),
        row(t, 'fd00::1', 'member', 'Island ISP', [3, 3, 3.1, 2.9], 65001),
        row(t, '10.0.0.2', 'member', 'Mobile', [2, 2, 2, 2], 65002),
        row(t, '9.9.9.9', 'international', 'Quad9 <b>', down(t) ? [null, null, null, null] : [200, 210, 190, 205]),
      ]);
    }
  };
  rounds(Date.UTC(2026, 9, 10), Date.UTC(2026, 9, 11), () => false);
  rounds(Date.UTC(2026, 10, 3, 8), NOW, (t) => t >= OUT_START && t < OUT_START + 6 * I);
  const db = store.db;
  const port = (name: string, i: number) => (db.prepare(`INSERT INTO ports (switch, if_index, name, first_seen, last_seen) VALUES ('sw1', ?, ?, 0, 0) RETURNING id`).get(i, name) as { id: number }).id;
  const et1 = port('et1', 1), up = port('uplink', 2);
  const ins = db.prepare('INSERT INTO rates (port_id, t, interval, in_bps, oper_up) VALUES (?, ?, 60, ?, 1)');
  for (let t = Date.UTC(2026, 10, 3, 9); t <= NOW; t += 60_000) { ins.run(et1, t, 16e6); ins.run(up, t, 1e9); }

  const app = express();
  app.use(latencyRoutes({
    principal: () => who, now: () => NOW, db: () => store.db,
    ixps: [{ ixp: { id: 'tix', name: 'Test IX', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 10, public: true }, publicMembers: false, ifAlias: true, pollInterval: 60,
      members: [{ asn: 65001, name: 'Island ISP', category: 'isp', ports: [{ switch: 'sw1', port: 'et1' }] }] }],
  }));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err instanceof PeriodError ? 400 : 500).json({ error: (err as Error).message });
  });
  await new Promise<void>((r) => { server = app.listen(0, '127.0.0.1', () => r()); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async <T>(p: string) => { const r = await fetch(base + p); return { status: r.status, body: (await r.json()) as T }; };

describe('member latency', () => {
  it('a day: per round, median line, min..max band and every RTT, for each of its routers only', async () => {
    who = { username: 'isp', role: 'member', ixp: 'tix', asns: [65001] };
    const { status, body } = await get<MemberLatencyResponse>('/api/ixps/tix/latency/members/65001?period=day');
    expect(status).toBe(200);
    expect(body.resolution).toBe('round');
    expect(body.routers.map((s) => s.target)).toEqual(['10.0.0.1', 'fd00::1']);
    const v4 = body.routers[0];
    expect(v4.points).toHaveLength((NOW - Date.UTC(2026, 10, 3, 8)) / I);
    expect(v4.points[0]).toEqual({ t: Date.UTC(2026, 10, 3, 8), medianMs: 1, lowMs: 1, highMs: 1.2, loss: 0.25, sent: 4, rttsMs: [1, 1, 1.2] });
    expect(body.method).toMatch(/smokeping/);
  });

  it('a month: per hour, the hour\'s median with a 10th..90th percentile band', async () => {
    who = { username: 'op', role: 'operator', ixp: 'tix' };
    const { body } = await get<MemberLatencyResponse>('/api/ixps/tix/latency/members/65001?month=2026-10');
    expect(body.resolution).toBe('hour');
    const pts = body.routers.find((s) => s.target === 'fd00::1')!.points;
    expect(pts).toHaveLength(24);
    expect(pts[0]).toEqual({ t: Date.UTC(2026, 9, 10), medianMs: 3, lowMs: 2.9, highMs: 3.1, loss: 0, sent: 48 });
  });

  it('another member is refused, nobody must log in, a bad ASN or period is a 400 naming it', async () => {
    who = { username: 'isp', role: 'member', ixp: 'tix', asns: [65001] };
    expect((await get('/api/ixps/tix/latency/members/65002')).status).toBe(403);
    who = { username: null, role: 'public' };
    expect((await get('/api/ixps/tix/latency/members/65001')).status).toBe(401);
    who = { username: 'op', role: 'operator', ixp: 'tix' };
    expect(await get('/api/ixps/tix/latency/members/x')).toEqual({ status: 400, body: { error: 'asn: "x" is not an AS number' } });
    expect((await get('/api/ixps/tix/latency/members/65001?period=fortnight')).status).toBe(400);
    expect((await get('/api/ixps/nope/latency/members/65001')).status).toBe(404);
  });
});

describe('latency summary', () => {
  it('local beside each reference per month, and the outage with the local traffic meanwhile (public IXP: no login)', async () => {
    who = { username: null, role: 'public' };
    const { status, body } = await get<LatencySummaryResponse>('/api/ixps/tix/latency?months=2&month=2026-11');
    expect(status).toBe(200);
    expect(body.months.map((m) => m.month)).toEqual(['2026-10', '2026-11']);
    const [oct, nov] = body.months;
    // routers' medians 1 (10.0.0.1), 3 (fd00::1), 2 (10.0.0.2): the median over routers is 2
    expect(oct.local).toMatchObject({ medianMs: 2, routers: 3 });
    expect(oct.local.loss).toBeCloseTo(1 / 12, 10);
    expect(oct.references).toEqual([{ target: '9.9.9.9', kind: 'international', name: 'Quad9 <b>', medianMs: 202.5, loss: 0 }]);
    expect(oct.coverage).toBeCloseTo(24 / (31 * 24), 10);
    expect(nov.references[0].loss).toBeCloseTo(6 / 48, 10);
    expect(body.intervalMs).toBe(I);
    expect(body.outages).toEqual([{
      start: OUT_START, end: OUT_START + 6 * I, durationMs: 6 * I, uncertaintyMs: I, rounds: 6,
      bytes: 2e6 * 1800, avgBps: 16e6, coverage: 1,
    }]);
    expect(body.method).toMatch(/pro rata/);
  });

  it('months out of range are a 400', async () => {
    expect((await get('/api/ixps/tix/latency?months=0')).status).toBe(400);
  });
});
