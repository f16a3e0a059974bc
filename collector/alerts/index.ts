// The alerts component: on each poll, evaluates the rules (rules.ts), runs each finding through the
// state machine, queues messages in the persisted outbox, and delivers each channel on its own.
// Creating it only stores its arguments; start() opens the outbox and the channels. Never blocks a poll on sending.
import type Database from 'better-sqlite3';
import type { Logger } from '../log.ts';
import { getLogger } from '../log.ts';
import type { IxpConfig } from '../config/types.ts';
import { resolveSecret } from '../config/secrets.ts';
import type { Sample, RateResult, PortRate } from '../rates/types.ts';
import type { AlertsConfig } from './config.ts';
import { openOutbox, type Outbox, type OutboxRow } from './outbox.ts';
import {
  transition, INITIAL_STATE, evaluatePortDown, evaluateUtilisation, evaluateErrors, evaluateUnreachable, evaluateBacklog,
  evaluateCollapse, type AlertState, type Finding, type PortView, type Policy,
} from './rules.ts';
import { createCapacitySource, evaluateCapacity } from './capacity.ts';
import { loadRoles } from '../members/roleStore.ts';
import { buildMessage, smsText, type AlertMessage } from './message.ts';
import { ChannelError, type Channel } from './channel.ts';
import { createWebhookChannel } from './webhook.ts';
import { createModem, type Modem } from './modem.ts';
import { rollupHistory, type HistoryFn, type PortRef } from './history.ts';
import { evaluateLatencyRound, type LatencyAlertRules, type RoundTarget } from './latency.ts';

export { ChannelError, type Channel } from './channel.ts';

/** The poll outcome the rules read (the store's PollRecord fits). */
export interface AlertPoll { switch: string; t: number; ok: boolean; error?: string }

/** A member as the resolver returns it (members helper's MemberRegistry.memberForPort). */
export interface MemberRef { asn: number; name: string }

export interface AlertsDeps {
  /** The local store's better-sqlite3 handle: the outbox lives there, and the baseline is read from its rollups. */
  db: Database.Database;
  log?: Logger;
  now?: () => number;
  /** Which member a port belongs to (for messages, the members-only port rule and the member collapse rule). */
  memberForPort?: (switchName: string, port: string, time?: number) => MemberRef | undefined;
  /** Baseline reader; default: rollupHistory(db). */
  history?: HistoryFn;
  /** Age in seconds of the oldest row InfluxDB has not acknowledged (null: none pending). Absent: rule off. */
  backlogAge?: () => number | null;
  /** Channels to use instead of the configured ones (tests). */
  channels?: Channel[];
  /** Modem to use for the SMS channel instead of opening the configured serial device. */
  modem?: Modem;
  env?: NodeJS.ProcessEnv;
}

export interface Alerts {
  start(): void;
  stop(): Promise<void>;
  /** Evaluate the rules for one poll and queue any messages. Synchronous; never throws for rule problems. */
  onPoll(poll: AlertPoll, sample: Sample | null, result: RateResult | null): void;
  /** Try every channel's due messages now; resolves when this round is done. */
  flush(): Promise<void>;
  /** Current rule states (for status pages and tests). */
  states(): Map<string, AlertState>;
  /** Outbox health per channel (for the health panel and metrics): messages waiting, age of the oldest, last error. */
  health(): { channel: string; pending: number; oldestAgeSeconds: number | null; lastError: string | null }[];
  /** Modem registration and signal (AT+CREG?, AT+CSQ), or null without an SMS channel. */
  modemStatus(): Promise<{ registered: boolean | null; signal: number | null } | null>;
  /**
   * Evaluate the latency rules for one stored fping round (collector/latency) and queue any messages: loss to a
   * member's router, a router silent while its port is up, an international outage beginning and ending.
   * `outageRounds`: silent rounds before an outage is declared. Synchronous; never throws for rule problems.
   */
  onLatencyRound(round: { t: number; ok: boolean; rows: RoundTarget[] }, rules: LatencyAlertRules, outageRounds: number): void;
}

