// The long-running collector's wiring: one scheduled poll job per switch → pollSwitch → computeRates
// → store.writePoll, plus the forwarder, metrics and alerts hanging off the store, and systemd's
// sd_notify. Wiring only: no SNMP, rate, SQL or HTTP logic lives here.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Config, SwitchConfig } from './config/types.ts';
import { getLogger, type Logger } from './log.ts';
import { computeRates } from './rates/compute.ts';
import type { RateResult, Sample } from './rates/types.ts';
import { createScheduler, type Scheduler } from './schedule.ts';
import { createSnmpClient, pollSwitch, systemClock, targetFromConfig, type Clock, type SnmpClient, type SnmpTarget } from './snmp/index.ts';
import { filtersFor } from './profiles.ts';
import { createStore, type PollRecord, type Store } from './store/index.ts';
import { createFigures } from './store/figures.ts';
import { createAlerts, type Alerts } from './alerts/index.ts';
import { createForwarder } from './forward/index.ts';
import { createMetaSync } from './store/meta.ts';
import { createMetrics } from './metrics/index.ts';
import { resolveMembers } from './members/index.ts';
import { compileRoles, portRoles, type CompiledRoles } from './members/roles.ts';
import { createRoleWriter } from './members/roleStore.ts';
import { createLatency, TargetError } from './latency/index.ts';
import { ConfigError } from './config/load.ts';

/** Exit code of a collector that lost its local store (disk full, read-only): systemd restarts it. */
export const EXIT_STORE_FAILED = 3;

/** Something with the component contract (forwarder, metrics exporter, alerts). */
export interface Component { start(): void | Promise<void>; stop(): void | Promise<void> }

/** What the collector tells listeners about each poll (alerts.onPoll, metrics). */
export type PollListener = (poll: PollRecord, sample: Sample | null, result: RateResult | null) => void;

export interface CollectorDeps {
  log?: Logger;
  /** Wall and monotonic clock for the samples. Default: the system clock. */
  clock?: Clock;
  /** SNMP client factory (tests pass a FakeSnmp). Default: net-snmp. */
  createSnmpClient?: (target: SnmpTarget) => SnmpClient;
  /** Switch config → target with secrets resolved. Default: targetFromConfig. */
  targetFor?: (sw: SwitchConfig) => SnmpTarget;
  /** The local store. Default: createStore(config.store). */
  store?: Store;
  scheduler?: Scheduler;
  /**
   * Components started after the store and stopped before it, in order. Default: the ones the
   * config asks for (sideComponents(): alerts, the InfluxDB forwarder, the metrics exporter).
   * Tests pass their own, or [] for none.
   */
  components?: Component[];
  /** Called with every poll after it is stored (alerts.onPoll, metrics). A throwing listener is logged, never fatal. */
  listeners?: PollListener[];
  /** The store could not be written: the collector has stopped polling. Default: log and process.exit(3). */
  onFatal?: (err: Error, code: number) => void;
  /** sd_notify sender. Default: sdNotifier() (a no-op unless NOTIFY_SOCKET is set). */
  notify?: Notifier;
}

export interface Collector {
  /** Opens the store, loads each switch's last sample, starts components and the poll jobs, sends READY=1. */
  start(): Promise<void>;
  /** Stops the poll jobs (waiting for polls in progress), the components, and closes the store. Idempotent. */
  stop(): Promise<void>;
  /** Polls one switch now (tests, `--once`); resolves when the poll is stored. */
  pollNow(switchName: string): Promise<void>;
  /** The last sample in memory per switch (the `prev` of the next poll). */
  lastSample(switchName: string): Sample | null;
}

/**
 * Create the collector. Creating stores the arguments only; start() opens I/O.
 * Each switch has its own SNMP client and its own poll job, so a dead switch is one sampled log
 * line and an `ok=false` poll row, and never delays the others.
 */
