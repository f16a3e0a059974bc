// The capacity rule over a real SQLite store (the store's migrations): months of 5-minute rollups of a growing
// member port, a slow one and a flat trunk; the alert fires for the port whose forecast comes within 60 days only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { alertsDefaults } from '../../../collector/alerts/config.ts';
import { createAlerts, type Alerts } from '../../../collector/alerts/index.ts';
import { evaluateCapacity } from '../../../collector/alerts/capacity.ts';
import { forecastCrossing } from '../../../collector/figures/forecast.ts';
import { saveRoles } from '../../../collector/members/roleStore.ts';
import type { Channel } from '../../../collector/alerts/channel.ts';
import type { AlertMessage } from '../../../collector/alerts/message.ts';

/** 3 November 2026: August, September and October are finished; November has two days (too little to use). */
const T0 = Date.UTC(2026, 10, 3);
const MONTHS = [[2026, 7], [2026, 8], [2026, 9], [2026, 10]] as const;

let dir: string;
let store: Store;
let alerts: Alerts;
let sent: AlertMessage[];
const channel: Channel = { name: 'log', recipients: () => [''], async send(m) { sent.push(m); }, close: async () => {} };

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-capacity-'));
  store = createStore({ path: path.join(dir, 'store.db'), retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } });
  store.open();
  const db = store.db;
  const port = db.prepare('INSERT INTO ports (switch, if_index, name, alias, speed_mbps, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id');
  const fast = (port.get('sw1', 1, 'Ethernet1', 'AS65001 Raajje Online', 10_000, T0) as { id: number }).id;
  const slow = (port.get('sw1', 2, 'Ethernet2', 'AS65002 Dhiraagu', 10_000, T0) as { id: number }).id;
  const trunk = (port.get('sw1', 49, 'Ethernet49', '', 100_000, T0) as { id: number }).id;
  saveRoles(db, 'sw1', [{ switch: 'sw1', port: 'Ethernet49', role: 'trunk', lag: null, counted: null, peer: null, why: 'roles.trunk "^Ethernet49$"' }], T0);
  const roll = db.prepare('INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, coverage) VALUES (?, 300, ?, ?, ?, 1)');
  // Growing 25 % a month: 40 %, 50 %, 62.5 % of 10G in Aug–Oct (out direction; in is a third of it).
  const fastUtil = [0.4, 0.5, 0.625, 0.78];
  const slowUtil = [0.2, 0.202, 0.204, 0.206];
  db.transaction(() => {
    MONTHS.forEach(([y, m], k) => {
      const from = Date.UTC(y, m, 1);
      const to = k === 3 ? T0 : Date.UTC(y, m + 1, 1);
      for (let t = from; t < to; t += 300_000) {
        roll.run(fast, t, fastUtil[k]! * 10e9 / 3, fastUtil[k]! * 10e9);
        roll.run(slow, t, slowUtil[k]! * 10e9, slowUtil[k]! * 10e9 / 2);
        roll.run(trunk, t, 0.3 * 100e9, 0.3 * 100e9);
      }
    });
  })();
  sent = [];
  const cfg = alertsDefaults();
  cfg.pendingPolls = 1;
  const memberForPort = (_sw: string, p: string) => (p === 'Ethernet1' ? { asn: 65001, name: 'Raajje Online' } : p === 'Ethernet2' ? { asn: 65002, name: 'Dhiraagu' } : undefined);
  alerts = createAlerts({ alerts: cfg, ixp: { id: 'mvix', name: 'MVIX' } }, { db, now: () => T0, channels: [channel], memberForPort });
  alerts.start();
});
afterEach(async () => {
  await alerts.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('capacity alert', () => {
  it('fires for the port reaching 80 % within 60 days, not for the slow port or the flat trunk', async () => {
    // One poll a minute; the history is read one month per evaluation, so the first polls see only part of it.
    for (let i = 0; i < 16; i++) alerts.onPoll({ switch: 'sw1', t: T0 + i * 60_000, ok: true }, null, null);
    await alerts.flush();
    const cap = sent.filter((m) => m.rule === 'capacity');
    expect(cap.map((m) => [m.port, m.member])).toEqual([['Ethernet1', 'AS65001 Raajje Online']]);
    // 62.5 % in mid-October growing 25 %/month: 80 % log(1.28)/log(1.25) = 1.106 months later, in November.
    expect(cap[0]!.detail).toMatch(/^80% around 2026-11 \(2026-11\.\.2026-11\), P95 63%, \+25%\/mo$/);
    expect(cap[0]!.text.length).toBeLessThanOrEqual(160);
    const states = alerts.states();
    expect(states.get('capacity|sw1|Ethernet1')?.status).toBe('FIRING');
    expect(states.has('capacity|sw1|Ethernet2')).toBe(false);
    expect(states.has('capacity|sw1|Ethernet49')).toBe(false);
  });
});

describe('evaluateCapacity (truth table)', () => {
  const rule = { enabled: true, threshold: 0.8, withinDays: 60 };
  const f = (utils: number[]) => forecastCrossing(utils.map((util, i) => ({ month: `2026-0${i + 1}`, util, coverage: 1 })));
  it('over → bad; within the warning time → bad; further → ok; no history → no verdict', () => {
    const t = Date.UTC(2026, 3, 1);
    const ports = [
      { switch: 's', port: 'over', speedMbps: 1, forecast: f([0.5, 0.7, 0.9]) },
      { switch: 's', port: 'soon', speedMbps: 1, forecast: f([0.1, 0.2, 0.4]) }, // mid-April
      { switch: 's', port: 'later', speedMbps: 1, forecast: f([0.1, 0.11, 0.121]) }, // +10 %/month: ~22 months
      { switch: 's', port: 'short', speedMbps: 1, forecast: f([0.1, 0.2]) },
      { switch: 's', port: 'flat', speedMbps: 1, forecast: f([0.3, 0.3, 0.3]) },
    ];
    expect(evaluateCapacity(ports, rule, t).map((x) => [x.port, x.bad])).toEqual([['over', true], ['soon', true], ['later', false], ['short', null], ['flat', false]]);
    expect(evaluateCapacity(ports, { ...rule, enabled: false }, t)).toEqual([]);
    expect(evaluateCapacity(ports.slice(1, 2), { ...rule, withinDays: 10 }, t)[0]!.bad).toBe(false);
  });
});

describe('port-down on the IXP\'s own ports', () => {
  it('a trunk without ifAlias or member is watched like a member port', async () => {
    const iface = (ifIndex: number, name: string, operStatus: number) => ({ ifIndex, name, descr: name, alias: '', speedMbps: 100_000, operStatus, adminStatus: 1, ifType: 6, hc: true, inOctets: 0n, outOctets: 0n, inPkts: 0n, outPkts: 0n, pktsHc: true, inErrors: 0n, outErrors: 0n, inDiscards: 0n, outDiscards: 0n, discontinuityTime: null });
    const sample = { switch: 'sw1', time: T0, mono: 0, sysUpTime: 100, interfaces: [iface(49, 'Ethernet49', 2), iface(50, 'Ethernet50', 2)] };
    alerts.onPoll({ switch: 'sw1', t: T0, ok: true }, sample, null);
    await alerts.flush();
    const down = sent.filter((m) => m.rule === 'port-down');
    // Ethernet49 is a trunk (port_roles); Ethernet50 has no alias, member or role: not watched by default.
    expect(down.map((m) => [m.port, m.member])).toEqual([['Ethernet49', 'trunk']]);
    expect(down[0]!.text).toMatch(/^MVIX: .*DOWN sw1 Ethernet49 \(trunk\): port down$/);
  });
});
