// `ixmeter alerts test` as a user runs it: a real HTTP receiver on loopback, and a real pty modem.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { freeTcpPort } from '../../helpers/ports.ts';
import { startPtyPair, startAtModem } from './pty-modem.ts';
import { main } from '../../../cli/index.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'ixm-alerts-cli-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/ixmeter.mjs', 'alerts', ...args], { cwd: process.cwd(), env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The same CLI in this process (spawning node + tsx costs seconds on a loaded machine). */
async function cliInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((d) => { stdout += String(d); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((d) => { stderr += String(d); return true; });
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(['alerts', ...args]);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  }
}

function writeConfig(name: string, alerts: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `ixp: {id: mvix, name: MVIX}\nlog: {level: error}\nalerts:\n${alerts}`);
  return file;
}

describe('ixmeter alerts test', () => {
  it('webhook: delivered (exit 0, the real command), then receiver gone (exit 1, one clear line)', async () => {
    const port = await freeTcpPort();
    const bodies: { text: string }[] = [];
    const server = http.createServer((req, res) => { let b = ''; req.on('data', (d) => { b += d; }); req.on('end', () => { bodies.push(JSON.parse(b)); res.end(); }); });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    const file = writeConfig('wh.yaml', `  channels:\n    webhook: {url: "http://127.0.0.1:${port}/t0ken", timeout: 2, retries: 0}\n`);
    try {
      const ok = await cli(['test', '--channel', 'webhook', '--config', file]);
      expect(ok.stdout).toBe('ok: test alert sent via webhook\n');
      expect(ok.code).toBe(0);
      expect(bodies).toHaveLength(1);
      expect(bodies[0].text).toMatch(/^MVIX: TEST ixmeter webhook alert channel works/);
    } finally {
      await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
    }
    const down = await cliInProcess(['test', '--channel', 'webhook', '--config', file]);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`ixmeter alerts: test alert NOT delivered:\n  webhook: webhook http://127.0.0.1:${port}: ECONNREFUSED after 1 attempt(s)\n`);
  });

  it('sms through a pty modem, PIN from the environment; a channel that is not configured is exit 2', async () => {
    const pty = await startPtyPair(dir);
    const responder = await startAtModem(pty.other, { pin: '2468' });
    try {
      const file = writeConfig('sms.yaml', `  channels:\n    sms: {device: "${pty.device}", recipients: ["+9607771234"], pin: {env: SIM_PIN}, timeout: 2}\n`);
      const r = await cliInProcess(['test', '--channel', 'sms', '--config', file, '--to', '+9607770000'], { SIM_PIN: '2468' });
      expect(r.stdout).toBe('ok: test alert sent via sms to +9607770000\n');
      expect(r.code).toBe(0);
      expect(responder.messages).toHaveLength(1);
      expect(responder.messages[0].to).toBe('+9607770000');
      expect(responder.messages[0].text).toMatch(/^MVIX: TEST ixmeter sms alert channel works/);
      const none = await cliInProcess(['test', '--channel', 'webhook', '--config', file]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('no webhook configured (alerts.channels.webhook.url)');
      const bad = await cliInProcess(['test', '--channel', 'pigeon', '--config', file]);
      expect(bad.code).toBe(2);
    } finally {
      await responder.stop();
      await pty.stop();
    }
  });
});
