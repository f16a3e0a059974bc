// Every page of PAGES at phone (360×740) and desktop (1366×900) size in Chromium: nothing wider than the
// viewport, controls at least 44 px tall on the phone, the members table's key figures (name, traffic,
// P95, saving) on the first screen of every member row, names never broken inside a word, and the
// printed layout unchanged (tables stay tables). Screenshots of every page at both sizes go to
// test-artifacts/responsive/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { PAGES, startFixtureDashboard, type FixtureDashboard, type PageCase, type Role } from './a11y-pages.ts';

const ARTIFACTS = path.resolve('test-artifacts/responsive');
const SIZES = [{ width: 360, height: 740 }, { width: 1366, height: 900 }] as const;
const PHONE = SIZES[0];
/** The smallest control height on a phone (WCAG 2.5.5 target size, as the issue asks). */
const TARGET = 44;

let dash: FixtureDashboard | undefined;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dash = await startFixtureDashboard();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dash?.stop();
});

/** The role a page is shown as: the operator where it may, else the first role listed. */
function roleFor(p: PageCase): Role {
  return p.roles.includes('operator') ? 'operator' : p.roles[0];
}

/** Elements whose box leaves the viewport sideways (visually hidden 1 px elements excepted). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > vw) out.push(`document scrollWidth ${document.documentElement.scrollWidth} > ${vw}`);
    for (const e of Array.from(document.body.querySelectorAll('*'))) {
      const r = e.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue;
      if (r.left < -0.5 || r.right > vw + 0.5) {
        const id = e.getAttribute('data-testid') ?? e.className.toString();
        out.push(`<${e.tagName.toLowerCase()} ${id}> ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
      }
    }
    return out;
  });
}

/** Visible controls shorter than `min` px. */
async function smallControls(page: Page, min: number): Promise<string[]> {
  return page.evaluate((m) => Array.from(document.querySelectorAll('a, button, select, input, textarea'))
    .filter((e) => {
      const r = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      // off-screen until focused (the skip link) or not rendered: not a target now
      return r.width > 1 && r.height > 1 && r.bottom > 0 && s.visibility !== 'hidden' && r.height < m - 0.5;
    })
    .map((e) => `<${e.tagName.toLowerCase()} ${e.getAttribute('data-testid')}> ${Math.round(e.getBoundingClientRect().height)} px`), min);
}

