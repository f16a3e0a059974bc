// Back-fills the demo store with simulated history: Samples of the demo model every 5 minutes,
// through the same computeRates and store.writePoll the live collector uses. Resumes after the
// last stored sample, so a restart fills only what is missing.
import { computeRates } from '../../collector/rates/compute.ts';
import { bumpHistoryVersion, type Store } from '../../collector/store/index.ts';
import { DEMO_SWITCH, demoSample, type DemoClock } from './model.ts';

const STEP_MS = 300_000;

/** Writes simulated polls from `since` (or after the last stored sample) up to `until`; returns how many. */
export function backfillHistory(store: Store, clock: DemoClock, opts: { since: number; until: number }): number {
  let prev = store.lastSample(DEMO_SWITCH);
  if (prev && prev.time >= opts.until - STEP_MS) return 0;
  let t = prev && prev.time > opts.since ? Math.ceil((prev.time + 1) / STEP_MS) * STEP_MS : Math.ceil(opts.since / STEP_MS) * STEP_MS;
  let n = 0;
  // One simulated poll every 5 minutes; the last one lands at `until` so that the live collector's
  // first interval is a real rate.
  const times: number[] = [];
  for (; t < opts.until; t += STEP_MS) times.push(t);
  times.push(opts.until);
  // A day of polls per outer transaction: each writePoll's own transaction becomes a savepoint,
  // so the disk is synced once a day of history instead of once a poll.
  const writeDay = store.db.transaction((day: number[]) => {
    for (const time of day) {
      const sample = demoSample(clock, time, time);
      const result = prev ? computeRates(prev, sample, { maxIntervalSeconds: (2 * STEP_MS) / 1000 }) : null;
      store.writePoll({ switch: DEMO_SWITCH, t: time, durationMs: 12 + ((time / STEP_MS) % 7), ok: true, ports: sample.interfaces.length, sysUpTime: sample.sysUpTime }, sample, result);
      prev = sample;
      n++;
    }
  });
  for (let i = 0; i < times.length; i += 288) writeDay(times.slice(i, i + 288));
  // Figures a dashboard kept of finished months stay valid unless this filled in part of one: true when the first
  // filled time may lie in the previous month of some time zone (UTC-12 to UTC+14).
  const monthStartUtc = Date.UTC(new Date(opts.until).getUTCFullYear(), new Date(opts.until).getUTCMonth(), 1);
  if (n && times[0]! < monthStartUtc + 12 * 3_600_000) bumpHistoryVersion(store.db);
  return n;
}
