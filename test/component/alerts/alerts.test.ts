// createAlerts fed with Samples and rates: port down/up, member and exchange traffic collapse against the
// store's hourly rollups (real SQLite with the store's schema), sustained utilisation. Messages caught by a test channel.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../collector/store/sqlite.ts';
import { createAlerts, type Alerts, type Channel } from '../../../collector/alerts/index.ts';
import { alertsDefaults } from '../../../collector/alerts/config.ts';
import type { AlertMessage } from '../../../collector/alerts/message.ts';
import type { Sample, IfSample, PortRate, RateResult } from '../../../collector/rates/types.ts';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const T0 = Date.UTC(2026, 10, 23, 14, 0, 0);

let db: Database.Database;
let sent: AlertMessage[];
let alerts: Alerts;
let clock = T0;

const channel: Channel = {
  name: 'log', recipients: () => [''],
  async send(m) { sent.push(m); },
  close: async () => {},
};

function iface(ifIndex: number, name: string, alias: string, operStatus = 1): IfSample {
  return { ifIndex, name, descr: name, alias, speedMbps: 1000, operStatus, adminStatus: 1, ifType: 6, hc: true, inOctets: 0n, outOctets: 0n, inPkts: 0n, outPkts: 0n, pktsHc: true, inErrors: 0n, outErrors: 0n, inDiscards: 0n, outDiscards: 0n, discontinuityTime: null };
}
function rate(ifIndex: number, name: string, inBps: number, outBps: number, util = 0.1): PortRate {
  return { ifIndex, name, alias: '', time: clock, interval: 60, inBps, outBps, inPps: 0, outPps: 0, inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0, utilIn: util, utilOut: util, operUp: true, speedMbps: 1000, inOctets: null, outOctets: null };
}

/** One poll of sw1: e1 = AS65001, e2 = AS65002. */
function poll(o: { e1Bps: number; e2Bps: number; e1Oper?: number; util?: number }) {
  clock += 60_000;
  const sample: Sample = { switch: 'sw1', time: clock, mono: clock, sysUpTime: 1000, interfaces: [iface(1, 'e1', 'AS65001 Raajje', o.e1Oper ?? 1), iface(2, 'e2', 'AS65002 Ooredoo'), iface(3, 'e3', '')] };
  const result: RateResult = { rates: [rate(1, 'e1', o.e1Bps / 2, o.e1Bps / 2, o.util), rate(2, 'e2', o.e2Bps / 2, o.e2Bps / 2), rate(3, 'e3', 0, 0)], gaps: [] };
  alerts.onPoll({ switch: 'sw1', t: clock, ok: true }, sample, result);
}

beforeEach(() => {
  clock = T0;
  sent = [];
  db = new Database(':memory:');
  migrate(db); // the store's schema
  const port = db.prepare('INSERT INTO ports (switch, if_index, name, alias, first_seen, last_seen) VALUES (?, ?, ?, ?, 0, 0)');
  port.run('sw1', 1, 'e1', 'AS65001 Raajje');
  port.run('sw1', 2, 'e2', 'AS65002 Ooredoo');
  const roll = db.prepare('INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, coverage) VALUES (?, ?, ?, ?, ?, 1)');
  for (let k = 1; k <= 4; k++) {
    const hour = Math.floor((T0 + HOUR / 2) / HOUR) * HOUR - k * WEEK;
    roll.run(1, 3600, hour, 100e6, 100e6); // AS65001: 200 Mb/s usually, in hourly rollups
    for (let m = 0; m < 12; m++) roll.run(2, 300, hour + m * 300_000, 150e6, 150e6); // AS65002: 300 Mb/s, only 5-minute rollups
  }
  const cfg = alertsDefaults();
  cfg.pendingPolls = 2;
  cfg.rules.utilisation.sustained = 240;
  const memberForPort = (_sw: string, p: string) => (p === 'e1' ? { asn: 65001, name: 'Raajje' } : p === 'e2' ? { asn: 65002, name: 'Ooredoo' } : undefined);
  alerts = createAlerts({ alerts: cfg, ixp: { id: 'mvix', name: 'MVIX' } }, { db, now: () => clock, channels: [channel], memberForPort });
  alerts.start();
});
afterEach(async () => {
  await alerts.stop();
  db.close();
});

