// The latency alert rules: one row per line of evaluateLatencyRound's truth table, and the alerts component
// turning rounds into messages (loss after K rounds, silent router, outage begins and ends) through a real store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY_ALERTS, evaluateLatencyRound, type RoundTarget } from '../../../collector/alerts/latency.ts';
import { createAlerts, type Channel } from '../../../collector/alerts/index.ts';
import { parseConfig } from '../../../collector/config/load.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import type { AlertMessage } from '../../../collector/alerts/message.ts';

const router = (received: number, sent = 10): RoundTarget => ({ address: '10.0.0.1', kind: 'member', name: 'Raajje', memberAsn: 65001, sent, received, loss: (sent - received) / sent });
const ref = (received: number): RoundTarget => ({ address: '9.9.9.9', kind: 'international', name: 'Quad9', sent: 10, received, loss: (10 - received) / 10 });
const bad = (rows: RoundTarget[], rule: string, up: boolean | null = true, ok = true) =>
  evaluateLatencyRound({ ok, rows }, () => up, DEFAULT_LATENCY_ALERTS).find((f) => f.rule === rule)?.bad;

describe('evaluateLatencyRound truth table', () => {
  it.each([
    ['latency-loss', [router(7)], true, true],          // 30 % > 20 %
    ['latency-loss', [router(9)], true, false],         // 10 %
    ['latency-loss', [router(0)], true, null],          // silent: latency-silent's case
    ['latency-silent', [router(0)], true, true],
    ['latency-silent', [router(0)], false, false],       // port down: port-down's case
    ['latency-silent', [router(0)], null, null],
    ['latency-silent', [router(5)], true, false],
    ['international-outage', [router(10), ref(0)], true, true],
    ['international-outage', [router(10), ref(3)], true, false],
    ['international-outage', [router(0), ref(0)], true, null],
    ['international-outage', [router(10)], true, null],
  ] as const)('%s with %j, port up %s -> %s', (rule, rows, up, want) => {
    expect(bad([...rows], rule, up)).toBe(want);
  });

  it('a failed round gives no finding at all', () => {
    expect(evaluateLatencyRound({ ok: false, rows: [] }, () => true, DEFAULT_LATENCY_ALERTS)).toEqual([]);
  });
});

it('the alerts component: loss after 3 rounds, the outage beginning and ending, one message each', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixmeter-lat-alerts-'));
  const db = openDatabase(path.join(dir, 's.db'));
  const sent: AlertMessage[] = [];
  const channel: Channel = { name: 'webhook', recipients: () => ['x'], send: async (m) => { sent.push(m); }, close: async () => {} };
  const cfg = parseConfig('switches: []\nmetrics: { listen: "" }\nalerts: { enabled: true }\n', 'c.yaml', {});
  const alerts = createAlerts({ alerts: cfg.alerts, ixp: { id: 'mvix', name: 'MVIX' } }, { db, channels: [channel], now: () => 0 });
  try {
    alerts.start();
    const rounds: RoundTarget[][] = [
      [router(6), ref(10)], [router(6), ref(10)], [router(6), ref(0)], [router(10), ref(0)], [router(10), ref(10)],
    ];
    rounds.forEach((rows, k) => alerts.onLatencyRound({ t: k * 300_000, ok: true, rows }, DEFAULT_LATENCY_ALERTS, 2));
    await alerts.flush();
    expect(sent.map((m) => `${m.kind} ${m.rule}`)).toEqual([
      // round 3: loss fires; round 4: loss recovers and the outage (2 silent rounds) fires; round 5: the outage ends
      'firing latency-loss', 'recovered latency-loss', 'firing international-outage', 'recovered international-outage',
    ]);
    expect(sent[0].text).toBe('MVIX: LOSS 10.0.0.1 (AS65001 Raajje): loss 40% to router 10.0.0.1 (threshold 20%)');
    expect(sent[2].text).toBe('MVIX: INTL DOWN: all 1 international references silent, 1 member routers answer');
    expect(sent[3].text).toBe('MVIX: OK: international references reachable again');
    for (const m of sent) expect(m.text.length).toBeLessThanOrEqual(160);
  } finally {
    await alerts.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