export function createCollector(config: Config, deps: CollectorDeps = {}): Collector {
  const log = deps.log ?? getLogger('collector');
  const clock = deps.clock ?? systemClock;
  const makeClient = deps.createSnmpClient ?? createSnmpClient;
  const targetFor = deps.targetFor ?? targetFromConfig;
  const notify = deps.notify ?? sdNotifier({ log });
  const maxIntervalSeconds = config.polling.interval * config.polling.maxGapIntervals;
  const clients = new Map<string, SnmpClient>();
  /** Include/exclude patterns per switch: its own, combined with its profile's (firmware-config/switches). */
  const filters = new Map<string, { include?: string[]; exclude?: string[] }>();
  const prevs = new Map<string, Sample | null>();
  let listeners: PollListener[] = [...(deps.listeners ?? [])];
  let store: Store | undefined;
  let scheduler: Scheduler | undefined;
  let components: Component[] = [];
  let started = false;
  let stopping: Promise<void> | null = null;
  let fatal = false;
  let watchdog: NodeJS.Timeout | undefined;
  /** Wall time of the last stored poll (ok or failed): the watchdog is fed only while polls progress. */
  let lastProgress = Date.now();
  /**
   * systemd's STATUS= (the "Status:" line of `systemctl status`): each switch's last poll. Sent when a switch turns
   * ok or failing, and with every watchdog ping, so it is never older than WatchdogSec/2 (the times say when).
   */
  const pollStates = new Map<string, { ok: boolean; since: number; t: number; ports: number }>();
  const hhmmss = (t: number) => `${new Date(t).toISOString().slice(11, 19)}Z`;
  const statusText = () => 'STATUS=' + [...pollStates].map(([sw, s]) => (s.ok
    ? `${sw} ok (${s.ports} port${s.ports === 1 ? '' : 's'}, polled ${hhmmss(s.t)})`
    : `${sw} failing since ${hhmmss(s.since)}`)).join(', ');
  function trackStatus(poll: PollRecord): void {
    const prev = pollStates.get(poll.switch);
    pollStates.set(poll.switch, { ok: poll.ok, since: prev && prev.ok === poll.ok ? prev.since : poll.t, t: poll.t, ports: poll.ports });
    if (started && (!prev || prev.ok !== poll.ok)) notify(statusText());
  }

  const onFatal = deps.onFatal ?? ((err: Error, code: number) => {
    log.error({ err: err.message, exitCode: code }, `${err.message}: stopping the collector (exit ${code}) rather than polling without a record`);
    void stop().finally(() => process.exit(code));
  });

  /** Store one poll; a store failure stops everything (the local store is the record). */
  function write(poll: PollRecord, sample: Sample | null, result: RateResult | null): boolean {
    if (fatal || !store) return false;
    try {
      store.writePoll(poll, sample, result);
      lastProgress = Date.now();
      trackStatus(poll);
    } catch (err) {
      fatal = true;
      const e = err instanceof Error ? err : new Error(String(err));
      // A StoreError already names the file, the switch and what is wrong ("disk full").
      onFatal(e.name === 'StoreError' ? e : new Error(`local store: store poll of switch ${poll.switch}: ${e.message}`), EXIT_STORE_FAILED);
      return false;
    }
    for (const l of listeners) {
      try { l(poll, sample, result); } catch (err) {
        log.sampled('error', `listener:${poll.switch}`, { switch: poll.switch, err: (err as Error)?.message }, 'poll listener failed');
      }
    }
    return true;
  }

  // Port roles (issue 14): the roles of each poll's interfaces, stored when they change (migration 007).
  const roleWriter = createRoleWriter(() => store!.db, () => clock.now());
  const compiledRoles = new Map<string, CompiledRoles>();
  /** What the last roles were decided from, per switch: the stack rows (cached hourly, same array) and the interfaces. */
  const rolesFrom = new Map<string, { stack: Sample['stack']; ifs: string }>();
  function saveSwitchRoles(sw: SwitchConfig, sample: Sample): void {
    try {
      let c = compiledRoles.get(sw.name);
      if (!c) compiledRoles.set(sw.name, (c = compileRoles(sw)));
      const ifs = sample.interfaces.map((i) => ({ ifIndex: i.ifIndex, name: i.name, ifType: i.ifType, hasCounters: i.inOctets !== null || i.outOctets !== null }));
      // Roles change only with the interfaces or the stack: most polls skip deciding them again.
      const from = { stack: sample.stack, ifs: ifs.map((i) => `${i.ifIndex}\t${i.name}\t${i.ifType}\t${i.hasCounters ? 1 : 0}`).join('\n') };
      const seen = rolesFrom.get(sw.name);
      if (seen && seen.stack === from.stack && seen.ifs === from.ifs) return;
      if (roleWriter(sw.name, portRoles(sw.name, c, ifs, sample.stack ?? [])) && sample.stack?.length) log.debug({ switch: sw.name }, 'port roles updated');
      rolesFrom.set(sw.name, from); // after a successful write: a failed one is tried again next poll
    } catch (err) {
      log.sampled('error', `roles:${sw.name}`, { switch: sw.name, err: (err as Error)?.message }, `switch ${sw.name}: store port roles: ${(err as Error)?.message}`);
    }
  }

  async function pollOne(sw: SwitchConfig): Promise<void> {
    if (fatal) return;
    const client = clients.get(sw.name);
    if (!client) return;
    const t0 = clock.mono();
    let sample: Sample;
    try {
      const f = filters.get(sw.name) ?? {};
      // Port roles (issue 14): ignored ports are not polled; ifStackTable is read hourly for LAGs.
      const exclude = [...(f.exclude ?? []), ...(sw.roles?.ignored ?? [])];
      sample = await pollSwitch(client, { name: sw.name, include: f.include, exclude, maxRepetitions: sw.maxRepetitions, stack: sw.roles?.lags !== false }, clock);
    } catch (err) {
      const raw = (err as Error)?.message ?? String(err);
      // pollSwitch's SnmpError already names the switch and step; anything else gets them here.
      const error = raw.startsWith(`switch ${sw.name} `) ? raw : `switch ${sw.name} (${sw.host}:${sw.port}): poll: ${raw}`;
      log.sampled('warn', `poll:${sw.name}`, { switch: sw.name }, error);
      write({ switch: sw.name, t: clock.now(), durationMs: clock.mono() - t0, ok: false, ports: 0, error }, null, null);
      return;
    }
    const prev = prevs.get(sw.name) ?? null;
    const result = prev ? computeRates(prev, sample, { maxIntervalSeconds }) : null;
    const poll: PollRecord = { switch: sw.name, t: sample.time, durationMs: clock.mono() - t0, ok: true, ports: sample.interfaces.length, sysUpTime: sample.sysUpTime };
    if (write(poll, sample, result)) {
      prevs.set(sw.name, sample);
      saveSwitchRoles(sw, sample);
      log.debug({ switch: sw.name, ports: poll.ports, rates: result?.rates.length ?? 0, gaps: result?.gaps.length ?? 0, ms: Math.round(poll.durationMs) }, 'poll stored');
    }
  }

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    // Member windows and month figures (issue 11) are written as windows close; the first start computes them.
    store = deps.store ?? createStore(config.store, { log: log.child('store'), figures: createFigures(config, { log: getLogger('collector:figures') }) });
    store.start();
    for (const sw of config.switches) {
      filters.set(sw.name, filtersFor(sw)); // a missing or broken profile is a ConfigError here
      prevs.set(sw.name, store.lastSample(sw.name));
      clients.set(sw.name, makeClient(targetFor(sw)));
    }
    if (deps.components) {
      components = deps.components;
    } else {
      // A latency round that cannot be stored stops the collector like a poll that cannot (EXIT_STORE_FAILED).
      const side = await sideComponents(config, store, log, (e) => { if (!fatal) { fatal = true; onFatal(e, EXIT_STORE_FAILED); } });
      components = side.components;
      listeners = [...listeners, ...side.listeners];
    }
    for (const c of components) await c.start();
    scheduler = deps.scheduler ?? createScheduler({ log: log.child('schedule') });
    for (const sw of config.switches) {
      scheduler.add({ name: `poll ${sw.name}`, everySeconds: config.polling.interval, fields: { switch: sw.name }, run: () => pollOne(sw) });
    }
    scheduler.start();
    log.info({ switches: config.switches.length, interval: config.polling.interval, store: config.store.path }, 'collector started');
    notify('READY=1');
    const usec = Number(process.env.WATCHDOG_USEC);
    const wdPid = process.env.WATCHDOG_PID;
    if (process.env.NOTIFY_SOCKET && usec > 0 && (!wdPid || Number(wdPid) === process.pid)) {
      // Fed only while polls get stored: a wedged poll loop (not just a blocked event loop) gets
      // the service restarted. Two intervals plus a minute of slack covers slow and failed polls.
      lastProgress = Date.now();
      const stale = 2 * config.polling.interval * 1000 + 60_000;
      watchdog = setInterval(() => {
        if (Date.now() - lastProgress <= stale) notify(pollStates.size ? `WATCHDOG=1\n${statusText()}` : 'WATCHDOG=1');
        else log.sampled('error', 'watchdog', { sinceMs: Date.now() - lastProgress }, 'no poll stored for too long: not feeding the systemd watchdog');
      }, Math.max(1000, usec / 2000));
      watchdog.unref();
    }
  }

  function stop(): Promise<void> {
    if (!started) return Promise.resolve();
    stopping ??= (async () => {
      notify('STOPPING=1');
      clearInterval(watchdog);
      await scheduler?.stop(); // waits for the polls in progress
      for (const c of [...components].reverse()) {
        try { await c.stop(); } catch (err) { log.error({ err: (err as Error)?.message }, 'component stop failed'); }
      }
      for (const c of clients.values()) c.close();
      clients.clear();
      try { store?.stop(); store?.close(); } catch (err) { log.error({ err: (err as Error)?.message }, 'closing the store failed'); }
      log.info('collector stopped');
    })();
    return stopping;
  }

  return {
    start,
    stop,
    async pollNow(name) {
      const sw = config.switches.find((s) => s.name === name);
      if (!sw) throw new Error(`no switch named ${name}`);
      await pollOne(sw);
    },
    lastSample: (name) => prevs.get(name) ?? null,
  };
}

