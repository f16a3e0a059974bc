// The network page in Chromium over the dashboard fixture with stored roles: the operator sees the sites side by
// side, the trunk and the capacity forecasts; a member sees no Network link and gets 403 from the trunk route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { createApp } from '../../dashboard/server/app.ts';
import { createService } from '../../dashboard/server/service.ts';
import { createSqliteReader } from '../../dashboard/readers/sqlite.ts';
import { hashPassword, type UserRecord } from '../../dashboard/server/users.ts';
import { saveRoles } from '../../collector/members/roleStore.ts';
import { contexts, SW, sqliteStore } from '../component/dashboard/fixture.ts';
import { freeTcpPort } from '../helpers/ports.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';

const ARTIFACTS = path.resolve('test-artifacts/e2e');
const store = sqliteStore();
let server: Server;
let base: string;
let browser: TestBrowser;

beforeAll(async () => {
  await store.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  saveRoles(store.db, SW, [{ switch: SW, port: 'uplink', role: 'trunk', lag: null, counted: null, peer: null, why: 'roles.trunk' }], Date.now());
  const hash = await hashPassword('correct horse');
  const users: UserRecord[] = [{ username: 'op', role: 'operator', ixp: 'tix', hash }, { username: 'm1', role: 'member', ixp: 'tix', asns: [65001], hash }];
  const ixps = contexts(false).map((c) => ({ ...c, switches: [{ name: SW, site: 'Malé' }] }));
  const reader = createSqliteReader(store.db);
  // The fixture's data ends on 10 February 2026; the browser's clock is today's, so ask for January by URL.
  const service = createService({ reader, ixps });
  const app = createApp({
    service, users: { find: (n) => users.find((u) => u.username === n) }, readerKind: 'sqlite', webDir: path.resolve('dist/web'),
  });
  const port = await freeTcpPort();
  server = await new Promise<Server>((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((r) => server.close(r));
  store.cleanup();
});

async function login(username: string) {
  const { page, errors, console: cons } = await browser.page();
  const res = await page.request.post(`${base}/api/session`, { data: { username, password: 'correct horse' } });
  expect(res.status()).toBe(200);
  return { page, errors, cons };
}

describe('network page', () => {
  it('shows the operator the site, the trunk and the capacity forecasts', async () => {
    const { page, errors, cons } = await login('op');
    await page.goto(`${base}/network.html?ixp=tix&period=custom&from=2026-01-01&to=2026-01-31`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid=site-row]').count()).toBe(1);
    expect(await page.locator('[data-testid=site-row] td').first().textContent()).toBe('Malé');
    expect(await page.locator('[data-testid=trunk-row] td').first().textContent()).toBe(`${SW} uplink`);
    expect(await page.locator('[data-testid=trunk-forecast]').textContent()).toBe('not enough history');
    expect(await page.locator('[data-testid=capacity-row]').count()).toBe(6); // et1..et5 (et5 by its ifAlias) and the trunk
    expect(await page.locator('[data-testid=nav-network]').count()).toBe(1);
    // The members table carries each member's soonest forecast.
    await page.goto(`${base}/members.html?ixp=tix&period=custom&from=2026-01-01&to=2026-01-31`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid=member-forecast]').count()).toBe(4);
    expect(await page.locator('[data-testid=member-forecast]').first().textContent()).toBe('not enough history');
    await page.goto(`${base}/network.html?ixp=tix&period=custom&from=2026-01-01&to=2026-01-31`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'network.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(cons.filter((c) => /Refused|CSP/i.test(c))).toEqual([]);
  });

  it('offers a member no Network link, and the trunk route refuses it', async () => {
    const { page } = await login('m1');
    await page.goto(`${base}/members.html?ixp=tix`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
    expect(await page.locator('[data-testid=nav-network]').count()).toBe(0);
    expect((await page.request.get(`${base}/api/ixps/tix/trunks`)).status()).toBe(403);
  });
});
