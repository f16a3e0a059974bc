// International outages from round summaries, and the local traffic over a window from rate intervals.
import { describe, expect, it } from 'vitest';
import { findOutages, isOutageRound, summariseRounds, trafficDuring, type RoundSummary } from '../../../collector/latency/outages.ts';

const I = 300_000;
/** A round at minute k: 'o' outage (refs silent, routers answer), 'u' up (a ref answers), 'x' nothing answers, '-' no round. */
function rounds(pattern: string): RoundSummary[] {
  const out: RoundSummary[] = [];
  [...pattern].forEach((c, k) => {
    const t = k * I;
    if (c === 'o') out.push({ t, international: 2, internationalAnswered: 0, routers: 3, routersAnswered: 3 });
    if (c === 'u') out.push({ t, international: 2, internationalAnswered: 1, routers: 3, routersAnswered: 2 });
    if (c === 'x') out.push({ t, international: 2, internationalAnswered: 0, routers: 3, routersAnswered: 0 });
  });
  return out;
}

describe('isOutageRound', () => {
  // refs probed | refs answered | routers answered -> outage round
  it.each([
    [2, 0, 3, true],   // every reference silent, members answer: the link abroad is down
    [2, 1, 3, false],  // one reference answers: not an outage
    [2, 0, 0, false],  // nothing answers: the collector itself is cut off, not evidence
    [0, 0, 3, false],  // no references configured: never an outage
  ])('refs %i, answered %i, routers answered %i -> %s', (international, internationalAnswered, routersAnswered, want) => {
    expect(isOutageRound({ t: 0, international, internationalAnswered, routers: 3, routersAnswered })).toBe(want);
  });
});

describe('findOutages', () => {
  it.each([
    ['uuuu', []],
    ['uooou', [{ start: 1 * I, end: 4 * I, lastSeen: 3 * I, rounds: 3, durationMs: 3 * I, uncertaintyMs: I }]],
    // a round where nothing answers neither ends nor extends the count
    ['uoxou', [{ start: 1 * I, end: 4 * I, lastSeen: 3 * I, rounds: 2, durationMs: 3 * I, uncertaintyMs: I }]],
    ['uoouoou', [{ start: 1 * I, end: 3 * I, lastSeen: 2 * I, rounds: 2, durationMs: 2 * I, uncertaintyMs: I },
      { start: 4 * I, end: 6 * I, lastSeen: 5 * I, rounds: 2, durationMs: 2 * I, uncertaintyMs: I }]],
    // still open: lasts until one interval after the newest silent round
    ['uuoo', [{ start: 2 * I, end: null, lastSeen: 3 * I, rounds: 2, durationMs: 2 * I, uncertaintyMs: I }]],
    // no rounds for longer than two intervals: closed one interval after the last silent round
    ['uoo----u', [{ start: 1 * I, end: 3 * I, lastSeen: 2 * I, rounds: 2, durationMs: 2 * I, uncertaintyMs: I }]],
  ])('%s', (p, want) => { expect(findOutages(rounds(p), I)).toEqual(want); });

  it('minRounds drops shorter blips', () => {
    expect(findOutages(rounds('uouooou'), I, 2).map((o) => o.rounds)).toEqual([3]);
  });
});

it('summariseRounds counts per round and kind, local references ignored', () => {
  expect(summariseRounds([
    { t: 2, kind: 'member', received: 0 }, { t: 1, kind: 'international', received: 5 }, { t: 1, kind: 'member', received: 3 },
    { t: 1, kind: 'local', received: 0 }, { t: 2, kind: 'international', received: 0 },
  ])).toEqual([
    { t: 1, international: 1, internationalAnswered: 1, routers: 1, routersAnswered: 1 },
    { t: 2, international: 1, internationalAnswered: 0, routers: 1, routersAnswered: 0 },
  ]);
});

describe('trafficDuring', () => {
  it('sums whole intervals exactly and partial ones pro rata; gaps lower coverage', () => {
    // port A: 8 Mbit/s over 0..60 s in one-minute polls; port B: 16 Mbit/s, its second interval a gap
    const a = [0, 1, 2].map((k) => ({ t: (k + 1) * 60_000, intervalS: 60, inBps: 8e6 }));
    const b = [{ t: 60_000, intervalS: 60, inBps: 16e6 }, { t: 120_000, intervalS: 60, inBps: null }, { t: 180_000, intervalS: 60, inBps: 16e6 }];
    const w = trafficDuring(30_000, 150_000, [a, b]);
    // A: 30 s + 60 s + 30 s at 1 MB/s = 120 MB; B: 30 s + 30 s at 2 MB/s = 120 MB
    expect(w.bytes).toBeCloseTo(240e6, 3);
    expect(w.coverage).toBeCloseTo((120 + 60) / 240, 10);
    expect(w.avgBps).toBeCloseTo(240e6 * 8 / 90, 3);
    expect(w.ports).toBe(2);
  });

  it('no rates: no bytes, no average, no coverage', () => {
    expect(trafficDuring(0, 1000, [[]])).toEqual({ bytes: 0, avgBps: null, coverage: 0, ports: 1 });
  });
});
