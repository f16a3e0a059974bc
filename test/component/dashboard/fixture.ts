// A small IXP data set for the dashboard tests: 6 ports on one switch (4 members, one found only by ifAlias,
// one uplink without member), 5-minute rollups from 2026-01-01 to NOW and raw rates for the last day.
// Written to a fresh SQLite store (the 001 tables) or as line protocol (the forwarder's own functions).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { logRollups } from '../../../collector/store/rollupRows.ts';
import { portLine, pollLine, rollupLine, seriesKey } from '../../../collector/forward/lineProtocol.ts';
import type { Config, MemberConfig } from '../../../collector/config/types.ts';
import type { IxpContext } from '../../../dashboard/server/service.ts';
import { rebuildFigures } from '../../../collector/store/figures.ts';
import { syncMeta } from '../../../collector/store/meta.ts';
import { resolveMembers } from '../../../collector/members/index.ts';

/** "Now" of the data set: 2026-02-10 12:00 UTC. */
export const NOW = Date.UTC(2026, 1, 10, 12, 0, 0);
export const START = Date.UTC(2026, 0, 1);
export const SW = 'sw1';
export const XSS = '<img src=x onerror=alert(1)>';

/** Ports with constant rates (Mbit/s). Member B (et3) has no data on 2026-01-10. */
export const PORTS = [
  { port: 'et1', alias: 'AS65001 Island ISP', inM: 10, outM: 5, speed: 1000, up: true },
  { port: 'et2', alias: 'AS65001 Island ISP', inM: 20, outM: 5, speed: 1000, up: true },
  { port: 'et3', alias: 'AS65002 Mobile', inM: 4, outM: 8, speed: 1000, up: true },
  { port: 'et4', alias: 'AS65003 CDN Cache', inM: 50, outM: 1, speed: 10000, up: true },
  { port: 'et5', alias: `AS65004 ${XSS}`, inM: 1, outM: 1, speed: 10, up: false },
  { port: 'uplink', alias: 'core uplink', inM: 999, outM: 999, speed: 10000, up: true },
];

/** Config members (AS65004 comes from its ifAlias only). */
export const MEMBERS: MemberConfig[] = [
  { asn: 65001, name: 'Island ISP', category: 'isp', portFeePerMonth: 100, ports: [{ switch: SW, port: 'et1' }, { switch: SW, port: 'et2' }] },
  { asn: 65002, name: 'Mobile', category: 'isp', transitPricePerMbps: 20, ports: [{ switch: SW, port: 'et3' }] },
  { asn: 65003, name: 'CDN Cache', category: 'content', portFeePerMonth: 50, ports: [{ switch: SW, port: 'et4' }] },
];

/** The two IXPs of the tests: `tix` (public, price 10) and `priv` (not public), same data. */
export function contexts(publicMembers = false): IxpContext[] {
  return [
    { ixp: { id: 'tix', name: 'Test IX', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 10, public: true }, members: MEMBERS, publicMembers, ifAlias: true, pollInterval: 60 },
    { ixp: { id: 'priv', name: 'Private IX', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 10, public: false }, members: MEMBERS, publicMembers, ifAlias: true, pollInterval: 60 },
  ];
}

/** Multiplier for a time: 1 (constant) or a daily wave (for the reader equivalence test). */
function factor(t: number, wave: boolean): number {
  if (!wave) return 1;
  return 1 + 0.5 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000) + 0.1 * ((t / 300_000) % 7) / 7;
}

const missing = (port: string, t: number) => port === 'et3' && t >= Date.UTC(2026, 0, 10) && t < Date.UTC(2026, 0, 11);

export interface RollupPoint { port: string; t: number; inBps: number; outBps: number; util: number; up: number }
export interface RatePoint { port: string; t: number; inBps: number; outBps: number; util: number; up: number; gap: string | null; octets: string }

/** A rollup's packets per second (1 kB packets), on the store's grid of 0.01 packet/s. */
const pps5m = (bps: number) => Math.round(bps / 80) / 100;

