// Browser test of the sFlow figures outside the peering page: the real server over a real SQLite store holding
// port rollups and sFlow windows, Debian's Chromium through playwright-core. The impact page shows the local content
// share from the port counters and the one measured from the matrix side by side, each under a header naming its
// method, with its coverage and a method note, and the IPv6 share; an IXP without sFlow data says so. The overview
// shows the exchange's IPv6 share (a member sees the exchange's, not its own). Screenshots go to test-artifacts/sflow.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeP2pWindow, WINDOW_MS } from '../../../collector/sflow/store.ts';
import { openDatabase, type DB } from '../../../collector/store/sqlite.ts';
import { monthOf } from '../../../dashboard/calendar.ts';
import { createSqlitePeeringReader } from '../../../dashboard/readers/peering.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createApp } from '../../../dashboard/server/app.ts';
import { peeringRoutes } from '../../../dashboard/server/routes/peering.ts';
import { createService, type IxpContext } from '../../../dashboard/server/service.ts';
import { createUserStore, hashPassword, saveUsers } from '../../../dashboard/server/users.ts';
import { launchBrowser, type TestBrowser } from '../../helpers/browser.ts';
import { freeTcpPort } from '../../helpers/ports.ts';
import { IXP, IXP2, MEMBERS, writeFixture } from '../../e2e/fixture.ts';

