// The dashboard component: createDashboard(config, deps) → {start(), stop(), url}. start() opens the reader
// (the local SQLite store read-only, or InfluxDB over InfluxQL), builds the app and listens; stop() closes all.
// Creating it only stores its arguments.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import type { Config, IxpConfig, MemberConfig } from '../../collector/config/types.ts';
import { loadConfig } from '../../collector/config/load.ts';
import { getLogger, type Logger } from '../../collector/log.ts';
import type { Reader } from '../readers/reader.ts';
import { createSqliteReader } from '../readers/sqlite.ts';
import { createInfluxReader } from '../readers/influxql.ts';
import { createApp } from './app.ts';
import { reportRoutes } from './routes/report.ts';
import { latencyRoutes } from './routes/latency.ts';
import { createInfluxLatencyReader } from '../readers/latency-influxql.ts';
import { peeringRoutes } from './routes/peering.ts';
import { resolveMembers } from '../../collector/members/index.ts';
import { createService, type IxpContext, type SavedValue } from './service.ts';
import { createSavedFigures, type SavedFigures } from './saved.ts';
import path from 'node:path';
import { createUserStore, type UserStore } from './users.ts';
import { VERSION } from '../../collector/paths.ts';

/** The IXP used when the config has no `ixp` section. */
export const DEFAULT_IXP: IxpConfig = { id: 'ixp', name: 'IXP', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 0, public: false };

/** The IXPs one config serves: its own, then those of dashboard.ixpConfigs (central dashboard). */
export function ixpContexts(cfg: Config, loader: (file: string) => Config = (f) => loadConfig(f)): IxpContext[] {
  const one = (c: Config): IxpContext => ({
    ixp: { ...DEFAULT_IXP, ...(c.ixp ?? {}) },
    members: c.members ?? [],
    publicMembers: cfg.dashboard.publicMembers ?? false,
    ifAlias: c.memberSources?.ifAlias ?? true,
    pollInterval: c.polling?.interval ?? 60,
    switches: (c.switches ?? []).map((sw) => ({ name: sw.name, site: sw.site ?? sw.name, roles: sw.roles })),
  });
  const out = [one(cfg)];
  for (const f of cfg.dashboard.ixpConfigs ?? []) {
    const c = one(loader(f));
    if (!out.some((x) => x.ixp.id === c.ixp.id)) out.push(c);
  }
  return out;
}

export interface DashboardDeps {
  log?: Logger;
  now?: () => number;
  /** Use this reader instead of opening one (tests, or the demo sharing its store handle). */
  reader?: Reader;
  users?: UserStore;
  /** Overrides dashboard.listen (host:port). */
  listen?: string;
  webDir?: string;
  /** Precompute the last 13 months' figures after start (default true). */
  warm?: boolean;
  /**
   * Further API routers (reports): called at start() with the principal resolver, the open SQLite handle (undefined
   * when reading InfluxDB) and the IXP contexts.
   */
  routes?: ((h: { principal(req: import('express').Request): import('./auth.ts').Principal; now: () => number; db: Database.Database | undefined; ixps: IxpContext[] }) => import('express').Router)[];
}

/** The dashboard server component. */
export function createDashboard(cfg: Config, deps: DashboardDeps = {}) {
  const log = deps.log ?? getLogger('dashboard:api');
  let server: Server | undefined;
  let reader: Reader | undefined;
  let db: Database.Database | undefined;
  let saved: SavedFigures<SavedValue> | undefined;
  let url = '';
  return {
    get url(): string { return url; },
    async start(): Promise<string> {
      if (deps.reader) reader = deps.reader;
      else if (cfg.dashboard.reader === 'influxdb') {
        if (!cfg.influxdb) throw new Error('dashboard.reader is influxdb but the config has no influxdb section');
        reader = createInfluxReader(cfg.influxdb);
      } else {
        try {
          db = new Database(cfg.store.path, { readonly: true, fileMustExist: true });
          db.pragma('busy_timeout = 5000');
        } catch (err) {
          throw new Error(`store ${cfg.store.path}: cannot open read-only (${(err as Error).message}); start the collector first`);
        }
        reader = createSqliteReader(db);
      }
      const ixps = ixpContexts(cfg);
      // Over the local store, the IXP's own members come from the member registry: the config, imported IX-F
      // and PeeringDB data kept in the store, then ifAlias (the readers still attribute ports nobody claims).
      if (db) ixps[0] = { ...ixps[0], members: registryMembers(cfg, db, deps.now?.() ?? Date.now(), log) };
      const figuresFile = cfg.dashboard.figuresFile ?? (reader.kind === 'sqlite' ? path.join(path.dirname(cfg.store.path), 'dashboard-figures.json') : '');
      saved = figuresFile ? createSavedFigures<SavedValue>(figuresFile, log) : undefined;
      const service = createService({ reader, ixps, now: deps.now, saved });
      const version = VERSION;
      const app = createApp({
        service, users: deps.users ?? createUserStore(cfg.dashboard.usersFile), readerKind: reader.kind,
        trustProxy: cfg.dashboard.trustProxy, webDir: deps.webDir, version, log, now: deps.now,
        publicTtl: cfg.dashboard.publicCacheSeconds,
        // The monthly impact report (GET /api/ixps/:ixp/report), then any further routers.
        routes: [reportRouter, latencyRouter(reader.kind === 'influxdb' ? cfg.influxdb : undefined), peeringRouter, ...(deps.routes ?? [])].map((make) => (h) => make({ ...h, db, ixps })),
      });
      const listen = deps.listen ?? cfg.dashboard.listen ?? '0.0.0.0:3000';
      const i = listen.lastIndexOf(':');
      const host = i > 0 ? listen.slice(0, i).replace(/^\[|\]$/g, '') : '0.0.0.0';
      const port = Number(process.env.PORT ?? listen.slice(i + 1));
      await new Promise<void>((resolve, reject) => {
        const s = app.listen(port, host, () => resolve());
        s.once('error', reject);
        server = s;
      });
      const addr = server!.address() as AddressInfo;
      const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      url = `http://${shown}:${addr.port}/`;
      if (deps.warm !== false) service.warm().catch((err) => log.warn({ err: (err as Error).message }, 'warm-up of monthly figures failed'));
      return url;
    },
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections?.(); });
      saved?.close();
      saved = undefined;
      await reader?.close();
      db?.close();
      db = undefined;
    },
  };
}

