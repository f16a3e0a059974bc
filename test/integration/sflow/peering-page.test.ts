// Browser test of the peering matrix page: the real server over a real SQLite store holding sFlow windows,
// Debian's Chromium through playwright-core. The operator sees the heat map, top pairs and the member split;
// a member sees its own pairs only; a hostile member name stays text; the CSP is never violated. Screenshots
// go to test-artifacts/sflow.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeP2pWindow, WINDOW_MS } from '../../../collector/sflow/store.ts';
import { openDatabase, type DB } from '../../../collector/store/sqlite.ts';
import { createApp } from '../../../dashboard/server/app.ts';
import { peeringRoutes } from '../../../dashboard/server/routes/peering.ts';
import { createService, type IxpContext } from '../../../dashboard/server/service.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createSqlitePeeringReader } from '../../../dashboard/readers/peering.ts';
import { createUserStore, hashPassword, saveUsers } from '../../../dashboard/server/users.ts';
import { launchBrowser, type TestBrowser } from '../../helpers/browser.ts';
import { freeTcpPort } from '../../helpers/ports.ts';
import { EVIL, IXP, MEMBERS } from '../../e2e/fixture.ts';

const ARTIFACTS = path.resolve('test-artifacts/sflow');
const PASSWORD = 'correct horse battery';
let dir: string, db: DB, server: Server, base: string, browser: TestBrowser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-peering-page-'));
  const file = path.join(dir, 'store.db');
  db = openDatabase(file);
  // Twelve windows of the last hour: all four members exchange, v4 and v6, plus traffic from an unknown MAC.
  const now = Date.now();
  const rows = [
    { src: 'AS65003', dst: 'AS65001', ipVersion: 'ipv4' as const, bytes: 9e9, packets: 6e6, samples: 600 },
    { src: 'AS65003', dst: 'AS65002', ipVersion: 'ipv6' as const, bytes: 4e9, packets: 3e6, samples: 300 },
    { src: 'AS65001', dst: 'AS65002', ipVersion: 'ipv4' as const, bytes: 1.5e9, packets: 1e6, samples: 150 },
    { src: 'AS65002', dst: 'AS65001', ipVersion: 'ipv6' as const, bytes: 0.8e9, packets: 6e5, samples: 80 },
    { src: 'AS65004', dst: 'AS65001', ipVersion: 'ipv4' as const, bytes: 0.2e9, packets: 2e5, samples: 20 },
    { src: 'unknown', dst: 'AS65002', ipVersion: 'other' as const, bytes: 0.01e9, packets: 1e4, samples: 2 },
  ];
  for (let k = 1; k <= 12; k++) {
    const t = Math.floor(now / WINDOW_MS) * WINDOW_MS - k * WINDOW_MS;
    writeP2pWindow(db, file, { t, switch: 'sw1', rows, datagrams: 100, samples: 1152, dropped: 0, notIngress: 0, noFrame: 0, rateMin: 4096, rateMax: 4096 });
  }
  const ixps: IxpContext[] = [{ ixp: IXP, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 }];
  const hash = await hashPassword(PASSWORD);
  const usersFile = path.join(dir, 'users.json');
  saveUsers(usersFile, [
    { username: 'member1', role: 'member', ixp: IXP.id, asns: [65001], hash },
    { username: 'operator', role: 'operator', ixp: IXP.id, hash },
  ]);
  const app = createApp({
    service: createService({ reader: createSqliteReader(db), ixps }), users: createUserStore(usersFile), readerKind: 'sqlite', loginLimit: 100,
    routes: [({ principal, now: clock }) => peeringRoutes({ principal, now: clock, peering: () => createSqlitePeeringReader(db), ixp: (id) => ixps.find((x) => x.ixp.id === id) })],
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

async function openPeering(page: Page): Promise<void> {
  await page.goto(`${base}/peering.html?ixp=${IXP.id}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
}

describe('peering matrix page', () => {
  it('operator: heat map of every pair, top pairs, IPv6 and local content shares with their errors', async () => {
    const { page, dialogs, errors, console: cons } = await browser.page();
    await login(page, 'operator');
    await openPeering(page);
    await expect.poll(() => page.getByTestId('heat-cell').count()).toBe(25); // 4 members + unknown, squared
    const filled = await page.locator('[data-testid=heat-cell]:not(:empty)').count();
    expect(filled).toBe(6);
    const top = await page.getByTestId('top-pairs').locator('tbody tr').first().innerText();
    expect(top).toContain('Akamai cache');
    expect(top).toContain('Raajje Online');
    expect(await page.getByTestId('fig-ipv6').innerText()).toMatch(/%\s*±/);
    expect(await page.getByTestId('fig-local-content').innerText()).toMatch(/local content share[\s\S]*%\s*±/i);
    expect(await page.getByTestId('peering-coverage').innerText()).toMatch(/12 of [\d,]+ five-minute windows .* sampling 1:4,096/);
    // The hostile name is text in the heat map's header, never markup.
    expect(await page.getByTestId('peering-heatmap').textContent()).toContain(EVIL);
    expect(await page.locator('img[src=x]').count()).toBe(0);
    // Cells carry their colour through the CSSOM: no style attribute blocked by the CSP.
    const bg = await page.locator('[data-testid=heat-cell][data-src=AS65003][data-dst=AS65001]').evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(bg).toMatch(/^rgba?\(37, 99, 235/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'peering-operator.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(cons.filter((c) => /Refused|Content Security Policy/i.test(c))).toEqual([]);
  });

  it('member: its own peers only, no heat map, no other pair anywhere on the page', async () => {
    const { page, errors } = await browser.page();
    await login(page, 'member1');
    await openPeering(page);
    await page.waitForSelector('[data-testid=my-pairs]');
    expect(await page.getByTestId('peering-heatmap').count()).toBe(0);
    const rows = await page.getByTestId('my-pairs').locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toContain('Raajje Online');
    expect(await page.locator('main').innerText()).not.toMatch(/Island Mobile\s+[^\n]*\n?[^\n]*Akamai|Akamai cache\s+Island Mobile/);
    expect(await page.getByTestId('member-split').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'peering-member.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('public: the IXP\'s IPv6 share only', async () => {
    const { page, errors } = await browser.page();
    await openPeering(page);
    await page.waitForSelector('[data-testid=fig-ipv6]');
    expect(await page.getByTestId('peering-heatmap').count()).toBe(0);
    expect(await page.getByTestId('pair-row').count()).toBe(0);
    expect(await page.getByTestId('fig-local-content').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'peering-public.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
