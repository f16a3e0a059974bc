// Keyboard only, in Chromium: log in, skip to the content, switch period and language, sort the members,
// open a member and one of its ports, never touching the mouse. Every element the Tab key reaches on
// the way shows a visible focus ring (WCAG 2.4.7).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { PAGES, PASSWORD, USERS, startFixtureDashboard, type FixtureDashboard } from './a11y-pages.ts';

let dash: FixtureDashboard | undefined;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  dash = await startFixtureDashboard();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dash?.stop();
});

interface Focused { testid: string | null; asn: string | null; outline: string; outlineWidth: number; inView: boolean }

/** What has the focus now, and whether its focus ring shows. */
async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return { testid: null, asn: null, outline: 'none', outlineWidth: 0, inView: false };
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return {
      testid: e.getAttribute('data-testid'),
      asn: e.closest('[data-asn]')?.getAttribute('data-asn') ?? null,
      outline: s.outlineStyle,
      outlineWidth: parseFloat(s.outlineWidth) || 0,
      inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    };
  });
}

/**
 * Presses Tab until the focused element matches `want` (at most 40 presses). Every stop on the way must
 * show a focus ring of at least 2 px and be scrolled into view.
 */
async function tabTo(page: Page, want: (f: Focused) => boolean, what: string, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f.testid !== null) {
      expect(f.outline, `focus ring on ${f.testid}`).not.toBe('none');
      expect(f.outlineWidth, `focus ring width on ${f.testid}`).toBeGreaterThanOrEqual(2);
      expect(f.inView, `${f.testid} scrolled into view`).toBe(true);
    }
    seen.push(String(f.testid));
    if (want(f)) return f;
  }
  throw new Error(`Tab never reached ${what}; it went through ${seen.join(', ')}`);
}

const byId = (id: string) => (f: Focused) => f.testid === id;

async function ready(page: Page, selector?: string): Promise<void> {
  await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
  if (selector) await page.waitForSelector(selector, { timeout: 30_000 });
}

describe('keyboard only', () => {
  it('log in, skip link, period, language, sort, member, port: all without a mouse', async () => {
    const { page, errors } = await browser!.page({ locale: 'en-GB', viewport: { width: 1366, height: 900 } });
    await page.goto(`${dash!.base}/login.html`);
    await ready(page, '[data-testid=login-form]');
    // The login page puts the focus in the user name field; typing and Tab do the rest.
    expect((await focused(page)).testid).toBe('login-username');
    await page.keyboard.type(USERS.operator);
    await tabTo(page, byId('login-password'), 'the password field');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/index.html'), page.keyboard.press('Enter')]);
    await ready(page, '[data-testid=chart-traffic]');
    expect(await page.getByTestId('whoami').textContent()).toContain(USERS.operator);

    // The first Tab stop is the skip link; it jumps over the header to the page content.
    await page.keyboard.press('Tab');
    expect((await focused(page)).testid).toBe('skip-link');
    expect(await page.getByTestId('skip-link').evaluate((e) => e.getBoundingClientRect().top >= 0)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.keyboard.press('Tab');
    expect((await focused(page)).testid, 'after the skip link, Tab lands in the content').toBe('period-day');

    // Period: Tab to "week", Enter.
    await tabTo(page, byId('period-week'), 'the week button');
    await Promise.all([page.waitForURL(/period=week/), page.keyboard.press('Enter')]);
    await ready(page, '[data-testid=chart-traffic]');
    expect(await page.getByTestId('period-week').getAttribute('aria-pressed')).toBe('true');

    // Language: Tab to the language select, arrow keys pick French (the page and <html lang> follow).
    await tabTo(page, byId('lang-select'), 'the language select');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    expect(await page.getByTestId('page-title').textContent()).toBe('Trafic d\u2019échange');
    expect(await page.getByTestId('lang-select').evaluate((e) => (e as HTMLSelectElement).value)).toBe('fr');
    // The header was redrawn in French; the focus stayed on the (new) language select.
    expect((await focused(page)).testid, 'focus kept across the redraw').toBe('lang-select');

    // Members: back to the nav link, then sort by P95 with Enter.
    await tabTo(page, byId('nav-members'), 'the members link', 'Shift+Tab');
    await Promise.all([page.waitForURL((u) => u.pathname === '/members.html'), page.keyboard.press('Enter')]);
    await ready(page, '[data-testid=members-table]');
    await tabTo(page, byId('sort-p95'), 'the P95 sort button');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('member-row').first().getAttribute('data-asn')).toBe('65003');
    // The table was redrawn sorted; the focus is still on the sort button, which says how it sorts.
    expect((await focused(page)).testid, 'focus kept across the re-sort').toBe('sort-p95');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('member-row').first().getAttribute('data-asn')).not.toBe('65003');
    expect(await page.locator('th:has([data-testid=sort-p95])').getAttribute('aria-sort')).toBe('ascending');

    // A member: Tab on to Island Mobile's link, Enter.
    await tabTo(page, (f) => f.testid === 'member-link' && f.asn === '65002', 'Island Mobile');
    await Promise.all([page.waitForURL((u) => u.pathname === '/member.html'), page.keyboard.press('Enter')]);
    await ready(page, PAGES.find((p) => p.name === 'member')!.ready);
    expect(await page.getByTestId('member-name').textContent()).toBe('Island Mobile');

    // Its port: Tab to the port link, Enter.
    await tabTo(page, byId('port-link'), 'the port link');
    await Promise.all([page.waitForURL((u) => u.pathname === '/port.html'), page.keyboard.press('Enter')]);
    await ready(page, '[data-testid=chart-port-status]');
    expect(await page.getByTestId('port-name').textContent()).toBe('sw1 \u00b7 xe-0/0/2');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr'); // the choice is kept
    expect(errors).toEqual([]);
  }, 150_000);
});
