// Browser test of the latency figures on the overview, impact and member pages: the real server (createApp with
// the latency routes over a real SQLite store written by the store's own writers) and Debian's Chromium. "Local"
// (median over members' routers) beside the reference abroad, with method and coverage; a member's routers with the
// smoke chart on its own page, and no latency of another member's routers.
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
import { monthOf } from '../../dashboard/calendar.ts';
import { AxeBuilder } from '@axe-core/playwright';
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

function row(t: number, address: string, kind: LatencyRow['kind'], name: string, rtts: (number | null)[], memberAsn?: number): LatencyRow {
  const r = targetResult(address, rtts);
  return { t, address, kind, name, ...(memberAsn ? { memberAsn } : {}), sent: r.sent, received: r.received, loss: r.loss, medianMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, rttsMs: r.rttsMs };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-e2e-latp-'));
  const file = path.join(dir, 'store.db');
  const last = await writeFixture(file, Date.now(), 1);
  const store = createStore({ path: file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
  store.open();
  // The last 6 hours of rounds: every router and the reference abroad answer the same way each round, so each
  // month's figures are the same whichever months these hours fall in.
  const first = Math.floor((last - 6 * 3_600_000) / I) * I;
  for (let t = first; t <= last; t += I) {
    writeLatencyRound(store.db, store.file, { t, durationMs: 20_000, ok: true, targets: 3 }, [
      row(t, '192.0.2.1', 'member', 'Raajje Online', [0.8, 0.9, 1.1, null, 0.85], 65001),
      row(t, '192.0.2.2', 'member', 'Island Mobile', [1.5, 1.6, 1.4, 1.5, 1.5], 65002),
      row(t, '198.51.100.9', 'international', EVIL, [180, 185, 190, 182, 181]),
    ]);
  }
  store.close();
  db = new Database(file, { readonly: true, fileMustExist: true });
  const ixps = [{ ixp: IXP, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 }];
  const service = createService({ reader: createSqliteReader(db), ixps });
  const hash = await hashPassword(PASSWORD);
  const usersFile = path.join(dir, 'users.json');
  saveUsers(usersFile, [
    { username: 'member1', role: 'member', ixp: IXP.id, asns: [65001], hash },
    { username: 'reporter', role: 'reporter', hash },
  ]);
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

/** WCAG 2.1 A/AA violations inside one panel (rule and element per line). */
async function axe(page: Page, selector: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

async function login(page: Page, username: string): Promise<void> {
  const res = await page.context().request.post(`${base}/api/session`, { data: { username, password: PASSWORD } });
  expect(res.status()).toBe(200);
}

it('overview: local beside the reference abroad per month, with coverage and method; hostile names as text', async () => {
  const { page, dialogs, errors } = await browser.page();
  await open(page, `/?ixp=${IXP.id}&period=day`);
  const panel = page.getByTestId('latency-panel');
  await panel.waitFor();
  const months = page.getByTestId('latency-panel-month');
  expect(await months.count()).toBeGreaterThanOrEqual(1);
  // The median over the two routers' medians (0.875 ms and 1.5 ms), and the reference's 182 ms.
  expect(await page.getByTestId('latency-panel-local').last().textContent()).toMatch(/^1\.19 ms.*Loss 10\.0 ?%.*2 routers/);
  expect(await page.getByTestId('latency-panel-ref').last().textContent()).toMatch(/^182 ms/);
  expect(await panel.locator('thead').textContent()).toContain(EVIL);
  expect(await page.locator('img[src=x]').count()).toBe(0);
  expect(await months.last().getByTestId('coverage').textContent()).toMatch(/%/);
  expect(await page.getByTestId('latency-panel-method').textContent()).toContain('median over members');
  expect(await axe(page, '[data-testid=latency-panel]')).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'overview-latency.png'), fullPage: true });
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
}, 150_000);

it('impact: the month\'s local and international latency per IXP, for a reporter', async () => {
  const { page, errors } = await browser.page();
  await login(page, 'reporter');
  const month = monthOf(Date.now(), IXP.timezone);
  await open(page, `/impact.html?month=${month}`);
  const rowEl = page.locator(`[data-testid=latency-impact-row][data-ixp=${IXP.id}]`);
  await rowEl.waitFor();
  expect(await rowEl.getByTestId('latency-impact-local').textContent()).toMatch(/^1\.19 ms/);
  expect(await rowEl.getByTestId('latency-impact-ref').textContent()).toMatch(/^182 ms/);
  expect(await rowEl.getByTestId('coverage').textContent()).toMatch(/%/);
  expect(await page.getByTestId('latency-impact-method').textContent()).toContain('Coverage is the share');
  expect(await axe(page, '[data-testid=latency-impact]')).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'impact-latency.png'), fullPage: true });
  expect(errors).toEqual([]);
}, 150_000);

it('member page: its routers\' latency and loss with the smoke; nothing of another member\'s routers', async () => {
  const { page, errors } = await browser.page();
  await login(page, 'member1');
  await open(page, `/member.html?ixp=${IXP.id}&asn=65001&period=day`);
  const chart = page.getByTestId('chart-member-latency-0');
  await chart.waitFor();
  const pts = Number(await chart.getAttribute('data-points'));
  expect(pts).toBeGreaterThan(60);
  // Four of the five pings came back each round: the smoke has four dots a round, loss 20 %.
  expect(Number(await chart.getAttribute('data-smoke'))).toBe(pts * 4);
  expect(await page.getByTestId('member-latency-figures').textContent()).toMatch(/median 0\.88 ms · loss 20\.0 ?% of [\d,]+ pings/);
  expect(await page.getByTestId('member-latency-method').textContent()).toContain('smokeping');
  expect(await axe(page, '[data-testid=member-latency]')).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'member-latency.png'), fullPage: true });
  // Another member's page (refused) shows no latency of its routers.
  await open(page, `/member.html?ixp=${IXP.id}&asn=65002&period=day`);
  expect(await page.getByTestId('member-latency').count()).toBe(0);
  expect(await page.getByTestId('notice-error').count()).toBe(1);
  expect(errors).toEqual([]);
}, 150_000);
