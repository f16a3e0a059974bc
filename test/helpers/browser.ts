// Debian's Chromium through playwright-core for the browser tests: one headless browser per test
// file, a fresh profile in a temp folder. Never downloads a browser; never leaves loopback.
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** The system Chromium (Debian package `chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

export interface TestBrowser {
  browser: Browser;
  /** A new isolated context (own cookies and storage); closed by close(). */
  context(opts?: BrowserContextOptions): Promise<BrowserContext>;
  /**
   * A page in a new context, with dialogs recorded (and dismissed), uncaught page errors collected, and
   * console errors collected (CSP violations show there as "Refused to ...").
   */
  page(opts?: BrowserContextOptions): Promise<{ page: Page; context: BrowserContext; dialogs: string[]; errors: string[]; console: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile. playwright-core refuses `--user-data-dir` in `args`
 * (it wants launchPersistentContext, which allows one context only); launch() itself passes
 * `--user-data-dir` with a new temp folder it deletes on close, which is the same fresh profile.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  const context = async (opts: BrowserContextOptions = {}) => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', ...opts });
    contexts.push(c);
    return c;
  };
  return {
    browser,
    context,
    async page(opts) {
      const c = await context(opts);
      const page = await c.newPage();
      const dialogs: string[] = [];
      const errors: string[] = [];
      const consoleErrors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); void d.dismiss().catch(() => undefined); });
      page.on('pageerror', (e) => errors.push(e.message));
      return { page, context: c, dialogs, errors, console: consoleErrors };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}
