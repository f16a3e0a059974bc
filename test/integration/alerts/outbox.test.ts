// The alerts component end to end on real parts: SQLite outbox in a temp file, a real HTTP receiver on
// loopback, a real serial modem (socat pty + AT responder). Receiver or modem down, restart, then delivered once.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import Database from 'better-sqlite3';
import { createAlerts, type Alerts } from '../../../collector/alerts/index.ts';
import { alertsDefaults, type AlertsConfig } from '../../../collector/alerts/config.ts';
import { freeTcpPort } from '../../helpers/ports.ts';
import { startPtyPair, startAtModem, type AtModem, type PtyPair } from './pty-modem.ts';

let dir: string;
let clock = Date.UTC(2026, 10, 29, 12, 0, 0);
const now = () => clock;

interface Receiver { url: string; bodies: Record<string, unknown>[]; close(): Promise<void> }
function startReceiver(port: number, status = 200): Promise<Receiver> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (d) => { b += d; });
    req.on('end', () => {
      if (req.headers['content-type'] === 'application/json') bodies.push(JSON.parse(b));
      res.statusCode = status;
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${port}/hooks/abc`, bodies,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  })));
}

function config(channels: AlertsConfig['channels']): { alerts: AlertsConfig; ixp: { id: string; name: string } } {
  return { alerts: { ...alertsDefaults(), pendingPolls: 2, channels }, ixp: { id: 'mvix', name: 'MVIX' } };
}

function unreachable(a: Alerts, polls = 2) {
  for (let i = 0; i < polls; i++) {
    clock += 60_000;
    a.onPoll({ switch: 'sw1', t: clock, ok: false, error: 'timeout' }, null, null);
  }
}

const outbox = (db: Database.Database) => db.prepare('SELECT channel, recipient, status, attempts, last_error FROM alert_outbox ORDER BY id').all() as { channel: string; recipient: string; status: string; attempts: number; last_error: string | null }[];

beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'ixm-alerts-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe('alerts outbox', () => {
  it('webhook receiver down, collector restarts, receiver up: the alert arrives exactly once', async () => {
    const port = await freeTcpPort();
    const url = `http://127.0.0.1:${port}/hooks/abc`;
    const file = path.join(dir, 'store.db');
    const cfg = config({ log: { enabled: false }, webhook: { url, timeout: 2, retries: 1 } });

    let db = new Database(file);
    let a = createAlerts(cfg, { db, now });
    a.start();
    unreachable(a, 1);
    await a.flush();
    expect(outbox(db)).toEqual([]); // pending, not yet firing
    unreachable(a, 1);
    await a.flush();
    let rows = outbox(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'webhook', status: 'pending', attempts: 1 });
    expect(rows[0].last_error).toMatch(/^webhook http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED after 2 attempt/);
    expect(rows[0].last_error).not.toContain('/hooks/abc'); // URL paths can hold tokens
    await a.stop();
    db.close();

    const rx = await startReceiver(port);
    try {
      db = new Database(file);
      a = createAlerts(cfg, { db, now });
      a.start();
      await a.flush();
      expect(rx.bodies).toHaveLength(0); // its retry is not due yet
      clock += 11 * 60_000;
      await a.flush();
      await a.flush();
      expect(rx.bodies).toHaveLength(1);
      expect(rx.bodies[0]).toMatchObject({ kind: 'firing', rule: 'unreachable', switch: 'sw1', state: 'UNREACHABLE', ixp: 'MVIX', text: 'MVIX: UNREACHABLE sw1: cannot poll: timeout' });
      expect(outbox(db)[0].status).toBe('sent');
      // The state survived the restart too: still firing, so no second alarm; recovery sends one message.
      unreachable(a, 3);
      clock += 60_000;
      a.onPoll({ switch: 'sw1', t: clock, ok: true }, null, null);
      await a.flush();
      expect(rx.bodies.map((b) => b.text)).toEqual(['MVIX: UNREACHABLE sw1: cannot poll: timeout', 'MVIX: OK sw1: switch reachable again']);
      await a.stop();
      db.close();
    } finally {
      await rx.close();
    }
  });

  it('a 4xx answer parks the message instead of retrying it', async () => {
    const port = await freeTcpPort();
    const rx = await startReceiver(port, 400);
    const db = new Database(path.join(dir, 'store.db'));
    const a = createAlerts(config({ log: { enabled: false }, webhook: { url: rx.url, timeout: 2, retries: 3 } }), { db, now });
    try {
      a.start();
      unreachable(a, 2);
      await a.flush();
      clock += 3600_000;
      await a.flush();
      expect(rx.bodies).toHaveLength(1);
      expect(outbox(db)[0]).toMatchObject({ status: 'failed', last_error: `webhook http://127.0.0.1:${port}: HTTP 400 (not retried)` });
    } finally {
      await a.stop();
      db.close();
      await rx.close();
    }
  });

  it('SMS goes out while the webhook is down; a silent modem keeps its message in the outbox across a restart', async () => {
    const pty: PtyPair = await startPtyPair(dir);
    let responder: AtModem | null = null;
    const file = path.join(dir, 'store.db');
    const cfgFor = (timeout: number) => config({
      log: { enabled: true },
      webhook: { url: `http://127.0.0.1:${1}/down`, timeout: 1, retries: 0 },
      sms: { device: pty.device, baud: 115200, recipients: ['+9607771234', '+9607775678'], timeout, retries: 0, pin: { env: 'TEST_SIM_PIN' } },
    });
    const env = { TEST_SIM_PIN: '1111' };
    try {
      // 1. Nobody answers on the modem line.
      let db = new Database(file);
      let a = createAlerts(cfgFor(0.3), { db, now, env });
      a.start();
      unreachable(a, 2);
      await a.flush();
      const rows = outbox(db);
      expect(rows.map((r) => [r.channel, r.recipient, r.status])).toEqual([
        ['log', '', 'sent'], ['webhook', '', 'pending'], ['sms', '+9607771234', 'pending'], ['sms', '+9607775678', 'pending'],
      ]);
      expect(rows[2].last_error).toBe(`modem ${pty.device}: AT: no answer within 0.3 s`);
      expect(a.health()).toEqual([
        { channel: 'log', pending: 0, oldestAgeSeconds: null, lastError: null },
        { channel: 'webhook', pending: 1, oldestAgeSeconds: 0, lastError: expect.stringMatching(/^webhook http:\/\/127\.0\.0\.1:1: /) },
        { channel: 'sms', pending: 2, oldestAgeSeconds: 0, lastError: `modem ${pty.device}: AT: no answer within 0.3 s` },
      ]);
      await a.stop();
      db.close();

      // 2. Restart with a working modem (PIN asked): both SMS go out, the webhook stays pending.
      responder = await startAtModem(pty.other, { pin: '1111' });
      db = new Database(file);
      a = createAlerts(cfgFor(2), { db, now, env });
      a.start();
      clock += 11 * 60_000;
      await a.flush();
      expect(responder.messages).toEqual([
        { to: '+9607771234', text: 'MVIX: UNREACHABLE sw1: cannot poll: timeout' },
        { to: '+9607775678', text: 'MVIX: UNREACHABLE sw1: cannot poll: timeout' },
      ]);
      expect(outbox(db).map((r) => r.status)).toEqual(['sent', 'pending', 'sent', 'sent']);
      expect(await a.modemStatus()).toEqual({ registered: true, signal: 17 });
      await a.stop();
      db.close();
    } finally {
      await responder?.stop();
      await pty.stop();
    }
  });
});