/** Builds the channels the config asks for (the SMS channel over a modem). Resolves the SIM PIN. */
export function createChannels(cfg: AlertsConfig, deps: { log: Logger; modem?: Modem; env?: NodeJS.ProcessEnv }): Channel[] {
  const out: Channel[] = [];
  const ch = cfg.channels;
  if (ch.log.enabled) out.push(createLogChannel(deps.log.child('log')));
  if (ch.webhook) out.push(createWebhookChannel(ch.webhook));
  if (ch.sms) {
    const sms = ch.sms;
    const modem = deps.modem ?? createModem(
      { device: sms.device, baud: sms.baud, timeout: sms.timeout, retries: sms.retries, pin: sms.pin === undefined ? undefined : resolveSecret(sms.pin, 'alerts.channels.sms.pin', deps.env) },
      { log: deps.log.child('sms') },
    );
    out.push({
      name: 'sms',
      recipients: () => sms.recipients,
      async send(m, to) {
        try { await modem.send(to, smsText(m)); } catch (err) {
          throw new ChannelError((err as Error).message, (err as { kind?: string }).kind === 'input');
        }
      },
      close: () => modem.close(),
    });
  }
  return out;
}

/** The log channel: one line per alert at warn (firing) or info (recovered, test). */
export function createLogChannel(log: Logger): Channel {
  return {
    name: 'log',
    recipients: () => [''],
    async send(m) {
      const fields = { key: m.key, rule: m.rule, kind: m.kind, switch: m.switch, port: m.port, state: m.state };
      if (m.kind === 'firing' || m.kind === 'reminder') log.warn(fields, m.text);
      else log.info(fields, m.text);
    },
    close: async () => {},
  };
}

const STALE_MS = 15 * 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;
const IDLE_CHECK_MS = 30_000;

