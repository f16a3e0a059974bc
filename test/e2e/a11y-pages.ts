// The one list of dashboard pages the accessibility and responsive browser tests walk, and a dashboard
// over the e2e fixture store (real createApp, real SQLite, a users file with one user per role).
// New pages join the tests by adding one entry to PAGES. Loopback only; everything in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../dashboard/server/app.ts';
import { createService } from '../../dashboard/server/service.ts';
import { createUserStore, hashPassword, saveUsers } from '../../dashboard/server/users.ts';
import { createSqliteReader } from '../../dashboard/readers/sqlite.ts';
import { latencyRoutes } from '../../dashboard/server/routes/latency.ts';
import { peeringRoutes } from '../../dashboard/server/routes/peering.ts';
import { createSqlitePeeringReader } from '../../dashboard/readers/peering.ts';
import type { IxpContext } from '../../dashboard/server/service.ts';
import { freeTcpPort } from '../helpers/ports.ts';
import { IXP, IXP2, MEMBERS, writeFixture } from './fixture.ts';

/** The roles a page is checked as; `public` is not logged in. */
export type Role = 'public' | 'member' | 'operator' | 'reporter';

/** The test users, one per role (member1 owns AS65001 and its port xe-0/0/1). */
export const USERS: Record<Exclude<Role, 'public'>, string> = { member: 'member1', operator: 'operator', reporter: 'reporter' };
export const PASSWORD = 'correct horse battery';

/** One dashboard page as the browser tests open it. */
export interface PageCase {
  /** Short name, used in test titles and screenshot file names. */
  name: string;
  /** Path and query on the dashboard. */
  url: string;
  /** Roles that can open it and see its content (each is checked). */
  roles: Role[];
  /** A selector present once the page has drawn its content (after body[data-ready=true]). */
  ready?: string;
}

/**
 * Every page of the dashboard. Pages added later (peering matrix, latency, trunks, report form) are
 * one entry each here; the a11y and responsive tests iterate over this list only.
 */
export const PAGES: PageCase[] = [
  { name: 'overview', url: `/index.html?ixp=${IXP.id}`, roles: ['public', 'member', 'operator', 'reporter'], ready: '[data-testid=chart-traffic]' },
  { name: 'members', url: `/members.html?ixp=${IXP.id}`, roles: ['member', 'operator'], ready: '[data-testid=members-table]' },
  { name: 'member', url: `/member.html?ixp=${IXP.id}&asn=65001`, roles: ['member', 'operator'], ready: '[data-testid=chart-member-history]' },
  { name: 'port', url: `/port.html?ixp=${IXP.id}&switch=sw1&port=${encodeURIComponent('xe-0/0/1')}`, roles: ['member', 'operator'], ready: '[data-testid=chart-port-status]' },
  { name: 'impact', url: '/impact.html', roles: ['operator', 'reporter'], ready: '[data-testid=impact-table]' },
  { name: 'login', url: '/login.html', roles: ['public'], ready: '[data-testid=login-form]' },
  { name: 'network', url: `/network.html?ixp=${IXP.id}`, roles: ['operator'], ready: '[data-testid=sites-table]' },
  { name: 'latency', url: `/latency.html?ixp=${IXP.id}`, roles: ['member', 'operator', 'reporter'], ready: '[data-testid=latency-method]' },
  { name: 'peering', url: `/peering.html?ixp=${IXP.id}`, roles: ['member', 'operator', 'reporter'], ready: '[data-testid=peering-month]' },
  // What a member sees when it opens another member's page: the refusal notice is a page too.
  { name: 'member-forbidden', url: `/member.html?ixp=${IXP.id}&asn=65002`, roles: ['member'], ready: '[data-testid=notice-error]' },
];

/** A running dashboard over the fixture data. */
export interface FixtureDashboard {
  base: string;
  /** Logs the context in as `role` (through the API; the cookie jar keeps the session). No-op for public. */
  login(context: BrowserContext, role: Role): Promise<void>;
  /** Opens a page and waits until its module has drawn. */
  open(page: Page, c: Pick<PageCase, 'url' | 'ready'>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the dashboard on a free loopback port over a fresh fixture store (2 days of polls, simulated),
 * two IXPs, and the users of USERS plus an operator. stop() closes everything, also after a failed start.
 */
export async function startFixtureDashboard(): Promise<FixtureDashboard> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixm-a11y-'));
  let db: Database.Database | undefined;
  let server: Server | undefined;
  const stop = async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const storeFile = path.join(dir, 'store.db');
    await writeFixture(storeFile, Date.now(), 2, true);
    db = new Database(storeFile, { readonly: true, fileMustExist: true });
    const ixps: IxpContext[] = [
      { ixp: { ...IXP, launched: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10) }, members: MEMBERS, publicMembers: false, ifAlias: true, pollInterval: 300 },
      { ixp: IXP2, members: [], publicMembers: false, ifAlias: true, pollInterval: 300 },
    ];
    const service = createService({ reader: createSqliteReader(db), ixps });
    const store = db;
    const own = (id: string) => (id === IXP.id ? store : undefined);
    const hash = await hashPassword(PASSWORD);
    const usersFile = path.join(dir, 'users.json');
    saveUsers(usersFile, [
      { username: USERS.member, role: 'member', ixp: IXP.id, asns: [65001], hash },
      { username: USERS.operator, role: 'operator', ixp: IXP.id, hash },
      { username: USERS.reporter, role: 'reporter', hash },
    ]);
    // The latency and peering routes over the same store, as serve mounts them.
    const routes = [
      (h: { principal: Parameters<typeof latencyRoutes>[0]['principal']; now: () => number }) => latencyRoutes({ principal: h.principal, now: h.now, ixps, db: own }),
      (h: { principal: Parameters<typeof latencyRoutes>[0]['principal']; now: () => number }) => peeringRoutes({ principal: h.principal, now: h.now, peering: (id) => (id === IXP.id ? createSqlitePeeringReader(store) : undefined), ixp: (id) => ixps.find((x) => x.ixp.id === id) }),
    ];
    const app = createApp({ service, users: createUserStore(usersFile), readerKind: 'sqlite', loginLimit: 1000, routes });
    const port = await freeTcpPort();
    server = await new Promise<Server>((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); });
  } catch (e) {
    await stop();
    throw e;
  }
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    async login(context, role) {
      if (role === 'public') return;
      const res = await context.request.post(`${base}/api/session`, { data: { username: USERS[role], password: PASSWORD } });
      if (res.status() !== 200) throw new Error(`login as ${role}: HTTP ${res.status()}`);
    },
    async open(page, c) {
      await page.goto(base + c.url);
      await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
      if (c.ready) await page.waitForSelector(c.ready, { timeout: 30_000 });
    },
    stop,
  };
}