const ARTIFACTS = path.resolve('test-artifacts/sflow');
const PASSWORD = 'correct horse battery';
// Per window: 10 GB, of which the content member (AS65003, Akamai cache) sends 8 GB to the others and 2.5 GB are IPv6.
const ROWS = [
  { src: 'AS65003', dst: 'AS65001', ipVersion: 'ipv4' as const, bytes: 6e9, packets: 4e6, samples: 600 },
  { src: 'AS65003', dst: 'AS65002', ipVersion: 'ipv6' as const, bytes: 2e9, packets: 1.5e6, samples: 200 },
  { src: 'AS65001', dst: 'AS65002', ipVersion: 'ipv4' as const, bytes: 1.5e9, packets: 1e6, samples: 150 },
  { src: 'AS65002', dst: 'AS65001', ipVersion: 'ipv6' as const, bytes: 0.5e9, packets: 4e5, samples: 50 },
];
const WINDOWS = 12;
let dir: string, db: DB, server: Server, base: string, browser: TestBrowser, month: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-impact-sflow-'));
  const file = path.join(dir, 'store.db');
  await writeFixture(file, Date.now(), 2);
  db = openDatabase(file);
  const last = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - WINDOW_MS;
  for (let k = 0; k < WINDOWS; k++) {
    writeP2pWindow(db, file, { t: last - k * WINDOW_MS, switch: 'sw1', rows: ROWS, datagrams: 100, samples: 1000, dropped: 0, notIngress: 0, noFrame: 0, rateMin: 2048, rateMax: 2048 });
  }
  month = monthOf(last, IXP.timezone);
  // Two IXPs side by side: tix has sFlow windows; cvix is read from no store that holds its matrix.
  const ixps: IxpContext[] = [
    { ixp: IXP, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 },
    { ixp: IXP2, members: [], publicMembers: false, ifAlias: true, pollInterval: 300 },
  ];
  const hash = await hashPassword(PASSWORD);
  const usersFile = path.join(dir, 'users.json');
  saveUsers(usersFile, [
    { username: 'reporter', role: 'reporter', hash },
    { username: 'member1', role: 'member', ixp: IXP.id, asns: [65001], hash },
  ]);
  const peering = createSqlitePeeringReader(db);
  const app = createApp({
    service: createService({ reader: createSqliteReader(db), ixps }), users: createUserStore(usersFile), readerKind: 'sqlite', loginLimit: 100,
    routes: [({ principal, now }) => peeringRoutes({ principal, now, peering: (id) => (id === IXP.id ? peering : undefined), ixp: (id) => ixps.find((x) => x.ixp.id === id) })],
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

async function login(page: Page, username: string): Promise<void> {
  await page.goto(`${base}/login.html`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByTestId('login-submit').click()]);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
}

/** The number in a "12.3% ± 0.4%" text, as a share. */
const shareIn = (text: string) => Number(/([\d.]+)\s?%\s*±/.exec(text)?.[1]) / 100;

describe('sFlow figures on the impact and overview pages', () => {
  it('impact: both local content shares side by side, each headed by its method, with coverage and notes', async () => {
    const { page, errors, console: cons } = await browser.page();
    await login(page, 'reporter');
    await page.goto(`${base}/impact.html?month=${month}`);
    await page.waitForSelector('[data-testid=impact-table]', { timeout: 20_000 });
    const heads = await page.getByTestId('impact-table').locator('thead th').allTextContents();
    const ports = heads.findIndex((h) => /Local content \(port counters\)/.test(h));
    const sflow = heads.findIndex((h) => /Local content \(sFlow, measured\)/.test(h));
    expect(ports).toBeGreaterThan(0);
    expect(sflow).toBe(ports + 1);
    expect(heads).toContain('IPv6 share (sFlow)');

    const tix = page.locator(`[data-testid=impact-row][data-ixp=${IXP.id}]`);
    const measured = await tix.getByTestId('impact-content-sflow').innerText();
    // 8 of 10 GB per window, from content members to the others.
    expect(shareIn(measured)).toBeCloseTo(0.8, 3);
    expect(measured).toMatch(/% of windows, 1:2,048/);
    expect(await tix.getByTestId('impact-content-sflow-coverage').getAttribute('title')).toMatch(/of the five-minute windows, 12,000 samples, sampling 1:2,048/);
    expect(shareIn(await tix.getByTestId('impact-ipv6').innerText())).toBeCloseTo(0.25, 3);
    // The port-based figure beside it; its coverage is the row's coverage column (the port samples of the month).
    const portCell = await tix.getByTestId('impact-content-ports').innerText();
    expect(portCell).toMatch(/^\d+\.\d\s?%$/);
    expect(await tix.getByTestId('coverage').innerText()).toMatch(/coverage \d+/i);
    // The IXP without sFlow data says so rather than showing a number.
    expect(await page.locator(`[data-testid=impact-row][data-ixp=${IXP2.id}]`).getByTestId('impact-content-sflow').innerText()).toBe('no sFlow data');
    expect(await page.getByTestId('impact-note-content-ports').innerText()).toMatch(/Port counters: bytes sent into the IXP by content members/);
    expect(await page.getByTestId('impact-note-content-sflow').innerText()).toMatch(/Measured with sFlow: bytes content members sent to the other members over all bytes exchanged/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'impact-content-shares.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(cons.filter((c) => /Refused|Content Security Policy/i.test(c))).toEqual([]);
  });

  it('overview (public IXP, nobody logged in): the exchange\'s IPv6 share with its method and coverage', async () => {
    const { page, errors } = await browser.page();
    await page.goto(`${base}/index.html?ixp=${IXP.id}`);
    await page.waitForSelector('[data-testid=fig-ipv6]', { timeout: 20_000 });
    const tile = (await page.getByTestId('fig-ipv6').textContent())!;
    expect(tile).toMatch(/IPv6 share, .* \(sFlow\)/);
    expect(shareIn(tile)).toBeCloseTo(0.25, 3);
    expect(await page.getByTestId('fig-ipv6-note').innerText()).toMatch(/IPv6 bytes over all bytes exchanged.*sampling 1:2,048/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-ipv6.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('overview for a member: the exchange\'s IPv6 share, not the share of its own traffic', async () => {
    const { page, errors } = await browser.page();
    await login(page, 'member1');
    await page.goto(`${base}/index.html?ixp=${IXP.id}`);
    await page.waitForSelector('[data-testid=fig-ipv6]', { timeout: 20_000 });
    // Its own pairs: 0.5 of 8 GB IPv6 (6.25 %); the exchange's: 2.5 of 10 GB.
    expect(shareIn(await page.getByTestId('fig-ipv6').innerText())).toBeCloseTo(0.25, 3);
    expect(errors).toEqual([]);
  });
});
