// Latency alert conditions, pure (the state machine in rules.ts damps them like every other rule): loss to a
// member's router above a threshold, a member's router silent while its port is up, and an international outage
// beginning and ending. One finding per condition per round; no clock, no I/O.
import type { Finding } from './rules.ts';
import { isOutageRound, summariseRounds } from '../latency/outages.ts';

/** The latency alert settings (config latency.alerts). */
export interface LatencyAlertRules {
  /** Loss to a member's router above `lossThreshold` (0..1) for `lossRounds` rounds in a row. Default: 0.2, 3. */
  lossThreshold: number;
  lossRounds: number;
  /** A member's router that answers nothing for `silentRounds` rounds while its port is up. Default: 2. */
  silentRounds: number;
  /** Alert when an international outage begins and ends (SMS too). Default: true. */
  outage: boolean;
}

export const DEFAULT_LATENCY_ALERTS: LatencyAlertRules = { lossThreshold: 0.2, lossRounds: 3, silentRounds: 2, outage: true };

/** One target's result of a round as the rules read it. */
export interface RoundTarget { address: string; kind: string; name: string; memberAsn?: number; sent: number; received: number; loss: number }

/**
 * The findings of one round. `portUp(asn)`: whether any of the member's ports is up now (true), all are down
 * (false), or nothing is known (null). Truth table (each row a unit test in test/unit/latency/alerts.test.ts):
 *
 * | rule                 | round                                                        | bad   |
 * |----------------------|--------------------------------------------------------------|-------|
 * | latency-loss         | member router, loss > threshold, something came back         | true  |
 * | latency-loss         | member router, loss <= threshold                             | false |
 * | latency-loss         | member router silent (100 % loss): that is latency-silent's  | null  |
 * | latency-silent       | member router silent, member's port up                       | true  |
 * | latency-silent       | member router silent, member's ports down (port-down fires)  | false |
 * | latency-silent       | member router silent, port state unknown                     | null  |
 * | latency-silent       | member router answered                                       | false |
 * | international-outage | every international reference silent, a router answered      | true  |
 * | international-outage | an international reference answered                          | false |
 * | international-outage | nothing answered at all, or no international reference       | null  |
 * | (all)                | the round failed (fping could not run)                       | none  |
 */
export function evaluateLatencyRound(round: { ok: boolean; rows: RoundTarget[] }, portUp: (asn: number) => boolean | null, rules: LatencyAlertRules): Finding[] {
  if (!round.ok) return [];
  const out: Finding[] = [];
  for (const r of round.rows) {
    if (r.kind !== 'member') continue;
    const member = r.memberAsn === undefined ? r.name : `AS${r.memberAsn} ${r.name}`;
    const silent = r.sent > 0 && r.received === 0;
    out.push({
      key: `latency-loss|${r.address}`, rule: 'latency-loss', bad: silent ? null : r.loss > rules.lossThreshold, member, port: r.address,
      state: 'LOSS', detail: `loss ${Math.round(r.loss * 100)}% to router ${r.address} (threshold ${Math.round(rules.lossThreshold * 100)}%)`,
      value: r.loss, threshold: rules.lossThreshold,
    });
    const up = r.memberAsn === undefined ? null : portUp(r.memberAsn);
    out.push({
      key: `latency-silent|${r.address}`, rule: 'latency-silent', bad: !silent ? false : up === null ? null : up, member, port: r.address,
      state: 'SILENT', detail: `router ${r.address} answers no ping while its port is up`,
    });
  }
  if (rules.outage) {
    const [s] = summariseRounds(round.rows.map((r) => ({ t: 0, kind: r.kind, received: r.received })));
    const bad = !s || s.international === 0 ? null : isOutageRound(s) ? true : s.internationalAnswered > 0 ? false : null;
    out.push({
      key: 'international-outage', rule: 'international-outage', bad, state: 'INTL DOWN',
      detail: s ? `all ${s.international} international references silent, ${s.routersAnswered} member routers answer` : 'no international reference',
    });
  }
  return out;
}