/**
 * The components hanging off the store that the config asks for: alerts (config.alerts.enabled),
 * the InfluxDB forwarder (config.influxdb set) and the Prometheus metrics exporter
 * (config.metrics.listen not empty). Members are resolved once here for tags and alert text.
 * Creating them opens nothing; start() does.
 */
export async function sideComponents(config: Config, store: Store, log: Logger, onStoreFailure?: (err: Error) => void): Promise<{ components: Component[]; listeners: PollListener[] }> {
  const components: Component[] = [];
  const listeners: PollListener[] = [];
  const members = resolveMembers(config, { db: store.db });
  if (config.metrics.listen) {
    const metrics = createMetrics(config.metrics, { store, log: getLogger('collector:metrics') });
    components.push(metrics);
    listeners.push((p, _s, r) => metrics.onPoll(p, _s, r));
  }
  if (config.influxdb) {
    const forwarder = createForwarder({ ...config.influxdb, ixp: config.ixp?.id ?? 'ixp', timezone: config.ixp?.timezone }, {
      store, log: getLogger('collector:forward'), tagsFor: (sw, port, time) => members.tagsFor(sw, port, time),
    });
    components.push(forwarder);
    // A stored poll is new work for the forwarder: send it now rather than at the next idle check.
    listeners.push((p) => { if (p.ok) forwarder.kick(); });
    // Metadata points (ixp_info, ixp_member_info, ixp_port_info): all at start, a switch's ports after its polls.
    const meta = createMetaSync(config, { store, members, log: getLogger('collector:meta'), kick: () => forwarder.kick() });
    components.push(meta); listeners.push((p, s) => meta.onPoll(p, s));
  }
  if (config.alerts?.enabled) {
    const alerts = createAlerts({ alerts: config.alerts, ixp: config.ixp }, {
      db: store.db, log: getLogger('alerts'), memberForPort: (sw, port, time) => members.memberForPort(sw, port, time),
      // Age of the oldest row InfluxDB has not acknowledged; only meaningful when forwarding.
      backlogAge: config.influxdb ? () => oldestUnsentAge(store) : undefined,
    });
    components.push(alerts);
    listeners.push((p, s, r) => alerts.onPoll(p, s, r));
  }
  if (config.latency) {
    // Latency probes (collector/latency): fping rounds to members' routers and references, stored and forwarded.
    const lat = config.latency;
    const alerts = components.find((c): c is Alerts => 'onLatencyRound' in c);
    const latency = createLatency(lat, {
      store, log: getLogger('collector:latency'), nameOf: (asn) => members.get(asn)?.name.value, ixfFile: config.memberSources?.ixf,
      onRound: alerts ? (r) => alerts.onLatencyRound(r, lat.alerts, lat.outageRounds) : undefined, onStoreFailure,
    });
    try { latency.targets(); } catch (e) {
      // A bad address or timing is a configuration error naming the option (exit 2), found before anything starts.
      if (e instanceof TargetError) throw new ConfigError('latency', [e.message]);
      throw e;
    }
    components.push(latency);
  }
  // sFlow (config.sflow set): the peer-to-peer matrix per 5-minute window, stored and forwarded as ixp_p2p_5m.
  if (config.sflow) {
    const { createSflow } = await import('./sflow/index.ts');
    const { sflowProblems } = await import('./sflow/config.ts');
    const problems = sflowProblems(config);
    if (problems.length) throw new ConfigError('config', problems);
    components.push(createSflow(config, { store, log: getLogger('collector:sflow') }));
  }
  return { components, listeners };
}