/** Mounts the report route over the dashboard's own store handle and IXP contexts. */
function reportRouter(h: { principal(req: import('express').Request): import('./auth.ts').Principal; now: () => number; db: Database.Database | undefined; ixps: IxpContext[] }) {
  return reportRoutes({
    principal: h.principal,
    now: h.now,
    // The store holds the data of the config's own IXP only (the first context).
    db: (id) => (id === h.ixps[0]?.ixp.id ? h.db : undefined),
    ixpConfig: (id) => {
      const c = h.ixps.find((x) => x.ixp.id === id);
      return c && { ixp: c.ixp, members: c.members, memberSources: { ifAlias: c.ifAlias } };
    },
  });
}

/** The registry's members with the ports they hold now, as member config entries; the config's own on failure. */
function registryMembers(cfg: Config, db: Database.Database, now: number, log: Logger): MemberConfig[] {
  try {
    const list = resolveMembers(cfg, { db }).list();
    const validNow = (p: { validFrom: number | null; validTo: number | null }) => (p.validFrom ?? -Infinity) <= now && (p.validTo ?? Infinity) > now;
    // A member that has left keeps the ports it held last (no one else holds them now), so the months it was a member
    // keep its figures; the part-month maths (impact/partmonth.ts) counts only its windows before it left.
    const heldNow = new Set(list.flatMap((m) => m.ports.filter(validNow).map((p) => `${p.switch}\u0000${p.port}`)));
    const portsOf = (m: (typeof list)[number]) => {
      const cur = m.ports.filter(validNow);
      if (cur.length || !m.left) return cur;
      return m.ports.filter((p) => p.validTo !== null && p.validTo <= now && !heldNow.has(`${p.switch}\u0000${p.port}`));
    };
    return list.map((m) => ({
      asn: m.asn,
      name: m.name.value,
      category: m.category.value,
      buysTransit: m.buysTransit.value,
      transitPricePerMbps: m.transitPricePerMbps?.value,
      portFeePerMonth: m.portFeePerMonth.value,
      joined: m.joined?.value,
      left: m.left?.value,
      ports: portsOf(m).map((p) => ({ switch: p.switch, port: p.port })),
    }));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'member registry unavailable; using the config\'s members');
    return cfg.members ?? [];
  }
}

/**
 * Mounts the latency routes: over InfluxDB's ixp_latency for every IXP when the dashboard reads InfluxDB (`influx`),
 * else over the dashboard's own store handle (its own IXP only).
 */
function latencyRouter(influx: import('../../collector/config/types.ts').InfluxConfig | undefined) {
  return (h: { principal(req: import('express').Request): import('./auth.ts').Principal; now: () => number; db: Database.Database | undefined; ixps: IxpContext[] }) => {
    if (influx) {
      const reader = createInfluxLatencyReader(influx);
      return latencyRoutes({ principal: h.principal, now: h.now, ixps: h.ixps, reader: () => reader });
    }
    // The store holds the data of the config's own IXP only (the first context); a store from before migration 005 has no latency tables.
    const has = h.db ? !!h.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'latency'").get() : false;
    return latencyRoutes({ principal: h.principal, now: h.now, ixps: h.ixps, db: (id) => (has && id === h.ixps[0]?.ixp.id ? h.db : undefined) });
  };
}

/** Mounts the sFlow peering route (GET /api/ixps/:ixp/peering) over the dashboard's own store handle. */
function peeringRouter(h: { principal(req: import('express').Request): import('./auth.ts').Principal; now: () => number; db: Database.Database | undefined; ixps: IxpContext[] }) {
  return peeringRoutes({
    principal: h.principal,
    now: h.now,
    db: (id) => (id === h.ixps[0]?.ixp.id ? h.db : undefined),
    ixp: (id) => h.ixps.find((x) => x.ixp.id === id),
  });
}