/** The data set's points. */
export function dataset(opts: { wave?: boolean } = {}) {
  const wave = opts.wave ?? false;
  const rollups: RollupPoint[] = [];
  const rates: RatePoint[] = [];
  for (const p of PORTS) {
    for (let t = START; t < Math.floor(NOW / 300_000) * 300_000 - 300_000; t += 300_000) {
      if (missing(p.port, t)) continue;
      const f = factor(t, wave);
      // On the grid the store keeps rollups on (bps to 8 bit/s, utilisation to 1e-4: collector/store/rollupRows.ts),
      // so that InfluxDB, fed these lines directly, holds what the SQLite store holds.
      const inBps = Math.round((p.inM * 1e6 * f) / 8) * 8;
      const outBps = Math.round((p.outM * 1e6 * f) / 8) * 8;
      rollups.push({ port: p.port, t, inBps, outBps, util: Math.round((Math.max(inBps, outBps) / (p.speed * 1e6)) * 10000) / 10000, up: p.up ? 1 : 0 });
    }
    for (let t = NOW - 86_400_000 + 60_000, i = 0; t <= NOW - 30_000; t += 60_000, i++) {
      const f = factor(t, wave);
      const gap = wave && p.port === 'et2' && i === 100 ? 'agent-restart' : null;
      const inBps = Math.round(p.inM * 1e6 * f);
      const outBps = Math.round(p.outM * 1e6 * f);
      rates.push({ port: p.port, t, inBps, outBps, util: Math.max(inBps, outBps) / (p.speed * 1e6), up: p.up ? 1 : 0, gap, octets: String(BigInt(i) * 123456789n) });
    }
  }
  return { rollups, rates };
}

/** The config the data set's collector would run with (its figures and metadata are computed from it). */
export const FIXTURE_CONFIG = {
  ixp: { id: 'tix', name: 'Test IX', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 10, public: true },
  members: MEMBERS, memberSources: { ifAlias: true }, switches: [], polling: { interval: 60, maxGapIntervals: 5 }, dashboard: { publicMembers: false },
} as unknown as Config;

/**
 * A fresh SQLite store (migrations applied) holding the data set. `ready` resolves once the collector's figures
 * (member windows, month rows) and metadata are computed, as a collector does at its first start.
 */
