// Browser tests of the dashboard pages: the real server (createApp over a real SQLite store and a
// users file) and Debian's Chromium through playwright-core. Each page must draw its charts with data,
// switch language, keep members to their own ports, show hostile switch text as text, and stay light.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../dashboard/server/app.ts';
import { latencyRoutes } from '../../dashboard/server/routes/latency.ts';
import { createService } from '../../dashboard/server/service.ts';
import { createUserStore, hashPassword, saveUsers } from '../../dashboard/server/users.ts';
import { createSqliteReader } from '../../dashboard/readers/sqlite.ts';
import { createSqlitePeeringReader } from '../../dashboard/readers/peering.ts';
import { peeringRoutes } from '../../dashboard/server/routes/peering.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { freeTcpPort } from '../helpers/ports.ts';
import { EVIL, IXP, IXP2, MEMBERS, writeFixture } from './fixture.ts';
import { monthOf } from '../../dashboard/calendar.ts';

const ARTIFACTS = path.resolve('test-artifacts/e2e');
const PASSWORD = 'correct horse battery';

let dir: string;
let db: Database.Database;
let server: Server;
let base: string;
let browser: TestBrowser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-e2e-'));
  const storeFile = path.join(dir, 'store.db');
  await writeFixture(storeFile, Date.now(), 2, true);
  db = new Database(storeFile, { readonly: true, fileMustExist: true });
  const ixps = [
    // Launched with the data set, so "since launch" covers days, not a year of empty months.
    { ixp: { ...IXP, launched: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10) }, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 },
    { ixp: IXP2, members: [], publicMembers: false, ifAlias: true, pollInterval: 300 },
  ];
  const service = createService({ reader: createSqliteReader(db), ixps });
  const hash = await hashPassword(PASSWORD);
  const usersFile = path.join(dir, 'users.json');
  saveUsers(usersFile, [
    { username: 'member1', role: 'member', ixp: IXP.id, asns: [65001], hash },
    { username: 'evilmember', role: 'member', ixp: IXP.id, asns: [65004], hash },
    { username: 'operator', role: 'operator', ixp: IXP.id, hash },
    { username: 'reporter', role: 'reporter', hash },
  ]);
  // The peering and latency routes over the same store, as serve mounts them (the overview, impact and member pages
  // ask them for the sFlow and latency figures).
  const peering = createSqlitePeeringReader(db);
  const app = createApp({ service, users: createUserStore(usersFile), readerKind: 'sqlite', loginLimit: 100,
    routes: [
      ({ principal, now }) => peeringRoutes({ principal, now, peering: (id) => (id === IXP.id ? peering : undefined), ixp: (id) => service.ctx(id) }),
      (h) => latencyRoutes({ ...h, ixps, db: (id) => (id === IXP.id ? db : undefined) }),
    ] });
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

/** Opens a page and waits until the page module has loaded its data and drawn. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(base + url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Logs in through the login page form. */
async function login(page: Page, username: string): Promise<void> {
  await open(page, '/login.html');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByTestId('login-submit').click()]);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
}

/** Logs in through the API (the context's cookie jar gets the session), then opens `url`. */
async function loginTo(page: Page, username: string, url: string): Promise<void> {
  const res = await page.context().request.post(`${base}/api/session`, { data: { username, password: PASSWORD } });
  expect(res.status()).toBe(200);
  await open(page, url);
}

/**
 * What a chart drew: the chart.js datasets' count of non-zero points (written by charts.ts from the
 * chart instance), and how many canvas pixels carry a colour, read back from the canvas itself.
 */
async function chartStats(page: Page, testid: string, rgb: [number, number, number]): Promise<{ points: number; datasets: number; pixels: number }> {
  const canvas = page.getByTestId(testid);
  await canvas.waitFor();
  return canvas.evaluate((c: HTMLCanvasElement, want) => {
    const ctx = c.getContext('2d')!;
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    let pixels = 0;
    for (let i = 0; i < img.length; i += 4) {
      if (img[i + 3] > 200 && Math.abs(img[i] - want[0]) < 24 && Math.abs(img[i + 1] - want[1]) < 24 && Math.abs(img[i + 2] - want[2]) < 24) pixels++;
    }
    return { points: Number(c.dataset.points ?? 0), datasets: Number(c.dataset.datasets ?? 0), pixels };
  }, rgb);
}

