// The demo one hour into a month, in Debian's Chromium: the whole demo (simulated switch, history, store, collector
// and dashboard) runs on a clock that starts at 01:00 on 1 November 2026 in the IXP's time zone (Indian/Maldives), and
// the browser's clock is set to the same time. The overview shows the month's saving "so far" with its projection
// beside it (never a whole month's bill from an hour of traffic), the impact page opens on October (the last complete
// month) and says why growth on September (5 of its 30 days in the demo's history) is not comparable.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, DEMO_PASSWORD, type Demo } from '../../cli/demo/index.ts';
import type { ImpactResponse, SummaryResponse } from '../../dashboard/api.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { freeTcpPort } from '../helpers/ports.ts';

const ARTIFACTS = path.resolve('test-artifacts/e2e');
/** 1 November 2026 01:00 in Indian/Maldives (UTC+5) = 31 October 20:00 UTC. */
const T0 = Date.UTC(2026, 9, 31, 20);
const real0 = Date.now();
const now = () => T0 + (Date.now() - real0);

let dir: string;
let demo: Demo | undefined;
let base: string;
let browser: TestBrowser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-partmonth-e2e-'));
  delete process.env.PORT;
  const port = await freeTcpPort();
  demo = await startDemo({ dir, listen: `127.0.0.1:${port}`, now });
  base = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(page: Page, url: string): Promise<void> {
  await page.clock.setFixedTime(now());
  await page.goto(base + url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
}

/** Whole currency units shown in a money text ("US$1,234" → 1234). */
const units = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

describe('the demo one hour into November', () => {
  it('the overview shows the month so far and its projection, both labelled', async () => {
    const { page, errors } = await browser.page();
    await open(page, '/index.html?ixp=demo');
    const s = (await (await page.context().request.get(`${base}/api/ixps/demo/summary`)).json()) as SummaryResponse;
    // An hour of a 30-day month: elapsed 1/720; every demo member is connected all month, so so far = projected × elapsed.
    expect(s.period.complete).toBe(false);
    expect(s.period.elapsedShare).toBeGreaterThan(1 / 720 - 1e-4);
    expect(s.period.elapsedShare).toBeLessThan(1 / 720 + 1e-3);
    expect(s.transitSavedProjected!).toBeGreaterThan(0);
    expect(s.transitSaved / s.transitSavedProjected!).toBeCloseTo(s.period.elapsedShare!, 4);
    const card = page.getByTestId('fig-saved-month');
    await expect(card.locator('.fig-label').textContent()).resolves.toBe('Transit saved this month so far');
    expect(units(await page.getByTestId('fig-saved-month-value').textContent())).toBe(Math.round(s.transitSaved));
    const sub = (await card.locator('.fig-sub').textContent())!;
    expect(sub).toContain('projected for the whole month: ');
    // The projection shown is the API's (whole units), beside the figure so far.
    const shown = /projected for the whole month: ([^(]+)/.exec(sub)![1]!;
    expect(units(shown)).toBe(Math.round(s.transitSavedProjected!));
    await expect(page.getByTestId('banner-saved').locator('.banner-label').textContent()).resolves.toBe('Transit saved this month so far');
    await expect(card.getByTestId('fig-saved-month-note').textContent()).resolves.toContain('multiplied by the share of the month it was connected');
    await page.screenshot({ path: path.join(ARTIFACTS, 'partmonth-overview.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 150_000);

  it('the impact page opens on October and says why growth on September is missing', async () => {
    const { page, errors } = await browser.page();
    const res = await page.context().request.post(`${base}/api/session`, { data: { username: 'reporter', password: DEMO_PASSWORD } });
    expect(res.status()).toBe(200);
    await open(page, '/impact.html');
    await expect(page.getByTestId('impact-month').inputValue()).resolves.toBe('2026-10');
    const imp = (await (await page.context().request.get(`${base}/api/impact`)).json()) as ImpactResponse;
    expect(imp.month).toBe('2026-10');
    const row = imp.ixps[0]!;
    expect(row.complete).toBe(true);
    // The demo's history starts 35 days before its clock: 27 September 01:00 local time, so September holds 3 days
    // and 23 hours of its 30 (13 %, under 50 %): not comparable.
    expect(row.growth).toBeNull();
    expect(row.growthNotComparable).toMatchObject({ month: '2026-09' });
    const cov = (row.growthNotComparable as { coverage: number }).coverage;
    expect(cov).toBeGreaterThan(0.1);
    expect(cov).toBeLessThan(0.2);
    const reason = await page.getByTestId('impact-growth-reason').textContent();
    expect(reason).toBe(`Demo Island IXP: not comparable: September 2026 has ${Math.round(cov * 100)}% coverage`);
    await expect(page.getByTestId('impact-growth').textContent()).resolves.toContain('not comparable');
    // October is complete: no projection on the page, and the report form opens on it too.
    await expect(page.getByTestId('impact-projected').count()).resolves.toBe(0);
    await expect(page.getByTestId('report-month').inputValue()).resolves.toBe('2026-10');
    const href = await page.getByTestId('report-open').getAttribute('href');
    expect(href).toBe(`/api/ixps/demo/report?month=2026-10&format=html&lang=en`);
    await page.getByTestId('report-format').selectOption('json');
    await page.getByTestId('report-year').fill('2026');
    const annualHref = await page.getByTestId('report-open').getAttribute('href');
    expect(annualHref).toBe('/api/ixps/demo/report?year=2026&format=json&lang=en');
    const annual = await (await page.context().request.get(base + annualHref)).json();
    expect(annual).toMatchObject({ kind: 'ixmeter-annual-report', period: { year: 2026, complete: false } });
    await page.screenshot({ path: path.join(ARTIFACTS, 'partmonth-impact.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 150_000);
});
