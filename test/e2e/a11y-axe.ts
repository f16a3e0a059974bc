// WCAG 2.1 A/AA in the browser: axe-core (@axe-core/playwright) on every page of PAGES, as each role that
// can open it, in one language per test file (a11y-en/fr/pt.test.ts, so each file stays short), in
// Debian's Chromium. Each violation is printed with its rule and elements. Also: <html lang> follows the
// chosen language and every chart has a text alternative with its key figures.
import type { Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { PAGES, startFixtureDashboard, type FixtureDashboard, type Role } from './a11y-pages.ts';

/** The UI languages and a browser locale that picks each. */
/** chart.alt.none in each language: what a chart without data says instead of its figures. */
const NO_DATA = { en: /^[^.]+: no data\.$/, fr: /^[^.]+ : aucune donnée\.$/, pt: /^[^.]+: sem dados\.$/ };

export const LANGS = {
  en: 'en-GB',
  fr: 'fr-FR',
  pt: 'pt-PT',
} as const;
const ROLES: Role[] = ['public', 'member', 'operator', 'reporter'];
/** The axe tags of WCAG 2.0 and 2.1, levels A and AA. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];


/** Runs axe (WCAG 2.1 A/AA rules) on the page as it stands; returns one printable line per violation node. */
async function axeViolations(page: Page, where: string): Promise<string[]> {
  // resultTypes: full node lists for violations only (passes keep one node each): far less to serialise.
  const r = await new AxeBuilder({ page }).withTags(WCAG_AA).options({ resultTypes: ['violations'] }).analyze();
  const lines: string[] = [];
  for (const v of r.violations) {
    for (const n of v.nodes) lines.push(`${where}: ${v.id} (${v.impact ?? '?'}) ${v.help} -> ${n.target.join(' ')} :: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`);
  }
  if (lines.length) console.log(lines.join('\n'));
  // A run that checked nothing would pass anything: axe must have applied rules to this page.
  expect(r.passes.length, `${where}: axe passes`).toBeGreaterThan(10);
  return lines;
}

/** The axe suite of one language: every page of PAGES as every role that can open it. */
export function axeSuite(lang: keyof typeof LANGS): void {
  const locale = LANGS[lang];
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

  describe(`WCAG 2.1 AA (axe-core) on every page, every role, in ${lang}`, () => {
    for (const role of ROLES) {
      const pages = PAGES.filter((p) => p.roles.includes(role));
      it(`${role}: ${pages.map((p) => p.name).join(', ')}`, async () => {
        const all: string[] = [];
        const { page, context, errors } = await browser!.page({ locale });
        await dash!.login(context, role);
        for (const p of pages) {
          await dash!.open(page, p);
          const where = `${p.name} as ${role} in ${lang}`;
          expect(await page.locator('html').getAttribute('lang'), where).toBe(lang);
          // Every chart is an image with a name and a description carrying its key figures.
          const charts = await page.locator('canvas').evaluateAll((cs) => cs.map((c) => {
            const desc = (c.getAttribute('aria-describedby') ?? '').split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
            return { id: c.getAttribute('data-testid'), role: c.getAttribute('role'), label: c.getAttribute('aria-label') ?? '', desc };
          }));
          for (const c of charts) {
            expect(c.role, `${where} ${c.id}`).toBe('img');
            expect(c.label.length, `${where} ${c.id} label`).toBeGreaterThan(3);
            // Its figures, or (a chart over a period without data, e.g. no latency rounds yet) the page language's "no data".
            if (!/\d/.test(c.desc)) expect(c.desc.trim(), `${where} ${c.id} description`).toMatch(NO_DATA[lang as keyof typeof NO_DATA]);
          }
          // The traffic chart's description carries its key figures in the page's language and units.
          const traffic = charts.find((c) => c.id === 'chart-traffic');
          if (traffic) {
            expect(traffic.desc, where).toMatch(/\d[\d.,\u202f\u00a0]*\s?[kMGT]?bit\/s/);
            expect(traffic.desc, where).toContain({ en: 'peak', fr: 'pic', pt: 'pico' }[lang]);
            expect(traffic.desc, where).toMatch(/\d+ (of|sur|de) \d+/);
          }
          all.push(...await axeViolations(page, where));
        }
        expect(errors, `${role} ${lang} page errors`).toEqual([]);
        await context.close();
        expect(all).toEqual([]);
      }, 240_000);
    }
  });
}
