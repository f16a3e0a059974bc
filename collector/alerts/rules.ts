// The alert rules, pure: what each poll says about each condition (evaluate*), and the state
// machine that damps flapping and decides when to notify (transition / shouldNotify).
// No clock, no I/O, no logging: times arrive in the inputs.
import type { PortRate } from '../rates/types.ts';
import type { AlertRulesConfig } from './config.ts';

/** OK: nothing wrong. PENDING: wrong for fewer polls than the policy asks. FIRING: notified. */
export type AlertStatus = 'OK' | 'PENDING' | 'FIRING';

/** The remembered state of one alert key (e.g. `port-down|sw1|Ethernet1`). */
export interface AlertState {
  status: AlertStatus;
  /** Consecutive bad observations so far (PENDING and FIRING). */
  badCount: number;
  /** Time of the first bad observation of this episode, epoch ms (null when OK). */
  since: number | null;
  /** When the last FIRING or reminder message was queued, epoch ms (null when none). */
  lastSentAt: number | null;
}

export const INITIAL_STATE: AlertState = { status: 'OK', badCount: 0, since: null, lastSentAt: null };

/** One observation of a condition: bad (true), good (false), or unknown (null: no data, no verdict). */
export interface Observation {
  bad: boolean | null;
  /** Time of the observation, epoch ms. */
  t: number;
}

export interface Policy {
  /** Consecutive bad polls before FIRING (1: fire at once). */
  pendingPolls: number;
  /** And the condition must have held this many ms (sustained rules; 0 otherwise). */
  forMs: number;
  /** Ms between reminders while FIRING; 0: never remind. */
  resendMs: number;
}

/** What to send after a transition: nothing, the first alarm, a reminder, or the one recovery message. */
export type Notify = 'firing' | 'reminder' | 'recovered' | null;

/**
 * The alert state machine. Truth table (every row is a unit test in test/unit/alerts/rules.test.ts):
 *
 * | prev     | observation | condition                                             | next               | notify    |
 * |----------|-------------|-------------------------------------------------------|--------------------|-----------|
 * | any      | unknown     | -                                                     | prev (unchanged)   | null      |
 * | OK       | good        | -                                                     | OK                 | null      |
 * | OK       | bad         | 1 >= pendingPolls and forMs == 0                      | FIRING (since = t) | firing    |
 * | OK       | bad         | otherwise                                             | PENDING (count 1)  | null      |
 * | PENDING  | bad         | count+1 >= pendingPolls and t - since >= forMs        | FIRING             | firing    |
 * | PENDING  | bad         | otherwise                                             | PENDING (count+1)  | null      |
 * | PENDING  | good        | -                                                     | OK                 | null (nothing was sent, so no recovery) |
 * | FIRING   | bad         | resendMs > 0 and t - lastSentAt >= resendMs           | FIRING             | reminder  |
 * | FIRING   | bad         | otherwise                                             | FIRING             | null      |
 * | FIRING   | good        | -                                                     | OK                 | recovered (once) |
 */
export function transition(prev: AlertState, obs: Observation, policy: Policy): { state: AlertState; notify: Notify } {
  if (obs.bad === null) return { state: prev, notify: null };
  if (!obs.bad) {
    if (prev.status === 'FIRING') return { state: INITIAL_STATE, notify: 'recovered' };
    return { state: INITIAL_STATE, notify: null };
  }
  if (prev.status === 'FIRING') {
    const due = policy.resendMs > 0 && prev.lastSentAt !== null && obs.t - prev.lastSentAt >= policy.resendMs;
    const state = { ...prev, badCount: prev.badCount + 1, lastSentAt: due ? obs.t : prev.lastSentAt };
    return { state, notify: due ? 'reminder' : null };
  }
  const badCount = prev.status === 'PENDING' ? prev.badCount + 1 : 1;
  const since = prev.status === 'PENDING' && prev.since !== null ? prev.since : obs.t;
  if (badCount >= policy.pendingPolls && obs.t - since >= policy.forMs) {
    return { state: { status: 'FIRING', badCount, since, lastSentAt: obs.t }, notify: 'firing' };
  }
  return { state: { status: 'PENDING', badCount, since, lastSentAt: null }, notify: null };
}