export function sqliteStore(opts: { wave?: boolean; config?: Config } = {}): { db: Database.Database; file: string; ready: Promise<void>; cleanup(): void } {
  const config = opts.config ?? FIXTURE_CONFIG;
  const dir = mkdtempSync(path.join(tmpdir(), 'ixm-dash-'));
  const file = path.join(dir, 'store.db');
  const db = openDatabase(file);
  const { rollups, rates } = dataset(opts);
  const ids = new Map<string, number>();
  db.transaction(() => {
    PORTS.forEach((p, i) => {
      const r = db.prepare(`INSERT INTO ports (switch, if_index, name, descr, alias, if_type, speed_mbps, oper_status, admin_status, first_seen, last_seen)
        VALUES (?, ?, ?, ?, ?, 6, ?, ?, 1, ?, ?)`).run(SW, i + 1, p.port, p.port, p.alias, p.speed, p.up ? 1 : 2, START, NOW - 30_000);
      ids.set(p.port, Number(r.lastInsertRowid));
    });
    const ru = db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, in_pps_avg, out_pps_avg,
      in_errors_avg, out_errors_avg, in_discards_avg, out_discards_avg, util_in_max, util_out_max, oper_up_share, coverage, source)
      VALUES (?, 300, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?, ?, 1, 'poll')`);
    for (const r of rollups) ru.run(ids.get(r.port), r.t, r.inBps, r.inBps, r.outBps, r.outBps, pps5m(r.inBps), pps5m(r.outBps), r.util, r.util, r.up);
    // What the forwarder follows (as the collector's rollup records each closed window).
    logRollups(db, { switch: SW, res: 300, from: START, to: NOW, rows: rollups.length });
    const ra = db.prepare(`INSERT INTO rates (port_id, t, interval, in_bps, out_bps, in_pps, out_pps, in_errors, out_errors, in_discards, out_discards,
      util_in, util_out, oper_up, speed_mbps, in_octets, out_octets, gap) VALUES (?, ?, 60, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?, ?)`);
    const gapRow = db.prepare(`INSERT INTO rates (port_id, t, interval, oper_up, speed_mbps, in_octets, out_octets, gap) VALUES (?, ?, 60, ?, ?, ?, ?, ?)`);
    for (const r of rates) {
      const sp = PORTS.find((p) => p.port === r.port)!.speed;
      if (r.gap) gapRow.run(ids.get(r.port), r.t, r.up, sp, r.octets, r.octets, r.gap);
      else ra.run(ids.get(r.port), r.t, r.inBps, r.outBps, r.inBps / 8000, r.outBps / 8000, r.util, r.util, r.up, sp, r.octets, r.octets, null);
    }
    db.prepare('INSERT INTO polls (switch, t, duration_ms, ok, ports, error, sys_uptime) VALUES (?, ?, 120, 1, 6, NULL, 1000)').run(SW, NOW - 30_000);
    db.prepare('INSERT INTO polls (switch, t, duration_ms, ok, ports, error, sys_uptime) VALUES (?, ?, 120, 0, 0, ?, NULL)').run('sw2', NOW - 90_000, 'switch sw2 (10.0.0.3): walk ifXTable: timeout');
  })();
  const ready = (async () => {
    await rebuildFigures(db, config, { pause: async () => {} });
    syncMeta(db, { all: true, config, members: resolveMembers(config, { db }) }, NOW);
  })();
  ready.catch(() => { /* awaited by the tests */ });
  return { db, file, ready, cleanup() { try { db.close(); } catch { /* closed already */ } rmSync(dir, { recursive: true, force: true }); } };
}

/** The same data set as InfluxDB line protocol, tagged as the forwarder tags it (member tags from the config). */
export function influxLines(ixp: string, opts: { wave?: boolean } = {}): string[] {
  const { rollups, rates } = dataset(opts);
  const tags = (port: string) => {
    const m = MEMBERS.find((x) => x.ports.some((p) => p.port === port));
    // et5's member is known from its ifAlias only: the forwarder tags it from the registry all the same.
    if (port === 'et5') return { ixp, switch: SW, port, member_asn: 65004, member: XSS, category: 'isp' };
    return { ixp, switch: SW, port, member_asn: m?.asn, member: m?.name, category: m?.category };
  };
  const lines: string[] = [];
  for (const r of rollups) {
    const l = rollupLine(seriesKey('ixp_port_5m', tags(r.port)), {
      t: r.t, in_bps_avg: r.inBps, in_bps_max: r.inBps, out_bps_avg: r.outBps, out_bps_max: r.outBps, in_pps_avg: pps5m(r.inBps), out_pps_avg: pps5m(r.outBps),
      in_errors_avg: 0, out_errors_avg: 0, in_discards_avg: 0, out_discards_avg: 0, util_in_max: r.util, util_out_max: r.util, oper_up_share: r.up, coverage: 1,
    });
    if (l) lines.push(l);
  }
  for (const r of rates) {
    const sp = PORTS.find((p) => p.port === r.port)!.speed;
    const l = portLine(seriesKey('ixp_port', tags(r.port)), r.gap
      ? { t: r.t, in_bps: null, out_bps: null, in_pps: null, out_pps: null, in_errors: null, out_errors: null, in_discards: null, out_discards: null, util_in: null, util_out: null, oper_up: r.up, speed_mbps: sp, in_octets: r.octets, out_octets: r.octets, gap: r.gap }
      : { t: r.t, in_bps: r.inBps, out_bps: r.outBps, in_pps: r.inBps / 8000, out_pps: r.outBps / 8000, in_errors: 0, out_errors: 0, in_discards: 0, out_discards: 0, util_in: r.util, util_out: r.util, oper_up: r.up, speed_mbps: sp, in_octets: r.octets, out_octets: r.octets, gap: null });
    if (l) lines.push(l);
  }
  lines.push(pollLine(ixp, { t: NOW - 30_000, switch: SW, duration_ms: 120, ok: 1, ports: 6, error: null }));
  lines.push(pollLine(ixp, { t: NOW - 90_000, switch: 'sw2', duration_ms: 120, ok: 0, ports: 0, error: 'switch sw2 (10.0.0.3): walk ifXTable: timeout' }));
  return lines;
}

/** A minimal config for createDashboard-based tests. */
export function configFor(storePath: string, usersFile: string): Config {
  return {
    ixp: { id: 'tix', name: 'Test IX', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 10, public: true },
    switches: [], polling: { interval: 60, maxGapIntervals: 5 },
    store: { path: storePath, retention: { rawDays: 7, rollupDays: 3650, pollDays: 30 } },
    metrics: { listen: '' }, members: MEMBERS, memberSources: { ifAlias: true },
    dashboard: { listen: '127.0.0.1:0', reader: 'sqlite', usersFile, trustProxy: false, publicMembers: false, publicCacheSeconds: 30 },
    alerts: {}, log: { level: 'silent', levels: {} }, demo: false,
  } as unknown as Config;
}
