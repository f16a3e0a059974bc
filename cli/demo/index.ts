// The embedded demo: a simulated island IXP served by a real SNMP agent on loopback, polled by the
// real collector into a real SQLite store (with 35 days of simulated history), shown by the real
// dashboard. Wiring only; the traffic model is model.ts, the history history.ts.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { validateConfig } from '../../collector/config/load.ts';
import type { Config } from '../../collector/config/types.ts';
import { getLogger } from '../../collector/log.ts';
import { createCollector } from '../../collector/main.ts';
import { createStore } from '../../collector/store/index.ts';
import { createFigures } from '../../collector/store/figures.ts';
import { createDashboard } from '../../dashboard/server/index.ts';
import { createUserStore, hashPassword } from '../../dashboard/server/users.ts';
import { startDemoAgent, type DemoAgent } from './agent.ts';
import { backfillHistory } from './history.ts';
import { DEMO_PORTS, DEMO_SWITCH, type DemoClock } from './model.ts';

export const DEMO_IXP = 'demo';
export const DEMO_PASSWORD = 'demo';
export const DEMO_MEMBER_ASN = 64496;
const HISTORY_DAYS = 35;

interface DemoState { epochMs: number; community: string }

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** The demo's persistent state: the model's epoch (so counters continue across restarts). */
function loadState(dir: string, now: number): DemoState {
  const file = path.join(dir, 'state.json');
  if (existsSync(file)) {
    const s = JSON.parse(readFileSync(file, 'utf8')) as DemoState;
    if (typeof s.epochMs === 'number' && typeof s.community === 'string') return s;
  }
  // The simulated switch "booted" 40 days before the first start, so 35 days of history fit.
  const s: DemoState = { epochMs: Math.floor(now / 86_400_000) * 86_400_000 - 40 * 86_400_000, community: randomBytes(8).toString('hex') };
  writeFileSync(file, JSON.stringify(s), { mode: 0o600 });
  return s;
}

/** The demo's config, validated like any user config (so defaults are the real ones). */
export function demoConfig(opts: { dir: string; agentPort: number; community: string; listen: string; launchedMs: number }): Config {
  return validateConfig({
    ixp: {
      id: DEMO_IXP, name: 'Demo Island IXP', country: 'MV', timezone: 'Indian/Maldives', currency: 'USD',
      transitPricePerMbps: 25, launched: new Date(opts.launchedMs).toISOString().slice(0, 10), public: true,
    },
    switches: [{ name: DEMO_SWITCH, host: '127.0.0.1', port: opts.agentPort, snmp: { version: '2c', community: opts.community }, timeout: 2, retries: 1 }],
    polling: { interval: 10 },
    store: { path: path.join(opts.dir, 'ixmeter.db') },
    metrics: { listen: '' },
    members: DEMO_PORTS.map((p) => p.member),
    dashboard: { listen: opts.listen },
    demo: true,
  }, '<demo>');
}

export interface Demo { url: string; config: Config; stop(): Promise<void> }

/**
 * Starts everything; resolves once the dashboard listens. `now` is the clock of the whole demo (agent, history,
 * store, collector samples and dashboard), so that a test can start it at a chosen time (e.g. one hour into a month).
 */
export async function startDemo(opts: { dir: string; listen?: string; now?: () => number }): Promise<Demo> {
  const log = getLogger('demo');
  const now = opts.now ?? Date.now;
  mkdirSync(opts.dir, { recursive: true });
  const state = loadState(opts.dir, now());
  const clock: DemoClock = { epochMs: state.epochMs };
  const agentPort = await freeUdpPort();
  // The demo IXP "launched" the day its simulated history starts, so "since launch" is all measured.
  const launchedMs = state.epochMs + (40 - HISTORY_DAYS + 1) * 86_400_000;
  const config = demoConfig({ dir: opts.dir, agentPort, community: state.community, listen: opts.listen ?? '0.0.0.0:3000', launchedMs });

  // Member windows and month figures: the back-fill's are computed once it is written (figures.start), then live.
  const figures = createFigures(config, { log: getLogger('collector:figures') });
  const store = createStore(config.store, { simulated: true, log: log.child('store'), now, figures });
  store.open();
  const t0 = now();
  const written = backfillHistory(store, clock, { since: t0 - HISTORY_DAYS * 86_400_000, until: t0 });
  if (written) log.info({ polls: written, ms: now() - t0 }, 'simulated history written');
  await figures.start(store.db);

  let agent: DemoAgent | undefined;
  const collector = createCollector(config, { store, log: getLogger('collector'), clock: { now, mono: () => performance.now() } });
  const hash = await hashPassword(DEMO_PASSWORD);
  const users = createUserStore([
    { username: 'operator', role: 'operator', ixp: DEMO_IXP, hash },
    { username: 'reporter', role: 'reporter', hash },
    { username: 'member', role: 'member', ixp: DEMO_IXP, asns: [DEMO_MEMBER_ASN], hash },
  ]);
  const dashboard = createDashboard(config, { users, log: getLogger('dashboard:api'), now });
  try {
    agent = await startDemoAgent({ port: agentPort, community: state.community, clock, now });
    await collector.start();
    const url = await dashboard.start();
    let stopped: Promise<void> | undefined;
    return {
      url,
      config,
      stop: () => (stopped ??= (async () => {
        await dashboard.stop();
        await collector.stop();
        await agent?.close();
      })()),
    };
  } catch (err) {
    await dashboard.stop().catch(() => {});
    await collector.stop().catch(() => {});
    await agent?.close();
    throw err;
  }
}