/** Create the alerts component. Nothing is opened until start(). */
export function createAlerts(cfg: { alerts: AlertsConfig; ixp?: Pick<IxpConfig, 'id' | 'name'> }, deps: AlertsDeps): Alerts {
  const log = deps.log ?? getLogger('alerts');
  let modem: Modem | undefined = deps.modem;
  const now = deps.now ?? Date.now;
  const a = cfg.alerts;
  const ixpName = cfg.ixp?.id?.toUpperCase() ?? 'IXP';
  let outbox: Outbox | null = null;
  let channels: Channel[] = [];
  let states = new Map<string, AlertState>();
  let history: HistoryFn | null = null;
  const timers = new Map<string, NodeJS.Timeout>();
  const busy = new Map<string, Promise<void>>();
  let stopped = true;
  /** Latest per-switch traffic for the collapse rules: switch -> {t, ports}. */
  const latest = new Map<string, { t: number; ports: { ref: PortRef; member?: string; bps: number | null; inBps: number | null; counted: boolean }[] }>();
  const baselineCache = new Map<string, (number | null)[]>();
  /** Latency rules: whether each member's ports are up, from the latest poll of each switch (switch -> asn -> any up). */
  const memberPortsUp = new Map<string, Map<number, boolean>>();

  function schedule(ch: Channel, delayMs: number): void {
    if (stopped) return;
    clearTimeout(timers.get(ch.name));
    const t = setTimeout(() => { void pump(ch); }, Math.max(0, delayMs));
    t.unref?.();
    timers.set(ch.name, t);
  }

  function pump(ch: Channel): Promise<void> {
    const running = busy.get(ch.name);
    if (running) return running;
    const p = deliver(ch).finally(() => {
      busy.delete(ch.name);
      if (!stopped && outbox) {
        const next = outbox.nextDue(ch.name);
        schedule(ch, next === null ? IDLE_CHECK_MS : Math.min(IDLE_CHECK_MS, next - now()));
      }
    });
    busy.set(ch.name, p);
    return p;
  }

  async function deliver(ch: Channel): Promise<void> {
    const box = outbox;
    if (!box) return;
    const t0 = now();
    for (const row of box.expire(t0 - a.maxAge * 1000, t0 - 7 * 86_400_000, t0)) {
      log.error({ channel: row.channel, key: row.message.key, attempts: row.attempts, err: row.lastError }, `alert given up after ${a.maxAge} s: ${row.message.text}`);
    }
    for (;;) {
      if (stopped && outbox === null) return;
      const rows = box.due(ch.name, now(), 10);
      if (rows.length === 0) return;
      for (const row of rows) {
        if (!(await sendRow(box, ch, row))) return; // the channel is failing: leave the rest for later
      }
    }
  }

  async function sendRow(box: Outbox, ch: Channel, row: OutboxRow): Promise<boolean> {
    try {
      await ch.send(row.message, row.recipient);
      box.markSent(row.id, now());
      if (ch.name !== 'log') log.info({ channel: ch.name, key: row.message.key, attempts: row.attempts + 1 }, 'alert delivered');
      return true;
    } catch (err) {
      const msg = (err as Error).message;
      if (err instanceof ChannelError && err.permanent) {
        box.markFailed(row.id, msg, now());
        log.error({ channel: ch.name, key: row.message.key, err: msg }, 'alert cannot be delivered; parked');
        return true;
      }
      const backoff = Math.min(MAX_BACKOFF_MS, 5000 * 2 ** Math.min(row.attempts, 10));
      box.markRetry(row.id, msg, now() + backoff * (0.8 + Math.random() * 0.4));
      log.sampled('warn', `deliver:${ch.name}`, { channel: ch.name, key: row.message.key, attempts: row.attempts + 1, err: msg }, 'alert delivery failed; will retry', 60_000);
      return false;
    }
  }

  // The IXP's own ports (port roles, migration 007), re-read once a minute: watched by the port-down rule.
  let ownPorts: { at: number; roles: Map<string, string> } | undefined;
  function ownPortOf(sw: string, port: string, t: number): string | undefined {
    if (!ownPorts || t - ownPorts.at > 60_000 || t < ownPorts.at) {
      let roles = new Map<string, string>();
      try { roles = new Map(loadRoles(deps.db).filter((r) => r.role === 'trunk' || r.role === 'uplink' || r.role === 'service').map((r) => [`${r.switch}\u0000${r.port}`, r.role!])); } catch { /* no roles table */ }
      ownPorts = { at: t, roles };
    }
    return ownPorts.roles.get(`${sw}\u0000${port}`);
  }
  let capacity: ReturnType<typeof createCapacitySource> | undefined;
  let capacityAt = -Infinity;

  function enqueue(m: AlertMessage): void {
    if (!outbox) return;
    const t = now();
    for (const ch of channels) for (const r of ch.recipients()) outbox.enqueue(ch.name, r, m, t);
    for (const ch of channels) void pump(ch);
  }

  function apply(findings: Finding[], t: number, pendingFor?: (f: Finding) => number | undefined): void {
    const box = outbox;
    if (!box) return;
    for (const f of findings) {
      const policy: Policy = {
        pendingPolls: pendingFor?.(f) ?? a.pendingPolls,
        forMs: f.rule === 'utilisation' ? a.rules.utilisation.sustained * 1000 : 0,
        resendMs: a.resendInterval * 1000,
      };
      const prev = states.get(f.key) ?? INITIAL_STATE;
      const { state, notify } = transition(prev, { bad: f.bad, t }, policy);
      if (state !== prev) {
        if (state.status === 'OK') states.delete(f.key); else states.set(f.key, state);
        box.saveState(f.key, state, t);
      }
      if (notify) enqueue(buildMessage(ixpName, f, notify, t));
    }
  }

  function memberLabel(sw: string, port: string, t: number): string | undefined {
    const m = deps.memberForPort?.(sw, port, t);
    return m ? `AS${m.asn} ${m.name}` : undefined;
  }

  function collapseFindings(t: number): Finding[] {
    const hist = history;
    if (!hist) return [];
    const out: Finding[] = [];
    const members = new Map<string, { refs: PortRef[]; bps: number | null }>();
    const exchange = { refs: [] as PortRef[], bps: null as number | null };
    for (const [sw, entry] of latest) {
      if (t - entry.t > STALE_MS) { latest.delete(sw); continue; }
      for (const p of entry.ports) {
        if (p.member) {
          const m = members.get(p.member) ?? { refs: [], bps: null };
          m.refs.push(p.ref);
          if (p.bps !== null) m.bps = (m.bps ?? 0) + p.bps;
          members.set(p.member, m);
        }
        if (p.counted) {
          exchange.refs.push(p.ref);
          if (p.inBps !== null) exchange.bps = (exchange.bps ?? 0) + p.inBps;
        }
      }
    }
    const hourKey = Math.floor(t / 3_600_000);
    const baseline = (key: string, refs: PortRef[], weeks: number, dir: 'both' | 'in') => {
      const k = `${key}|${hourKey}|${refs.length}`;
      let h = baselineCache.get(k);
      if (!h) {
        try { h = hist(refs, t, weeks, dir); } catch (err) {
          log.sampled('warn', 'history', { err: (err as Error).message }, 'cannot read the traffic baseline', 600_000);
          h = [];
        }
        if (baselineCache.size > 5000) baselineCache.clear();
        baselineCache.set(k, h);
      }
      return h;
    };
    const mr = a.rules.memberCollapse;
    if (mr.enabled) {
      for (const [label, m] of members) {
        out.push(...evaluateCollapse({ key: `member-collapse|${label}`, rule: 'member-collapse', member: label }, m.bps, baseline(`m:${label}`, m.refs, mr.weeks, 'both'), mr));
      }
    }
    const er = a.rules.exchangeCollapse;
    if (er.enabled && exchange.refs.length) {
      out.push(...evaluateCollapse({ key: 'exchange-collapse', rule: 'exchange-collapse' }, exchange.bps, baseline('x', exchange.refs, er.weeks, 'in'), er));
    }
    return out;
  }

  return {
    start() {
      if (!stopped) return;
      outbox = openOutbox(deps.db);
      states = outbox.loadStates();
      history = deps.history ?? rollupHistory(deps.db);
      capacity = createCapacitySource(deps.db, (sw, port) => memberLabel(sw, port, now()));
      if (!modem && !deps.channels && a.channels.sms) {
        const sms = a.channels.sms;
        modem = createModem(
          { device: sms.device, baud: sms.baud, timeout: sms.timeout, retries: sms.retries, pin: sms.pin === undefined ? undefined : resolveSecret(sms.pin, 'alerts.channels.sms.pin', deps.env) },
          { log: log.child('sms') },
        );
      }
      channels = deps.channels ?? createChannels(a, { log, modem, env: deps.env });
      stopped = false;
      const pending = outbox.pending();
      if (pending.length) log.info({ pending: pending.length }, 'alerts waiting in the outbox from before the restart');
      for (const ch of channels) schedule(ch, 0);
    },

    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...busy.values()]);
      await Promise.allSettled(channels.map((c) => c.close()));
      outbox = null;
    },

    onPoll(poll, sample, result) {
      if (!a.enabled || !outbox) return;
      const t = sample?.time ?? poll.t;
      try {
        const findings: Finding[] = [...evaluateUnreachable(poll, a.rules.unreachable)];
        if (sample) {
          const byIndex = new Map<number, PortRate>();
          for (const r of result?.rates ?? []) byIndex.set(r.ifIndex, r);
          const views: PortView[] = sample.interfaces.map((i) => ({
            switch: sample.switch, name: i.name, alias: i.alias, operStatus: i.operStatus, adminStatus: i.adminStatus,
            member: memberLabel(sample.switch, i.name, t), rate: byIndex.get(i.ifIndex), ownPort: ownPortOf(sample.switch, i.name, t),
          }));
          findings.push(...evaluatePortDown(views, a.rules.portDown), ...evaluateUtilisation(views, a.rules.utilisation), ...evaluateErrors(views, a.rules.errors));
          // For the latency rules: is any port of each member up (operStatus 1)?
          const up = new Map<number, boolean>();
          for (const i of sample.interfaces) {
            const m = deps.memberForPort?.(sample.switch, i.name, t);
            if (m && i.operStatus !== null) up.set(m.asn, (up.get(m.asn) ?? false) || i.operStatus === 1);
          }
          memberPortsUp.set(sample.switch, up);
          if (result) {
            const anyMember = views.some((v) => v.member);
            latest.set(sample.switch, {
              t,
              ports: views.map((v, k) => ({
                ref: { switch: v.switch, port: v.name },
                member: v.member,
                bps: v.rate && (v.rate.inBps !== null || v.rate.outBps !== null) ? (v.rate.inBps ?? 0) + (v.rate.outBps ?? 0) : null,
                inBps: v.rate?.inBps ?? null,
                // The exchange's traffic: member ports when members are known, else every Ethernet port.
                counted: anyMember ? !!v.member : sample.interfaces[k].ifType === 6,
              })),
            });
            findings.push(...collapseFindings(t));
          }
        }
        if (deps.backlogAge) findings.push(...evaluateBacklog(deps.backlogAge(), a.rules.forwardBacklog));
        // Capacity ahead of time (issue 14): forecasts from the store's rollups, evaluated at most once a minute.
        const cap = a.rules.capacity ?? { enabled: true, threshold: 0.8, withinDays: 60 };
        if (cap.enabled && capacity && t - capacityAt >= 60_000) {
          capacityAt = t;
          try { findings.push(...evaluateCapacity(capacity.forecasts(t, cap.threshold), cap, t)); } catch (err) {
            log.sampled('warn', 'capacity', { err: (err as Error).message }, 'cannot read the capacity history', 600_000);
          }
        }
        apply(findings, t);
      } catch (err) {
        log.sampled('error', `onPoll:${poll.switch}`, { switch: poll.switch, err: (err as Error).message }, 'alert evaluation failed', 60_000);
      }
    },

    async flush() {
      await Promise.all(channels.map((ch) => pump(ch)));
    },

    states: () => new Map(states),

    health() {
      const rows = outbox?.pending() ?? [];
      const t = now();
      return channels.map((ch) => {
        const mine = rows.filter((r) => r.channel === ch.name);
        const oldest = mine.reduce<number | null>((m, r) => (m === null || r.created < m ? r.created : m), null);
        return { channel: ch.name, pending: mine.length, oldestAgeSeconds: oldest === null ? null : (t - oldest) / 1000, lastError: mine.find((r) => r.lastError)?.lastError ?? null };
      });
    },

    async modemStatus() {
      return modem && !stopped ? modem.status() : null;
    },

    onLatencyRound(round, rules, outageRounds) {
      if (!a.enabled || !outbox) return;
      try {
        const portUp = (asn: number): boolean | null => {
          let known: boolean | null = null;
          for (const m of memberPortsUp.values()) { const v = m.get(asn); if (v !== undefined) known = (known ?? false) || v; }
          return known;
        };
        const pending = (f: Finding) => (f.rule === 'latency-loss' ? rules.lossRounds : f.rule === 'latency-silent' ? rules.silentRounds : f.rule === 'international-outage' ? outageRounds : undefined);
        apply(evaluateLatencyRound(round, portUp, rules), round.t, pending);
      } catch (err) {
        log.sampled('error', 'onLatencyRound', { err: (err as Error).message }, 'latency alert evaluation failed', 60_000);
      }
    },
  };
}
