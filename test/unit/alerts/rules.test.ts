// The alert state machine, row by row of the truth table in collector/alerts/rules.ts, and the rule conditions.
import { describe, it, expect } from 'vitest';
import {
  transition, shouldNotify, INITIAL_STATE, evaluatePortDown, evaluateCollapse, evaluateUtilisation, evaluateErrors,
  evaluateUnreachable, evaluateBacklog, median, type AlertState, type Policy, type PortView,
} from '../../../collector/alerts/rules.ts';
import { alertsDefaults } from '../../../collector/alerts/config.ts';

const P3: Policy = { pendingPolls: 3, forMs: 0, resendMs: 3_600_000 };
const P1: Policy = { pendingPolls: 1, forMs: 0, resendMs: 0 };
const pending = (n: number, since = 1000): AlertState => ({ status: 'PENDING', badCount: n, since, lastSentAt: null });
const firing = (lastSentAt: number, since = 1000): AlertState => ({ status: 'FIRING', badCount: 5, since, lastSentAt });

describe('transition truth table', () => {
  const rows: [string, AlertState, boolean | null, number, Policy, AlertState['status'], string | null][] = [
    // name, prev, observation, t, policy, next status, notify
    ['any + unknown: OK stays', INITIAL_STATE, null, 5000, P3, 'OK', null],
    ['any + unknown: PENDING stays', pending(2), null, 5000, P3, 'PENDING', null],
    ['any + unknown: FIRING stays, no reminder', firing(0), null, 10_000_000, P3, 'FIRING', null],
    ['OK + good', INITIAL_STATE, false, 5000, P3, 'OK', null],
    ['OK + bad, pendingPolls 1: fires at once', INITIAL_STATE, true, 5000, P1, 'FIRING', 'firing'],
    ['OK + bad, pendingPolls 3: pending', INITIAL_STATE, true, 5000, P3, 'PENDING', null],
    ['OK + bad, pendingPolls 1 but forMs > 0: pending', INITIAL_STATE, true, 5000, { ...P1, forMs: 60_000 }, 'PENDING', null],
    ['PENDING(2) + bad reaching pendingPolls: fires', pending(2), true, 5000, P3, 'FIRING', 'firing'],
    ['PENDING(1) + bad below pendingPolls: pending', pending(1), true, 5000, P3, 'PENDING', null],
    ['PENDING(5) + bad, enough polls but not forMs: pending', pending(5, 1000), true, 30_000, { ...P3, forMs: 60_000 }, 'PENDING', null],
    ['PENDING(5) + bad, enough polls and forMs: fires', pending(5, 1000), true, 61_000, { ...P3, forMs: 60_000 }, 'FIRING', 'firing'],
    ['PENDING + good: OK, no recovery', pending(2), false, 5000, P3, 'OK', null],
    ['FIRING + bad, resend due: reminder', firing(1000), true, 1000 + 3_600_000, P3, 'FIRING', 'reminder'],
    ['FIRING + bad, resend not due', firing(1000), true, 1000 + 3_599_999, P3, 'FIRING', null],
    ['FIRING + bad, resend 0: never remind', firing(0), true, 1e12, { ...P3, resendMs: 0 }, 'FIRING', null],
    ['FIRING + good: recovered', firing(1000), false, 5000, P3, 'OK', 'recovered'],
  ];
  for (const [name, prev, bad, t, policy, next, notify] of rows) {
    it(name, () => {
      const r = transition(prev, { bad, t }, policy);
      expect(r.state.status).toBe(next);
      expect(r.notify).toBe(notify);
      expect(shouldNotify(prev, { bad, t }, policy)).toBe(notify);
    });
  }

  it('a flapping port is damped: bad, good, bad, good never fires with pendingPolls 3', () => {
    let s = INITIAL_STATE;
    const sent: string[] = [];
    [true, false, true, true, false, true, false].forEach((bad, i) => {
      const r = transition(s, { bad, t: i * 60_000 }, P3);
      s = r.state;
      if (r.notify) sent.push(r.notify);
    });
    expect(sent).toEqual([]);
  });

  it('one episode: firing once, reminders at the resend interval, one recovery', () => {
    let s = INITIAL_STATE;
    const sent: [number, string][] = [];
    const obs = [...Array(130).fill(true), false, false]; // 130 polls a minute apart
    obs.forEach((bad, i) => {
      const r = transition(s, { bad, t: i * 60_000 }, { pendingPolls: 3, forMs: 0, resendMs: 3_600_000 });
      s = r.state;
      if (r.notify) sent.push([i, r.notify]);
    });
    expect(sent).toEqual([[2, 'firing'], [62, 'reminder'], [122, 'reminder'], [130, 'recovered']]);
  });
});