/** Seconds since the oldest stored row not yet acknowledged by InfluxDB; null when none is waiting. */
function oldestUnsentAge(store: Store, now = Date.now()): number | null {
  let oldest: number | null = null;
  for (const b of store.backlog()) if (b.oldest !== null && (oldest === null || b.oldest < oldest)) oldest = b.oldest;
  return oldest === null ? null : Math.max(0, (now - oldest) / 1000);
}

/** Sends one sd_notify state line (READY=1, WATCHDOG=1, STOPPING=1). Never throws. */
export type Notifier = (state: string) => void;

/**
 * sd_notify without a native module. Node cannot send on a unix datagram socket, so the message
 * goes through a helper binary: `systemd-notify --pid=<our pid> STATE` (present wherever systemd
 * is; the unit then needs NotifyAccess=all, because the datagram comes from the helper's pid), or
 * else `socat` (UNIX-SENDTO, ABSTRACT-SENDTO for '@' sockets). A no-op when NOTIFY_SOCKET is not set.
 */
export function sdNotifier(opts: { log?: Logger; env?: NodeJS.ProcessEnv; pid?: number } = {}): Notifier {
  const env = opts.env ?? process.env;
  const socket = env.NOTIFY_SOCKET;
  const log = opts.log ?? getLogger('collector');
  if (!socket) return () => {};
  const pid = opts.pid ?? process.pid;
  const useSystemd = ['/usr/bin/systemd-notify', '/bin/systemd-notify'].find((p) => existsSync(p));
  return (state) => {
    const done = (err: Error | null) => { if (err) log.sampled('warn', 'sd_notify', { state }, `sd_notify ${state} failed: ${err.message.split('\n')[0]}`); };
    if (useSystemd) {
      execFile(useSystemd, [`--pid=${pid}`, state], { env: { ...env, NOTIFY_SOCKET: socket }, timeout: 5000 }, done);
    } else {
      const addr = socket.startsWith('@') ? `ABSTRACT-SENDTO:${socket.slice(1)}` : `UNIX-SENDTO:${socket}`;
      const child = execFile('socat', ['-u', 'STDIN', addr], { timeout: 5000 }, done);
      child.stdin?.end(state + '\n');
    }
  };
}
