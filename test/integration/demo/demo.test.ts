// The embedded default: `ixmeter demo` from a clean folder runs a simulated switch (a real SNMP
// agent), the real collector and the real dashboard; the API shows traffic, a 95th percentile,
// savings and a port down after two live polls, and the overview page renders.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort } from '../../helpers/ports.ts';
import { startProc, waitFor, type Proc } from '../../helpers/proc.ts';
import { launchBrowser } from '../../helpers/browser.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

describe('ixmeter demo (the embedded default)', () => {
  let dir: string;
  let port: number;
  let proc: Proc;
  let base: string;
  let cookie = '';

  const api = async (p: string) => {
    const r = await fetch(`${base}${p}`, { headers: cookie ? { cookie } : {} });
    expect(r.status, `${p}: ${r.status}`).toBe(200);
    return r.json() as Promise<Record<string, any>>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ixm-demo-'));
    port = await freeTcpPort();
    base = `http://127.0.0.1:${port}`;
    // A clean folder as the working directory: no config file there, so `start` runs the demo.
    proc = startProc(process.execPath, [path.join(ROOT, 'bin/ixmeter.mjs'), 'start'], {
      cwd: dir, env: { ...process.env, PORT: String(port), IXMETER_DEMO_DIR: '' },
    });
    await waitFor('the demo to listen', () => {
      if (proc.child.exitCode !== null) throw new Error(`demo exited ${proc.child.exitCode}: ${proc.output()}`);
      return proc.output().includes('ixmeter demo is running');
    }, 240_000, 250);
  }, 300_000);

  afterAll(async () => {
    await proc?.stop('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the address and the demo logins, and keeps its store in the folder', () => {
    const out = proc.output();
    expect(out).toContain(`:${port}/`);
    expect(out).toMatch(/operator, reporter, member/);
    expect(existsSync(path.join(dir, '.demo', 'ixmeter.db'))).toBe(true);
  });

  it('after two live polls the API reports traffic, a 95th percentile, savings and a port down', async () => {
    const login = await fetch(`${base}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: 'demo' }),
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect(cookie).toMatch(/=/);

    const first = await api('/api/ixps/demo/now');
    const seen = new Set<number>();
    await waitFor('two live polls', async () => {
      const now = await api('/api/ixps/demo/now');
      const t = now.collectors[0]?.lastPoll;
      if (t && t > Date.now() - 60_000) seen.add(t);
      return seen.size >= 2 ? now : undefined;
    }, 60_000, 1000);
    const now = await api('/api/ixps/demo/now');
    expect(now.simulated).toBe(true);
    expect(now.stale).toBe(false);
    expect(now.inBps).toBeGreaterThan(0);
    expect(now.outBps).toBeGreaterThan(0);
    expect(now.portsTotal).toBe(12);
    expect(now.portsUp).toBe(11);
    expect(now.t).toBeGreaterThanOrEqual(first.t ?? 0);

    const summary = await api('/api/ixps/demo/summary');
    expect(summary.p95.mbps).toBeGreaterThan(0);
    expect(summary.transitSaved).toBeGreaterThan(0);
    expect(summary.netSaved).toBeLessThan(summary.transitSaved);
    expect(summary.localContentShare).toBeGreaterThan(0);
    expect(summary.localContentShare).toBeLessThan(1);
    expect(summary.coverage).toBeGreaterThan(0.5);
  });

  it('serves the monthly impact report to the operator, and refuses members and nobody', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const r = await fetch(`${base}/api/ixps/demo/report?month=${month}&format=json`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const report = await r.json();
    expect(report.ixp.transitSaved).toBeGreaterThan(0);
    expect(report.ixp.p95Mbps).toBeGreaterThan(0);
    expect(report.currency).toBe('USD');
    expect(report.members.length).toBeGreaterThan(5);
    const csv = await fetch(`${base}/api/ixps/demo/report?month=${month}&format=csv&lang=fr`, { headers: { cookie } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n').length).toBeGreaterThan(5);
    const bad = await fetch(`${base}/api/ixps/demo/report?format=docx`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/format/);
    expect((await fetch(`${base}/api/ixps/demo/report`)).status).toBe(401);
    const login = await fetch(`${base}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'member', password: 'demo' }),
    });
    const memberCookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await fetch(`${base}/api/ixps/demo/report`, { headers: { cookie: memberCookie } })).status).toBe(403);
  });

  it('the overview page renders its chart with data (screenshot saved)', async () => {
    const b = await launchBrowser();
    try {
      const { page, errors } = await b.page();
      await page.goto(`${base}/`);
      // charts.ts writes the chart's count of non-zero points on its canvas once drawn.
      const canvas = page.getByTestId('chart-traffic');
      await page.waitForFunction(() => Number((document.querySelector('[data-testid="chart-traffic"]') as HTMLElement | null)?.dataset.points ?? 0) > 0, undefined, { timeout: 30_000 });
      expect(Number(await canvas.getAttribute('data-points'))).toBeGreaterThan(100);
      await page.waitForTimeout(300);
      const text = await page.textContent('body');
      expect(text).toMatch(/demo/i);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'demo-overview.png'), fullPage: true });
      // The chart drew something: some canvas pixels are not transparent.
      const painted = await page.evaluate(() => {
        const c = document.querySelector('[data-testid="chart-traffic"]') as HTMLCanvasElement | null;
        if (!c) return 0;
        const ctx = c.getContext('2d');
        if (!ctx) return 0;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
      expect(painted).toBeGreaterThan(1000);
      expect(errors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
