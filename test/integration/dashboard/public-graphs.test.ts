// The website images: /graphs/:ixp/traffic-{day,week,month,year}.{svg,png} over a real SQLite store, fetched without
// login for a public IXP and refused (404) for a private one; under 30 KB, no script and no external reference
// inside, and they render in Chromium embedded as <img> from another origin under a strict CSP (screenshots kept).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { IXP, MEMBERS, writeFixture } from '../../e2e/fixture.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { createApp } from '../../../dashboard/server/app.ts';
import { createUserStore, saveUsers } from '../../../dashboard/server/users.ts';
import { renderGraphSvg } from '../../../dashboard/server/graph-image.ts';
import { freeTcpPort } from '../../helpers/ports.ts';
import { launchBrowser, type TestBrowser } from '../../helpers/browser.ts';

const ARTIFACTS = path.resolve('test-artifacts/graphs');
const EVIL_NAME = 'Test <IX> & "Co" <script>alert(1)</script>';

let dir: string;
let db: Database.Database;
let server: Server;
let page: Server;
let base: string;
let pageBase: string;
let browser: TestBrowser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-graphs-'));
  const storeFile = path.join(dir, 'store.db');
  await writeFixture(storeFile, Date.now(), 8);
  db = new Database(storeFile, { readonly: true, fileMustExist: true });
  const service = createService({
    reader: createSqliteReader(db),
    ixps: [
      { ixp: { ...IXP, name: EVIL_NAME }, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 },
      { ixp: { ...IXP, id: 'pix', name: 'Private IX', public: false }, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 },
    ],
  });
  const usersFile = path.join(dir, 'users.json');
  saveUsers(usersFile, []);
  const app = createApp({ service, users: createUserStore(usersFile), readerKind: 'sqlite' });
  const port = await freeTcpPort();
  server = await new Promise<Server>((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${port}`;
  // "The IXP's website": another origin (localhost vs 127.0.0.1) embedding the images, with a CSP of its own.
  const pagePort = await freeTcpPort();
  page = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', `default-src 'none'; img-src http://127.0.0.1:${port}`);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    const lang = new URL(req.url ?? '/', 'http://x').searchParams.get('lang') ?? 'en';
    res.end(`<!doctype html><title>IXP site</title><body>${['day', 'week', 'month', 'year'].map((s) => `<img id="${s}" src="http://127.0.0.1:${port}/graphs/tix/traffic-${s}.svg?lang=${lang}" width="720" height="316">`).join('')}<img id="png" src="http://127.0.0.1:${port}/graphs/tix/traffic-day.png"></body>`);
  });
  await new Promise<void>((resolve) => page.listen(pagePort, '127.0.0.1', () => resolve()));
  pageBase = `http://localhost:${pagePort}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([server, page].map((s) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))));
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('public graph images', () => {
  it('are served without login for a public IXP: cacheable, embeddable, under 30 KB, no script or external reference', async () => {
    const sizes: string[] = [];
    for (const span of ['day', 'week', 'month', 'year']) {
      const res = await fetch(`${base}/graphs/tix/traffic-${span}.svg`);
      expect(res.status, span).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      const svg = await res.text();
      sizes.push(`${span} ${svg.length} B`);
      expect(svg.length, span).toBeLessThan(30_000);
      expect(svg).not.toMatch(/<script|<style|<foreignObject|<image|href=|url\(|on[a-z]+=/i);
      expect(svg.match(/http[s]?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg']);
      // The IXP's name is escaped, the method and the time are on the image.
      expect(svg).toContain('Test &lt;IX&gt; &amp; &quot;Co&quot; &lt;script&gt;');
      expect(svg).toContain('Sum of member ports');
      expect(svg).toMatch(/Coverage \d/);
      expect(svg).toContain('(Indian/Maldives)');
      expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+L/); // a drawn series
    }
    const png = await fetch(`${base}/graphs/tix/traffic-week.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const buf = Buffer.from(await png.arrayBuffer());
    expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(buf.readUInt32BE(16)).toBe(720); // IHDR width
    expect(buf.length).toBeLessThan(30_000);
    writeFileSync(path.join(ARTIFACTS, 'traffic-week.png'), buf);
    sizes.push(`week.png ${buf.length} B`);
    console.log(`image sizes: ${sizes.join(', ')}`);
  });

  it('are 404 for a private IXP and an unknown one, and a bad language is a 400 naming it', async () => {
    for (const u of ['/graphs/pix/traffic-day.svg', '/graphs/pix/traffic-day.png', '/graphs/nope/traffic-day.svg', '/graphs/tix/traffic-hour.svg']) {
      expect((await fetch(base + u)).status, u).toBe(404);
    }
    const bad = await fetch(`${base}/graphs/tix/traffic-day.svg?lang=de`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^lang: one of en, fr, pt/);
  });

  it('speak the language asked for, with the time axis in the IXP time zone', async () => {
    const fr = await (await fetch(`${base}/graphs/tix/traffic-week.svg?lang=fr`)).text();
    expect(fr).toContain('7 derniers jours');
    expect(fr).toContain('Somme des ports des membres');
    expect(fr).toMatch(/>(lun|mar|mer|jeu|ven|sam|dim)\.? \d+</);
    // Pure renderer: a day from 00:00 Malé time has its 03:00 tick at 22:00 UTC the day before.
    const from = Date.UTC(2026, 5, 1) - 5 * 3_600_000;
    const t = Array.from({ length: 288 }, (_, i) => from + i * 300_000);
    const svg = renderGraphSvg({ ixp: 'x', period: { from, to: from + 86_400_000, preset: '24h', timezone: 'Indian/Maldives' }, step: 300, source: { kind: 'rollup', resolution: 300 }, t, inBps: t.map(() => 1e9), outBps: t.map((_, i) => (i < 100 ? null : 5e8)) },
      { ixpName: 'X', timezone: 'Indian/Maldives', span: 'day', lang: 'en', now: from + 86_400_000 });
    expect(svg).toContain('>03:00<');
    expect(svg).toContain('Coverage 100%');
    expect(svg).toContain('Max 1 Gbit/s');
  });

  it('render in Chromium embedded in another site with a strict CSP (screenshot kept)', async () => {
    for (const lang of ['en', 'pt']) {
      const { page: p, errors, console: cons } = await browser.page();
      await p.goto(`${pageBase}/?lang=${lang}`);
      await p.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
      const sizes = await p.evaluate(() => Array.from(document.images).map((i) => [i.id, i.naturalWidth, i.naturalHeight]));
      expect(sizes).toEqual([['day', 720, 316], ['week', 720, 316], ['month', 720, 316], ['year', 720, 316], ['png', 720, 316]]);
      await p.screenshot({ path: path.join(ARTIFACTS, `embedded-${lang}.png`), fullPage: true });
      // Pixels: the day image is not blank (the filled in-series is green).
      const green = await p.evaluate(async () => {
        const img = document.getElementById('day') as HTMLImageElement;
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        try {
          const d = g.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 1]! > d[i]! + 40 && d[i + 1]! > d[i + 2]! + 40) n++;
          return n;
        } catch { return -1; } // a cross-origin image taints the canvas: counted from the screenshot instead
      });
      expect(green === -1 || green > 1000).toBe(true);
      expect(errors).toEqual([]);
      expect(cons.filter((c) => /Refused|CSP|blocked/i.test(c))).toEqual([]);
    }
  });
});