/** The notification a transition asks for (the uptime-kuma style name for `transition(...).notify`). */
export function shouldNotify(prev: AlertState, cur: Observation, policy: Policy): Notify {
  return transition(prev, cur, policy).notify;
}

// ---------------------------------------------------------------------------------------------
// Conditions. Each returns findings: an alert key, whether it is bad now, and the words for a message.

export type RuleName = 'port-down' | 'member-collapse' | 'exchange-collapse' | 'utilisation' | 'errors' | 'unreachable' | 'forward-backlog' | 'capacity'
  // Latency probes (collector/alerts/latency.ts)
  | 'latency-loss' | 'latency-silent' | 'international-outage';

/** One condition as seen by one poll. */
export interface Finding {
  key: string;
  rule: RuleName;
  bad: boolean | null;
  switch?: string;
  port?: string;
  member?: string;
  /** Short state word for messages: DOWN, UP, LOW, HIGH, UNREACHABLE... (the bad one). */
  state: string;
  /** Short description of the problem, e.g. "traffic 3 Mb/s vs 120 Mb/s usual". */
  detail: string;
  value?: number;
  threshold?: number;
}

/** A port as the rules see it (from the Sample and the rates of one poll). */
export interface PortView {
  switch: string;
  name: string;
  alias: string;
  operStatus: number | null;
  adminStatus: number | null;
  /** Member label ("AS65001 Name") when known. */
  member?: string;
  /** The IXP's own port (trunk, uplink, service: port roles), watched like a member port. */
  ownPort?: string;
  rate?: PortRate;
}

const UP = 1;
/** ifOperStatus values that mean a failed link (RFC 2863): down(2), lowerLayerDown(7). notPresent(6) is an empty slot. */
const FAILED = new Set([2, 7]);

/** Port down / up. Only admin-up ports (an admin-down port is intended), and by default only member ports. */
export function evaluatePortDown(ports: PortView[], rule: AlertRulesConfig['portDown']): Finding[] {
  if (!rule.enabled) return [];
  const out: Finding[] = [];
  for (const p of ports) {
    if (rule.ports === 'members' && !p.member && !p.alias.trim() && !p.ownPort) continue;
    let bad: boolean | null;
    if (p.operStatus === null) bad = null;
    else if (p.adminStatus !== null && p.adminStatus !== UP) bad = false;
    else if (p.operStatus === UP) bad = false;
    else if (FAILED.has(p.operStatus)) bad = true;
    else bad = null; // testing, unknown, dormant, notPresent: no verdict
    out.push({ key: `port-down|${p.switch}|${p.name}`, rule: 'port-down', bad, switch: p.switch, port: p.name, member: p.member ?? (p.alias.trim() || p.ownPort || undefined), state: 'DOWN', detail: 'port down' });
  }
  return out;
}

/** Utilisation above threshold (the sustained time is the policy's forMs). */
export function evaluateUtilisation(ports: PortView[], rule: AlertRulesConfig['utilisation']): Finding[] {
  if (!rule.enabled) return [];
  const out: Finding[] = [];
  for (const p of ports) {
    const r = p.rate;
    if (!r) continue;
    const u = maxOf(r.utilIn, r.utilOut);
    out.push({
      key: `utilisation|${p.switch}|${p.name}`, rule: 'utilisation', bad: u === null ? null : u > rule.threshold,
      switch: p.switch, port: p.name, member: p.member, state: 'HIGH',
      detail: `utilisation ${u === null ? '?' : Math.round(u * 100)}% > ${Math.round(rule.threshold * 100)}%`, value: u ?? undefined, threshold: rule.threshold,
    });
  }
  return out;
}

