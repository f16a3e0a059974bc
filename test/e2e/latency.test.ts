// Browser test of the latency page: the real server (createApp with the latency routes over a real SQLite store)
// and Debian's Chromium. Local vs international per month, the outage list with the local traffic meanwhile,
// a member's routers with the smoke, hostile reference names shown as text, and members kept to their own routers.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../dashboard/server/app.ts';
import { createService } from '../../dashboard/server/service.ts';
import { latencyRoutes } from '../../dashboard/server/routes/latency.ts';
import { createUserStore, hashPassword, saveUsers } from '../../dashboard/server/users.ts';
import { createSqliteReader } from '../../dashboard/readers/sqlite.ts';
import { createStore } from '../../collector/store/index.ts';
import { writeLatencyRound, type LatencyRow } from '../../collector/store/latency.ts';
import { targetResult } from '../../collector/latency/rounds.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { freeTcpPort } from '../helpers/ports.ts';
import { EVIL, IXP, MEMBERS, writeFixture } from './fixture.ts';

const PASSWORD = 'correct horse battery';
const ARTIFACTS = path.resolve('test-artifacts/e2e');
const I = 300_000;
let dir: string;
let db: Database.Database;
let server: Server;
let base: string;
let browser: TestBrowser;
let outageStart = 0;

function row(t: number, address: string, kind: LatencyRow['kind'], name: string, rtts: (number | null)[], memberAsn?: number): LatencyRow {
  const r = targetResult(address, rtts);
  return { t, address, kind, name, ...(memberAsn ? { memberAsn } : {}), sent: r.sent, received: r.received, loss: r.loss, medianMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, rttsMs: r.rttsMs };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-e2e-lat-'));
  const file = path.join(dir, 'store.db');
  const last = await writeFixture(file, Date.now(), 1);
  const store = createStore({ path: file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
  store.open();
  // The last 6 hours of rounds; the reference abroad silent for an hour starting 3 hours ago.
  const first = Math.floor((last - 6 * 3_600_000) / I) * I;
  outageStart = Math.floor((last - 3 * 3_600_000) / I) * I;
  for (let t = first; t <= last; t += I) {
    const down = t >= outageStart && t < outageStart + 12 * I;
    writeLatencyRound(store.db, store.file, { t, durationMs: 20_000, ok: true, targets: 3 }, [
      row(t, '192.0.2.1', 'member', 'Raajje Online', [0.8, 0.9, 1.1, null, 0.85], 65001),
      row(t, '192.0.2.2', 'member', 'Island Mobile', [1.5, 1.6, 1.4, 1.5, 1.5], 65002),
      row(t, '198.51.100.9', 'international', EVIL, down ? [null, null, null, null, null] : [180, 185, 190, 182, 181]),
    ]);
  }
  store.close();
  db = new Database(file, { readonly: true, fileMustExist: true });
  const ixps = [{ ixp: IXP, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 }];
  const service = createService({ reader: createSqliteReader(db), ixps });
  const hash = await hashPassword(PASSWORD);
  const usersFile = path.join(dir, 'users.json');
  saveUsers(usersFile, [{ username: 'member1', role: 'member', ixp: IXP.id, asns: [65001], hash }]);
  const app = createApp({
    service, users: createUserStore(usersFile), readerKind: 'sqlite', loginLimit: 100,
    routes: [(h) => latencyRoutes({ ...h, ixps, db: () => db })],
  });
  const port = await freeTcpPort();
  server = await new Promise<Server>((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(page: Page, url: string): Promise<void> {
  await page.goto(base + url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
}

it('public view: monthly local vs international, the outage with its duration and local traffic, hostile names as text', async () => {
  const { page, dialogs, errors } = await browser.page();
  await open(page, `/latency.html?ixp=${IXP.id}&period=day`);
  expect(await page.getByTestId('page-title').textContent()).toBe('Latency and resilience');
  const monthly = page.getByTestId('chart-latency-monthly');
  expect(Number(await monthly.getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
  const rows = page.getByTestId('latency-month');
  // only the months since the first round (the fixture's data is from the last hours)
  expect(await rows.count()).toBeLessThanOrEqual(2);
  const current = await rows.last().textContent();
  // the median over the two routers' medians (0.875 ms and 1.5 ms), beside the reference abroad (182 ms)
  expect(current).toContain('1.19 ms');
  expect(current).toContain('182 ms');
  const head = await page.getByTestId('latency-months').locator('thead').textContent();
  expect(head).toContain(EVIL);
  expect(await page.locator('img[src=x]').count()).toBe(0);
  const outages = page.getByTestId('latency-outage');
  expect(await outages.count()).toBe(1);
  expect(await page.getByTestId('outage-duration').textContent()).toBe('1 h 00 min (± 5 min per edge)');
  expect(await page.getByTestId('outage-bytes').textContent()).toMatch(/GB|TB/);
  expect(await page.getByTestId('latency-method').textContent()).toContain('pro rata');
  await page.screenshot({ path: path.join(ARTIFACTS, 'latency.png'), fullPage: true });
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
}, 150_000);

it('a member sees its routers with the smoke; another member\'s routers are refused', async () => {
  const { page, errors } = await browser.page();
  const res = await page.context().request.post(`${base}/api/session`, { data: { username: 'member1', password: PASSWORD } });
  expect(res.status()).toBe(200);
  await open(page, `/latency.html?ixp=${IXP.id}&period=day&asn=65001`);
  const chart = page.getByTestId('chart-latency-router-0');
  await chart.waitFor();
  const pts = Number(await chart.getAttribute('data-points'));
  expect(pts).toBeGreaterThan(60);
  expect(Number(await chart.getAttribute('data-smoke'))).toBe(pts * 4);
  await page.screenshot({ path: path.join(ARTIFACTS, 'latency-member.png'), fullPage: true });
  expect(errors).toEqual([]);
  const other = await page.context().request.get(`${base}/api/ixps/${IXP.id}/latency/members/65002`);
  expect(other.status()).toBe(403);
}, 150_000);