/** Per-test timeout: page loads are slow when the machine is busy (2 cores shared by many suites). */
const SLOW = 150_000;

const BLUE: [number, number, number] = [47, 111, 222];
const GREEN: [number, number, number] = [31, 157, 98];
const RED: [number, number, number] = [214, 69, 69];
const VIOLET: [number, number, number] = [138, 79, 214];

describe('dashboard pages in Chromium', () => {
  it('overview (public): banner, aggregate chart with data, figures with notes and coverage', async () => {
    const { page, errors } = await browser.page();
    await open(page, `/index.html?ixp=${IXP.id}`);
    await expect(page.getByTestId('ports-up-value').textContent()).resolves.toBe('4 / 4');
    expect(await page.getByTestId('traffic-now-value').textContent()).toMatch(/[MG]bit\/s$/);
    expect(await page.getByTestId('freshness').getAttribute('data-state')).toBe('fresh');
    expect(await page.getByTestId('refresh-countdown').textContent()).toMatch(/next refresh in \d+ s/);
    const traffic = await chartStats(page, 'chart-traffic', BLUE);
    expect(traffic.datasets).toBe(2);
    expect(traffic.points).toBeGreaterThan(100);
    expect(traffic.pixels).toBeGreaterThan(500);
    expect(await chartStats(page, 'chart-traffic', GREEN).then((s) => s.pixels)).toBeGreaterThan(500);
    for (const id of ['fig-peak', 'fig-p95', 'fig-volume', 'fig-content', 'fig-saved-month', 'fig-saved-launch']) {
      const fig = page.getByTestId(id);
      expect(await fig.getByTestId(`${id}-value`).textContent(), id).not.toBe('\u2014');
      expect(await fig.getByTestId('coverage').textContent(), id).toMatch(/coverage \d+%/);
      expect((await fig.getByTestId(`${id}-note`).textContent())!.length, id).toBeGreaterThan(30);
    }
    // The store says simulated: every page says demo data.
    expect(await page.getByTestId('demo-badge').textContent()).toBe('Demo data');
    // Public visitors get no members link (the API refuses member rows to them).
    expect(await page.getByTestId('nav-members').count()).toBe(0);
    await shot(page, 'overview');
    // Two public IXPs: the selector switches between them.
    await Promise.all([page.waitForURL(/ixp=cvix/), page.getByTestId('ixp-select').selectOption(IXP2.id)]);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.getByTestId('ixp-name').textContent()).toBe(IXP2.name);
    expect(await page.getByTestId('period-tz').textContent()).toContain('Atlantic/Cape_Verde');
    expect(errors).toEqual([]);
  }, SLOW);

  it('language: chosen from navigator.languages, switched on the page, kept across pages', async () => {
    const pt = await browser.page({ locale: 'pt-BR' });
    await open(pt.page, '/login.html');
    expect(await pt.page.getByTestId('page-title').textContent()).toBe('Entrar');
    expect(await pt.page.getByTestId('login-username').evaluate((e) => (e as HTMLInputElement).labels?.[0]?.textContent)).toBe('Utilizador');

    const { page } = await browser.page({ locale: 'en-GB' });
    await open(page, `/index.html?ixp=${IXP.id}`);
    expect(await page.getByTestId('page-title').textContent()).toBe('Peering traffic');
    expect(await page.getByTestId('fig-volume-value').textContent()).toMatch(/TB$/);
    await page.getByTestId('lang-select').selectOption('fr');
    expect(await page.getByTestId('page-title').textContent()).toBe('Trafic d\u2019échange');
    expect(await page.getByTestId('nav-overview').textContent()).toBe('Vue d\u2019ensemble');
    expect(await page.getByTestId('fig-volume-value').textContent()).toMatch(/To$/); // octets
    expect(await chartStats(page, 'chart-traffic', BLUE).then((s) => s.points)).toBeGreaterThan(100); // redrawn
    await shot(page, 'overview-fr');
    await open(page, '/login.html'); // the choice is remembered
    expect(await page.getByTestId('login-submit').textContent()).toBe('Se connecter');
    await page.getByTestId('lang-select').selectOption('pt');
    expect(await page.getByTestId('login-submit').textContent()).toBe('Entrar');
    await shot(page, 'login-pt');
  }, SLOW);

  it('operator: members table sorts and flags hot ports', async () => {
    const { page, errors, dialogs, console: consoleErrors } = await browser.page();
    await login(page, 'operator');
    await page.getByTestId('nav-members').click();
    await page.waitForSelector('body[data-ready=true] [data-testid=members-table]');
    const asns = async () => page.getByTestId('member-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-asn'))));
    expect((await asns()).sort()).toEqual([65001, 65002, 65003, 65004]);
    await page.getByTestId('sort-util').click();
    expect((await asns())[0]).toBe(65002); // the 1G port peaking near 100%
    const hot = page.locator('[data-testid=member-row][data-asn="65002"] [data-testid=util-hot]');
    expect(await hot.count()).toBe(1);
    expect(await page.locator('[data-testid=member-row][data-asn="65001"] [data-testid=util-hot]').count()).toBe(0);
    await page.getByTestId('sort-util').click();
    expect((await asns()).at(-1)).toBe(65002);
    await page.getByTestId('sort-p95').click();
    expect((await asns())[0]).toBe(65003); // the CDN sends the most
    // A member name of HTML is shown as text: no <img> element, no dialog.
    expect(await page.locator('[data-testid=member-row][data-asn="65004"] [data-testid=member-link]').textContent()).toBe(EVIL);
    expect(await page.locator('img').count()).toBe(0);
    await shot(page, 'members');
    const href = await page.locator('[data-testid=member-row][data-asn="65002"] [data-testid=member-link]').getAttribute('href');
    expect(new URL(href!, base).pathname).toBe('/member.html');
    expect(new URL(href!, base).searchParams.get('asn')).toBe('65002');
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, SLOW);

  it('operator: member page draws its traffic and its monthly history', async () => {
    const { page, errors } = await browser.page();
    await loginTo(page, 'operator', `/member.html?ixp=${IXP.id}&asn=65002`);
    await page.waitForSelector('body[data-ready=true] [data-testid=chart-member-history]');
    expect(await page.getByTestId('member-name').textContent()).toBe('Island Mobile');
    const mt = await chartStats(page, 'chart-member-traffic', BLUE);
    expect(mt.points).toBeGreaterThan(100);
    expect(mt.pixels).toBeGreaterThan(300);
    const hist = await chartStats(page, 'chart-member-history', BLUE);
    expect(hist.points).toBeGreaterThan(0);
    expect(hist.pixels).toBeGreaterThan(300);
    await shot(page, 'member');
    const href = await page.getByTestId('port-link').first().getAttribute('href');
    expect(new URL(href!, base).pathname).toBe('/port.html');
    expect(new URL(href!, base).searchParams.get('port')).toBe('xe-0/0/2');
    expect(errors).toEqual([]);
  }, SLOW);

  it('operator: port pages draw bits, packets, errors and the up/down timeline', async () => {
    const { page, errors, dialogs, console: consoleErrors } = await browser.page();
    await loginTo(page, 'operator', `/port.html?ixp=${IXP.id}&switch=sw1&port=${encodeURIComponent('xe-0/0/2')}`);
    await page.waitForSelector('body[data-ready=true] [data-testid=chart-port-status]');
    expect(await page.getByTestId('port-name').textContent()).toBe('sw1 \u00b7 xe-0/0/2');
    expect((await chartStats(page, 'chart-port-bits', BLUE)).points).toBeGreaterThan(100);
    expect((await chartStats(page, 'chart-port-packets', BLUE)).points).toBeGreaterThan(100);
    const errs = await chartStats(page, 'chart-port-errors', RED);
    expect(errs.points).toBeGreaterThan(0);
    const status = await chartStats(page, 'chart-port-status', GREEN);
    expect(status.points).toBeGreaterThan(10);
    expect(status.pixels).toBeGreaterThan(300);
    await shot(page, 'port');

    // The port that went down: its timeline shows red.
    await open(page, `/port.html?ixp=${IXP.id}&switch=sw1&port=${encodeURIComponent('xe-0/0/4')}`);
    expect((await chartStats(page, 'chart-port-status', RED)).pixels).toBeGreaterThan(100);
    // Its ifAlias and member name are HTML: shown as text.
    expect(await page.getByTestId('port-alias').textContent()).toBe(EVIL);
    expect(await page.getByTestId('back-member').textContent()).toContain(EVIL);
    expect(await page.locator('img').count()).toBe(0);
    await shot(page, 'port-down');

    // Period selector: week, then a custom range.
    await page.getByTestId('period-week').click();
    await page.waitForURL(/period=week/);
    await page.waitForSelector('body[data-ready=true] [data-testid=chart-port-bits]');
    expect((await chartStats(page, 'chart-port-bits', BLUE)).points).toBeGreaterThan(40); // hourly steps over 2 days
    // Custom: yesterday and today in the IXP's zone (the data set covers the last two days).
    const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: IXP.timezone }).format(ms);
    await page.getByTestId('period-custom').click();
    await page.getByTestId('period-from').fill(day(Date.now() - 86_400_000));
    await page.getByTestId('period-to').fill(day(Date.now()));
    await Promise.all([page.waitForURL(/period=custom/), page.getByTestId('period-apply').click()]);
    await page.waitForSelector('body[data-ready=true] [data-testid=chart-port-bits]');
    expect(await page.getByTestId('period-custom').getAttribute('aria-pressed')).toBe('true');
    expect((await chartStats(page, 'chart-port-bits', BLUE)).points).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, SLOW);

  it('reporter: impact overview draws every IXP side by side', async () => {
    const { page, errors } = await browser.page();
    // The page opens on the last complete month; the fixture's two days of data end now, so ask for this month.
    await loginTo(page, 'reporter', `/impact.html?month=${monthOf(Date.now(), IXP.timezone)}`);
    await page.waitForSelector('[data-testid=impact-table]');
    expect(await page.getByTestId('impact-row').count()).toBe(2);
    expect(await page.locator('[data-testid=impact-row] td').first().textContent()).toBe(IXP.name);
    const c = await chartStats(page, 'chart-impact', GREEN);
    expect(c.points).toBeGreaterThan(0);
    expect(c.pixels).toBeGreaterThan(1000);
    await shot(page, 'impact');
    expect(errors).toEqual([]);
  }, SLOW);

  it('a member sees its own ports only, never another member\u2019s', async () => {
    const { page, errors } = await browser.page();
    await login(page, 'member1');
    expect(new URL(page.url()).searchParams.get('asn')).toBe('65001');
    expect(await page.getByTestId('member-name').textContent()).toBe('Raajje Online');
    const ports = await page.getByTestId('port-row').allTextContents();
    expect(ports).toHaveLength(1);
    expect(ports[0]).toContain('xe-0/0/1');
    expect((await chartStats(page, 'chart-member-traffic', BLUE)).points).toBeGreaterThan(100);
    await shot(page, 'member-own');

    await page.getByTestId('nav-members').click();
    await page.waitForSelector('body[data-ready=true] [data-testid=members-table]');
    const rows = await page.getByTestId('member-row').evaluateAll((r) => r.map((x) => x.getAttribute('data-asn')));
    expect(rows).toEqual(['65001']);
    expect(await page.content()).not.toContain('Island Mobile');

    await open(page, `/member.html?ixp=${IXP.id}&asn=65002`);
    expect(await page.getByTestId('notice-error').count()).toBe(1);
    expect(await page.getByTestId('member-name').count()).toBe(0);
    expect(await page.content()).not.toContain('Island Mobile');
    await open(page, `/port.html?ixp=${IXP.id}&switch=sw1&port=${encodeURIComponent('xe-0/0/2')}`);
    expect(await page.getByTestId('notice-error').count()).toBe(1);
    expect(await page.getByTestId('chart-port-bits').count()).toBe(0);
    await shot(page, 'member-forbidden');
    expect(errors).toEqual([]);
  }, SLOW);

  it('a member whose name is HTML sees it as literal text, and nothing runs', async () => {
    const { page, dialogs, errors } = await browser.page();
    await loginTo(page, 'evilmember', `/member.html?ixp=${IXP.id}`);
    expect(await page.getByTestId('member-name').textContent()).toBe(EVIL);
    expect(await page.getByTestId('port-alias').textContent()).toBe(EVIL);
    expect(await page.title()).toContain(EVIL);
    expect(await page.locator('img').count()).toBe(0);
    await shot(page, 'xss-member');
    await page.waitForTimeout(200); // an onerror handler would have fired by now
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  }, SLOW);

  it('first load of every page is at most 250 KB over the wire, compressed', async () => {
    const weights: Record<string, number> = {};
    const pages = [
      `/index.html?ixp=${IXP.id}`, `/members.html?ixp=${IXP.id}`, `/member.html?ixp=${IXP.id}&asn=65001`,
      `/port.html?ixp=${IXP.id}&switch=sw1&port=${encodeURIComponent('xe-0/0/1')}`, '/impact.html', '/login.html',
    ];
    const { page, context, console: consoleErrors } = await browser.page({ extraHTTPHeaders: { 'accept-encoding': 'gzip, br' } });
    expect((await context.request.post(`${base}/api/session`, { data: { username: 'operator', password: PASSWORD } })).status()).toBe(200);
    const cdp = await context.newCDPSession(page);
    for (const url of pages) {
      await cdp.send('Network.clearBrowserCache'); // a first visit: nothing cached
      const sizes: Promise<number>[] = [];
      const encodings = new Map<string, { enc: string; len: number }>();
      const onFinished = (r: import('playwright-core').Request) => {
        sizes.push(r.sizes().then((x) => x.responseBodySize + x.responseHeadersSize));
      };
      const onResponse = (r: import('playwright-core').Response) => {
        const h = r.headers();
        encodings.set(new URL(r.url()).pathname, { enc: h['content-encoding'] ?? '', len: Number(h['content-length'] ?? -1) });
      };
      page.on('requestfinished', onFinished);
      page.on('response', onResponse);
      await page.goto(base + url);
      await page.waitForSelector('body[data-ready=true]');
      await page.waitForLoadState('networkidle');
      page.off('requestfinished', onFinished);
      page.off('response', onResponse);
      weights[url] = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
      // Scripts and styles travel compressed (express compression skips bodies under 1 KB).
      for (const [p, { enc, len }] of encodings) if (/\.(js|css)$/.test(p) && (len < 0 || len > 1024)) expect(enc, p).toMatch(/^(gzip|br)$/);
      expect([...encodings.keys()].some((p) => /assets\/.*\.js$/.test(p)), url).toBe(true);
      // Every interactive element carries a data-testid.
      const untagged = await page.evaluate(() => Array.from(document.querySelectorAll('a, button, input, select, textarea, canvas'))
        .filter((e) => !e.hasAttribute('data-testid')).map((e) => e.outerHTML.slice(0, 80)));
      expect(untagged, url).toEqual([]);
    }
    // The strict CSP (script-src 'self', no inline styles) refused nothing.
    expect(consoleErrors.filter((m) => /Refused|Content Security Policy/i.test(m))).toEqual([]);
    for (const [url, bytes] of Object.entries(weights)) {
      expect(bytes, url).toBeGreaterThan(5_000);
      expect(bytes, url).toBeLessThanOrEqual(250_000);
    }
    console.log('first-load bytes over the wire:', weights);
  }, SLOW);
});