describe('responsive layout, 360 px phone to 1366 px desktop', () => {
  for (const size of SIZES) {
    it(`every page at ${size.width}×${size.height}: nothing overflows${size === PHONE ? ', controls ≥ 44 px' : ''}; screenshots`, async () => {
      const problems: string[] = [];
      for (const role of new Set(PAGES.map(roleFor))) {
        const { page, context, errors } = await browser!.page({ viewport: size, locale: 'en-GB' });
        await dash!.login(context, role);
        for (const p of PAGES.filter((x) => roleFor(x) === role)) {
          await dash!.open(page, p);
          problems.push(...(await overflowing(page)).map((x) => `${p.name}: ${x}`));
          if (size === PHONE) problems.push(...(await smallControls(page, TARGET)).map((x) => `${p.name}: small control ${x}`));
          // Charts take the card's width (never wider, never squeezed to nothing).
          for (const w of await page.locator('canvas').evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().width))) {
            expect(w, `${p.name} chart width`).toBeGreaterThan(size.width / 3);
          }
          await page.screenshot({ path: path.join(ARTIFACTS, `${p.name}-${size.width}x${size.height}.png`), fullPage: true });
        }
        expect(errors, role).toEqual([]);
        await context.close();
      }
      if (problems.length) console.log(problems.join('\n'));
      expect(problems).toEqual([]);
    }, 240_000);
  }

  it('phone: every member row shows name, traffic, P95 and saving on its first screen; names break between words only', async () => {
    const { page, context } = await browser!.page({ viewport: PHONE, locale: 'en-GB' });
    await dash!.login(context, 'operator');
    const members = PAGES.find((p) => p.name === 'members')!;
    await dash!.open(page, members);
    // The columns by their sort buttons, so the check follows the table, not a fixed order.
    const cols = await page.locator('[data-testid=members-table] thead th').evaluateAll((ths) => ths.map((th) => th.querySelector('button')?.getAttribute('data-testid') ?? ''));
    const key = ['sort-name', 'sort-traffic', 'sort-p95', 'sort-savings'].map((k) => cols.indexOf(k));
    expect(key.every((i) => i >= 0), cols.join(',')).toBe(true);
    const heads = await page.locator('[data-testid=members-table] thead th').evaluateAll((ths, idx) =>
      idx.map((i) => (ths[i].querySelector('button')?.firstChild?.textContent ?? '').trim()), key);
    expect(heads.every((h) => h.length > 1), heads.join(',')).toBe(true);
    const rows = page.getByTestId('member-row');
    expect(await rows.count()).toBe(4);
    for (let r = 0; r < 4; r++) {
      const row = rows.nth(r);
      await row.evaluate((e) => e.scrollIntoView({ block: 'start' }));
      const seen = await row.evaluate((tr, idx) => {
        const top = tr.getBoundingClientRect().top;
        const cells = Array.from((tr as HTMLTableRowElement).cells);
        return {
          display: getComputedStyle(tr).display,
          cells: idx.map((i) => {
            const c = cells[i];
            const b = c.getBoundingClientRect();
            const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
            return { label: c.getAttribute('data-label'), text: c.textContent ?? '', left: b.left, right: b.right, bottom: b.bottom - top, visible: !!hit && c.contains(hit) };
          }),
        };
      }, key);
      expect(seen.display, 'rows stack on a phone').toBe('block');
      for (const c of seen.cells) {
        expect(c.left, `row ${r} ${c.label}`).toBeGreaterThanOrEqual(0);
        expect(c.right, `row ${r} ${c.label}`).toBeLessThanOrEqual(PHONE.width);
        expect(c.bottom, `row ${r} ${c.label}`).toBeLessThanOrEqual(PHONE.height);
        expect(c.visible, `row ${r} ${c.label} visible`).toBe(true);
        expect(c.text.trim().length, `row ${r} ${c.label} has a value`).toBeGreaterThan(0);
      }
      // The stacked cells say which figure they are: the text of their column header.
      expect(seen.cells.slice(1).map((c) => c.label)).toEqual(heads.slice(1));
    }
    // No word of a member name is split over two lines.
    const split = await page.getByTestId('member-link').evaluateAll((links) => {
      const bad: string[] = [];
      for (const a of links) {
        const text = a.firstChild;
        if (!text || text.nodeType !== Node.TEXT_NODE) continue;
        const s = text.textContent ?? '';
        for (const m of s.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(text, m.index!);
          range.setEnd(text, m.index! + m[0].length);
          const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
          if (lines.size > 1) bad.push(`${s}: "${m[0]}"`);
        }
      }
      return bad;
    });
    expect(split).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'members-rows-360.png') });
    await context.close();
  }, 120_000);

  it('print keeps the table layout even from a phone-sized window; desktop keeps tables', async () => {
    const { page, context } = await browser!.page({ viewport: PHONE, locale: 'en-GB' });
    await dash!.login(context, 'operator');
    const display = () => page.locator('table.table tbody tr').first().evaluate((e) => getComputedStyle(e).display);
    for (const name of ['members', 'impact']) {
      await dash!.open(page, PAGES.find((p) => p.name === name)!);
      expect(await display(), `${name} on screen`).toBe('block');
      await page.emulateMedia({ media: 'print' });
      expect(await display(), `${name} printed`).toBe('table-row');
      expect(await page.locator('header#top').evaluate((e) => getComputedStyle(e).display), 'header not printed').toBe('none');
      await page.emulateMedia({ media: 'screen' });
    }
    await page.setViewportSize(SIZES[1]);
    expect(await display(), 'desktop').toBe('table-row');
    await context.close();
  }, 120_000);
});