describe('rule conditions', () => {
  const rules = alertsDefaults().rules;
  const port = (o: Partial<PortView>): PortView => ({ switch: 'sw1', name: 'Ethernet1', alias: 'AS65001 Raajje', operStatus: 1, adminStatus: 1, ...o });

  it('port down: oper down/lowerLayerDown is bad; notPresent and admin-down are not alarms; unaliased ports skipped by default', () => {
    const f = evaluatePortDown([
      port({ name: 'e1', operStatus: 2 }), port({ name: 'e2', operStatus: 7 }), port({ name: 'e3', operStatus: 1 }),
      port({ name: 'e4', operStatus: 6 }), port({ name: 'e5', operStatus: 2, adminStatus: 2 }), port({ name: 'e6', operStatus: 2, alias: '' }),
    ], rules.portDown);
    expect(f.map((x) => [x.port, x.bad])).toEqual([['e1', true], ['e2', true], ['e3', false], ['e4', null], ['e5', false]]);
    const all = evaluatePortDown([port({ name: 'e6', operStatus: 2, alias: '' })], { enabled: true, ports: 'all' });
    expect(all[0].bad).toBe(true);
  });

  it('collapse: below ratio x median of the weeks fires; too few weeks or a tiny baseline give no verdict', () => {
    const r = rules.memberCollapse; // ratio 0.2, minWeeks 2, min 10 Mb/s
    const w = { key: 'k', rule: 'member-collapse' as const };
    expect(median([3, 1, 2, 100])).toBe(2.5);
    expect(evaluateCollapse(w, 19e6, [100e6, 90e6, 110e6, null], r)[0].bad).toBe(true);
    expect(evaluateCollapse(w, 21e6, [100e6, 90e6, 110e6, null], r)[0].bad).toBe(false);
    expect(evaluateCollapse(w, 1e6, [100e6, null, null, null], r)[0].bad).toBe(null);
    expect(evaluateCollapse(w, 0, [5e6, 5e6, 5e6, 5e6], r)[0].bad).toBe(null);
    expect(evaluateCollapse(w, null, [100e6, 100e6], r)[0].bad).toBe(null);
  });

  it('utilisation, errors, unreachable, backlog', () => {
    const rate = { ifIndex: 1, name: 'e1', alias: '', time: 0, interval: 60, inBps: 0, outBps: 0, inPps: 0, outPps: 0, inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0, utilIn: 0.5, utilOut: 0.95, operUp: true, speedMbps: 1000, inOctets: null, outOctets: null };
    expect(evaluateUtilisation([port({ rate })], rules.utilisation)[0].bad).toBe(true);
    expect(evaluateUtilisation([port({ rate: { ...rate, utilOut: 0.5 } })], rules.utilisation)[0].bad).toBe(false);
    expect(evaluateUtilisation([port({ rate: { ...rate, utilIn: null, utilOut: null } })], rules.utilisation)[0].bad).toBe(null);
    expect(evaluateErrors([port({ rate: { ...rate, inErrors: 0.6, outErrors: 0.6 } })], rules.errors)[0].bad).toBe(true);
    expect(evaluateErrors([port({ rate: { ...rate, inDiscards: 50 } })], rules.errors)[0].bad).toBe(false);
    expect(evaluateErrors([port({ rate: { ...rate, outDiscards: 101 } })], rules.errors)[0].bad).toBe(true);
    expect(evaluateUnreachable({ switch: 'sw1', ok: false, error: 'timeout' }, rules.unreachable)[0]).toMatchObject({ bad: true, key: 'unreachable|sw1' });
    expect(evaluateBacklog(7200, rules.forwardBacklog)[0].bad).toBe(true);
    expect(evaluateBacklog(null, rules.forwardBacklog)[0].bad).toBe(false);
    expect(evaluateBacklog(undefined, rules.forwardBacklog)).toEqual([]);
    expect(evaluatePortDown([port({ operStatus: 2 })], { enabled: false, ports: 'all' })).toEqual([]);
  });
});