/** Errors or discards per second above threshold. */
export function evaluateErrors(ports: PortView[], rule: AlertRulesConfig['errors']): Finding[] {
  if (!rule.enabled) return [];
  const out: Finding[] = [];
  for (const p of ports) {
    const r = p.rate;
    if (!r) continue;
    const errors = sumOf(r.inErrors, r.outErrors);
    const discards = sumOf(r.inDiscards, r.outDiscards);
    const bad = errors === null && discards === null ? null : (errors ?? 0) > rule.errorsPerSecond || (discards ?? 0) > rule.discardsPerSecond;
    out.push({
      key: `errors|${p.switch}|${p.name}`, rule: 'errors', bad, switch: p.switch, port: p.name, member: p.member, state: 'ERRORS',
      detail: `errors ${fmt(errors)}/s discards ${fmt(discards)}/s`, value: errors ?? undefined, threshold: rule.errorsPerSecond,
    });
  }
  return out;
}

/** The collector could (not) poll a switch. */
export function evaluateUnreachable(poll: { switch: string; ok: boolean; error?: string }, rule: AlertRulesConfig['unreachable']): Finding[] {
  if (!rule.enabled) return [];
  return [{ key: `unreachable|${poll.switch}`, rule: 'unreachable', bad: !poll.ok, switch: poll.switch, state: 'UNREACHABLE', detail: poll.ok ? 'polled' : `cannot poll: ${poll.error ?? 'no answer'}` }];
}

/** The oldest row InfluxDB has not acknowledged is older than maxAge (ageSeconds null: nothing pending or no forwarder). */
export function evaluateBacklog(ageSeconds: number | null | undefined, rule: AlertRulesConfig['forwardBacklog']): Finding[] {
  if (!rule.enabled || ageSeconds === undefined) return [];
  const bad = ageSeconds === null ? false : ageSeconds > rule.maxAge;
  return [{ key: 'forward-backlog', rule: 'forward-backlog', bad, state: 'BACKLOG', detail: `forward backlog ${ageSeconds === null ? 0 : Math.round(ageSeconds / 60)} min old`, value: ageSeconds ?? 0, threshold: rule.maxAge }];
}

/** Median of the numbers (null for none). */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Traffic collapse against the same hour of previous weeks. `history` holds one average bps per previous week
 * (null where that week has no data). No verdict when too few weeks have data or the baseline is too small.
 */
export function evaluateCollapse(
  what: { key: string; rule: 'member-collapse' | 'exchange-collapse'; member?: string },
  currentBps: number | null,
  history: (number | null)[],
  rule: { enabled: boolean; ratio: number; minWeeks: number; minBaselineMbps: number },
): Finding[] {
  if (!rule.enabled) return [];
  const weeks = history.filter((x): x is number => x !== null && Number.isFinite(x));
  const base = median(weeks);
  let bad: boolean | null = null;
  if (currentBps !== null && base !== null && weeks.length >= rule.minWeeks && base >= rule.minBaselineMbps * 1e6) {
    bad = currentBps < rule.ratio * base;
  }
  return [{
    key: what.key, rule: what.rule, bad, member: what.member, state: 'LOW',
    detail: `${what.rule === 'exchange-collapse' ? 'exchange traffic' : 'traffic'} ${mbps(currentBps)} vs ${mbps(base)} usual`, value: currentBps ?? undefined, threshold: base === null ? undefined : rule.ratio * base,
  }];
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
function sumOf(a: number | null, b: number | null): number | null {
  if (a === null && b === null) return null;
  return (a ?? 0) + (b ?? 0);
}
function fmt(x: number | null): string {
  return x === null ? '?' : x < 10 ? x.toFixed(1) : String(Math.round(x));
}
/** bits/s as a short Mb/s or Gb/s figure. */
export function mbps(bps: number | null): string {
  if (bps === null) return '?';
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(1)}Gb/s`;
  return `${(bps / 1e6).toFixed(bps < 1e7 ? 1 : 0)}Mb/s`;
}