describe('alerts on polls', () => {
  it('normal traffic raises nothing', async () => {
    for (let i = 0; i < 5; i++) poll({ e1Bps: 180e6, e2Bps: 290e6 });
    await alerts.flush();
    expect(sent).toEqual([]);
  });

  it('a member whose traffic collapsed against the same hour of previous weeks', async () => {
    for (let i = 0; i < 3; i++) poll({ e1Bps: 20e6, e2Bps: 290e6 });
    poll({ e1Bps: 190e6, e2Bps: 290e6 });
    await alerts.flush();
    expect(sent.map((m) => m.text)).toEqual([
      'MVIX: LOW (AS65001 Raajje): traffic 20Mb/s vs 200Mb/s usual',
      'MVIX: OK (AS65001 Raajje): member-collapse back to normal',
    ]);
  });

  it('the whole exchange collapsing fires both member alerts and the exchange alert (baseline from 5-minute rollups too)', async () => {
    for (let i = 0; i < 2; i++) poll({ e1Bps: 1e6, e2Bps: 1e6 });
    await alerts.flush();
    expect(sent.map((m) => m.key).sort()).toEqual(['exchange-collapse', 'member-collapse|AS65001 Raajje', 'member-collapse|AS65002 Ooredoo']);
    expect(sent.find((m) => m.key === 'exchange-collapse')?.text).toBe('MVIX: LOW: exchange traffic 1.0Mb/s vs 250Mb/s usual');
  });

  it('port down after the pending polls, one recovery; an unaliased port is not watched', async () => {
    poll({ e1Bps: 180e6, e2Bps: 290e6, e1Oper: 2 });
    await alerts.flush();
    expect(sent).toEqual([]);
    poll({ e1Bps: 180e6, e2Bps: 290e6, e1Oper: 2 });
    poll({ e1Bps: 180e6, e2Bps: 290e6, e1Oper: 2 });
    poll({ e1Bps: 180e6, e2Bps: 290e6 });
    poll({ e1Bps: 180e6, e2Bps: 290e6 });
    await alerts.flush();
    expect(sent.map((m) => m.text)).toEqual(['MVIX: DOWN sw1 e1 (AS65001 Raajje): port down', 'MVIX: UP sw1 e1 (AS65001 Raajje): port back up']);
    expect(alerts.states().size).toBe(0);
  });

  it('utilisation fires only once it was sustained', async () => {
    for (let i = 0; i < 4; i++) poll({ e1Bps: 180e6, e2Bps: 290e6, util: 0.95 });
    await alerts.flush();
    expect(sent).toEqual([]); // 4 polls = 180 s since the first: not yet 240 s
    poll({ e1Bps: 180e6, e2Bps: 290e6, util: 0.95 });
    await alerts.flush();
    expect(sent.map((m) => m.text)).toEqual(['MVIX: HIGH sw1 e1 (AS65001 Raajje): utilisation 95% > 90%']);
  });
});

describe('outbox expiry', () => {
  it('a message its channel could not deliver within maxAge is given up (status failed), the others still go', async () => {
    const db2 = new Database(':memory:');
    const got: string[] = [];
    let smsUp = false;
    const sms: Channel = {
      name: 'sms', recipients: () => ['+9607771234'],
      async send(m) { if (!smsUp) throw new Error('modem gone'); got.push(m.text); },
      close: async () => {},
    };
    const cfg = alertsDefaults();
    cfg.pendingPolls = 1;
    cfg.maxAge = 3600;
    const a = createAlerts({ alerts: cfg, ixp: { id: 'mvix', name: 'MVIX' } }, { db: db2, now: () => clock, channels: [channel, sms] });
    a.start();
    try {
      clock += 60_000;
      a.onPoll({ switch: 'sw9', t: clock, ok: false, error: 'timeout' }, null, null);
      await a.flush();
      expect(sent.map((m) => m.key)).toEqual(['unreachable|sw9']); // the log channel delivered at once
      clock += 3601_000;
      smsUp = true;
      await a.flush();
      expect(got).toEqual([]);
      const rows = db2.prepare('SELECT channel, status, last_error FROM alert_outbox ORDER BY id').all();
      expect(rows).toEqual([
        { channel: 'log', status: 'sent', last_error: null },
        { channel: 'sms', status: 'failed', last_error: 'modem gone (given up: too old)' },
      ]);
    } finally {
      await a.stop();
      db2.close();
    }
  });
});
