// The dashboard component: createDashboard(config, deps) → {start(), stop(), url}. start() opens the reader
// (the local SQLite store read-only, or InfluxDB over InfluxQL), builds the app and listens; stop() closes all.
// Creating it only stores its arguments.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import type { Config, IxpConfig, MemberConfig } from '../../collector/config/types.ts';
import { getLogger, type Logger } from '../../collector/log.ts';
import type { Reader } from '../readers/reader.ts';
import { createSqliteReader } from '../readers/sqlite.ts';
import { createInfluxReader } from '../readers/influxql.ts';
import { createInfluxPeeringReader, createSqlitePeeringReader, type PeeringReader } from '../readers/peering.ts';
import { createApp } from './app.ts';
import { reportRoutes } from './routes/report.ts';
import { latencyRoutes } from './routes/latency.ts';
import { createInfluxLatencyReader } from '../readers/latency-influxql.ts';
import { createSqliteLatencyReader, type LatencyReader } from '../readers/latency.ts';
import { peeringRoutes } from './routes/peering.ts';
import { resolveMembers } from '../../collector/members/index.ts';
import { createService, type IxpContext, type Service } from './service.ts';
import { membersOfConfig, membersOfRegistry } from '../reports/data.ts';
import { createUserStore, type UserStore } from './users.ts';
import { VERSION } from '../../collector/paths.ts';

/** The IXP used when the config has no `ixp` section. */
export const DEFAULT_IXP: IxpConfig = { id: 'ixp', name: 'IXP', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 0, public: false };

/**
 * The IXP the config describes (its ixp and members sections). A central dashboard (reader influxdb) without an ixp
 * section describes none: every IXP it shows comes from what the collectors forwarded (Reader.describe()).
 */
export function ixpContexts(cfg: Config): IxpContext[] {
  if (!cfg.ixp && cfg.dashboard.reader === 'influxdb') return [];
  return [{
    ixp: { ...DEFAULT_IXP, ...(cfg.ixp ?? {}) },
    members: cfg.members ?? [],
    publicMembers: cfg.dashboard.publicMembers ?? false,
    ifAlias: cfg.memberSources?.ifAlias ?? true,
    pollInterval: cfg.polling?.interval ?? 60,
    switches: (cfg.switches ?? []).map((sw) => ({ name: sw.name, site: sw.site ?? sw.name, roles: sw.roles })),
  }];
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
  /** How often a central dashboard re-reads the IXPs' descriptions, ms (default 60,000). */
  describeEveryMs?: number;
  /**
   * Further API routers (reports): called at start() with the principal resolver, the open SQLite handle (undefined
   * when reading InfluxDB) and the IXP contexts.
   */
  routes?: ((h: RouteHooks) => import('express').Router)[];
}

/** The dashboard server component. */
export function createDashboard(cfg: Config, deps: DashboardDeps = {}) {
  const log = deps.log ?? getLogger('dashboard:api');
  let server: Server | undefined;
  let reader: Reader | undefined;
  let db: Database.Database | undefined;
  let describeTimer: NodeJS.Timeout | undefined;
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
      if (db && ixps[0]) ixps[0] = { ...ixps[0], members: registryMembers(cfg, db, deps.now?.() ?? Date.now(), log) };
      const service = createService({ reader, ixps, now: deps.now, publicMembers: cfg.dashboard.publicMembers ?? false });
      // A central dashboard knows its IXPs from what their collectors forwarded: read at start, then every minute.
      const describe = () => service.refresh().catch((err) => log.warn({ err: (err as Error).message }, 'reading the IXPs\' descriptions failed'));
      if (reader.kind === 'influxdb') {
        await describe();
        describeTimer = setInterval(describe, deps.describeEveryMs ?? 60_000);
        describeTimer.unref();
      }
      const version = VERSION;
      // The sFlow matrix: the local store's, or InfluxDB's on a central dashboard (dashboard.reader: influxdb).
      const peering = db ? createSqlitePeeringReader(db) : reader.kind === 'influxdb' && cfg.influxdb ? createInfluxPeeringReader(cfg.influxdb) : undefined;
      // A store from before migration 005 has no latency tables.
      const hasLatency = db ? !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'latency'").get() : false;
      const latencyReader = hasLatency ? createSqliteLatencyReader(db!) : reader.kind === 'influxdb' && cfg.influxdb ? createInfluxLatencyReader(cfg.influxdb) : undefined;
      const app = createApp({
        service, users: deps.users ?? createUserStore(cfg.dashboard.usersFile), readerKind: reader.kind,
        trustProxy: cfg.dashboard.trustProxy, webDir: deps.webDir, version, log, now: deps.now,
        publicTtl: cfg.dashboard.publicCacheSeconds,
        // The monthly impact report (GET /api/ixps/:ixp/report), then any further routers.
        routes: [reportRouter(peering, latencyReader), latencyRouter(latencyReader), peeringRouter(peering), ...(deps.routes ?? [])].map((make) => (h) => make({ ...h, service, db, ixps, cfg })),
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
      return url;
    },
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections?.(); });
      if (describeTimer) clearInterval(describeTimer);
      describeTimer = undefined;
      await reader?.close();
      db?.close();
      db = undefined;
    },
  };
}

/** What further routers get: the principal resolver, the clock, the service, the open SQLite handle (undefined when reading InfluxDB), the config. */
export interface RouteHooks {
  principal(req: import('express').Request): import('./auth.ts').Principal;
  now: () => number;
  service: Service;
  db: Database.Database | undefined;
  ixps: IxpContext[];
  cfg: Config;
}

/** Mounts the report route: over the local store the registry names the members (with their sources), else what the collectors forwarded. */
function reportRouter(peering: PeeringReader | undefined, latency: LatencyReader | undefined) {
  return (h: RouteHooks) => reportRoutes({
    principal: h.principal,
    now: h.now,
    service: h.service,
    peering: (id) => (peering?.kind === 'influxdb' || id === h.ixps[0]?.ixp.id ? peering : undefined),
    latency: (id) => (h.service.reader.kind === 'influxdb' || id === h.ixps[0]?.ixp.id ? latency : undefined),
    members: (id) => {
      const c = h.service.ctx(id)!;
      if (h.db && id === h.ixps[0]?.ixp.id) {
        try { return membersOfRegistry(resolveMembers(h.cfg, { db: h.db }), c.ixp.transitPricePerMbps); } catch { /* the registry's members as the dashboard holds them */ }
      }
      return membersOfConfig(c.members, c.ixp.transitPricePerMbps);
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
 * Mounts the latency routes: over InfluxDB's ixp_latency for every IXP when the dashboard reads InfluxDB, else over
 * the dashboard's own store handle (its own IXP only).
 */
function latencyRouter(reader: LatencyReader | undefined) {
  return (h: RouteHooks) => latencyRoutes({
    principal: h.principal, now: h.now, ixp: (id) => h.service.ctx(id),
    reader: (id) => (h.service.reader.kind === 'influxdb' || id === h.ixps[0]?.ixp.id ? reader : undefined),
  });
}

/**
 * Mounts the sFlow peering route (GET /api/ixps/:ixp/peering) over `reader`: the local store's matrix (the config's
 * own IXP only, the first context) or InfluxDB's (every IXP, by its tag).
 */
function peeringRouter(reader: PeeringReader | undefined) {
  return (h: RouteHooks) => peeringRoutes({
    principal: h.principal,
    now: h.now,
    peering: (id) => (reader?.kind === 'influxdb' || id === h.ixps[0]?.ixp.id ? reader : undefined),
    ixp: (id) => h.service.ctx(id),
  });
}
