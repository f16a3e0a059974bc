// Runs periodic jobs (one poll job per switch, plus housekeeping) on node-cron, aligned to the
// clock: every 60 s at :00, every 10 s at :00/:10/... A job never overlaps itself: a tick that
// finds the previous run still busy is skipped (and logged), never queued. No job logic here.
import nodeCron, { type ScheduledTask, type TaskFn, type TaskOptions } from 'node-cron';
import { getLogger, type Logger } from './log.ts';

/** One periodic job. */
export interface Job {
  /** Unique name used in logs, e.g. 'poll sw1'. */
  name: string;
  /** Period in seconds: a divisor of 60 (1, 2, 5, 10, 15, 20, 30) or a multiple of 60 up to 3600. */
  everySeconds: number;
  /** The work. A rejection is logged (sampled) and the job keeps its schedule. */
  run: () => Promise<void>;
  /** Extra log fields for this job, e.g. {switch: 'sw1'}. */
  fields?: Record<string, unknown>;
}

/** The subset of node-cron the scheduler uses (injectable for tests). */
export interface CronLike {
  createTask(expression: string, fn: TaskFn, options?: TaskOptions): Pick<ScheduledTask, 'start' | 'stop' | 'destroy'>;
}

export interface SchedulerDeps {
  log?: Logger;
  cron?: CronLike;
  /** IANA time zone for hour-aligned jobs; minute and second alignment does not depend on it. Default: UTC. */
  timezone?: string;
}

export interface Scheduler {
  /** Register a job (before or after start). */
  add(job: Job): void;
  start(): void;
  /** Stop every job and wait for the runs in progress to finish. */
  stop(): Promise<void>;
  /** Ticks skipped per job because the previous run was still busy (for metrics and tests). */
  skipped(name: string): number;
}

/**
 * The 6-field (with seconds) cron expression that fires every `s` seconds aligned to the clock.
 * Throws for a period that cannot align (e.g. 7 s, or 90 s).
 */
export function cronExpression(s: number): string {
  if (!Number.isInteger(s) || s < 1) throw new Error(`schedule: period ${s} s is not a positive whole number`);
  if (s < 60) {
    if (60 % s !== 0) throw new Error(`schedule: period ${s} s does not divide a minute`);
    return s === 1 ? '* * * * * *' : `*/${s} * * * * *`;
  }
  if (s % 60 !== 0) throw new Error(`schedule: period ${s} s is not a whole number of minutes`);
  const m = s / 60;
  if (m < 60) {
    if (60 % m !== 0) throw new Error(`schedule: period ${m} min does not divide an hour`);
    return m === 1 ? '0 * * * * *' : `0 */${m} * * * *`;
  }
  if (m % 60 !== 0 || 24 % (m / 60) !== 0) throw new Error(`schedule: period ${s} s does not divide a day`);
  const h = m / 60;
  return h === 1 ? '0 0 * * * *' : `0 0 */${h} * * *`;
}

/**
 * Create a scheduler. Creating stores the arguments only; start() starts the cron tasks.
 * Each job has its own cron task, so a slow or dead switch delays only its own job.
 */
export function createScheduler(deps: SchedulerDeps = {}): Scheduler {
  const log = deps.log ?? getLogger('collector:schedule');
  const cron: CronLike = deps.cron ?? nodeCron;
  const entries = new Map<string, { job: Job; task?: Pick<ScheduledTask, 'start' | 'stop' | 'destroy'>; busy: Promise<void> | null; skipped: number }>();
  let started = false;

  const tick = (name: string) => {
    const e = entries.get(name);
    if (!e || !started) return;
    if (e.busy) {
      e.skipped++;
      log.sampled('warn', `skip:${name}`, { job: name, ...e.job.fields, skipped: e.skipped }, `${name}: previous run still busy, tick skipped`);
      return;
    }
    e.busy = (async () => {
      try {
        await e.job.run();
      } catch (err) {
        log.sampled('error', `fail:${name}`, { job: name, ...e.job.fields, err: (err as Error)?.message ?? String(err) }, `${name} failed`);
      } finally {
        e.busy = null;
      }
    })();
  };

  const arm = (name: string) => {
    const e = entries.get(name)!;
    e.task = cron.createTask(cronExpression(e.job.everySeconds), () => tick(name), {
      name,
      timezone: deps.timezone ?? 'UTC',
      // Our own busy flag skips overlapping ticks; node-cron's missed-execution warnings are noise here.
      suppressMissedWarning: true,
    });
    void e.task.start();
  };

  return {
    add(job) {
      if (entries.has(job.name)) throw new Error(`schedule: duplicate job ${job.name}`);
      cronExpression(job.everySeconds); // fail early on a period that cannot align
      entries.set(job.name, { job, busy: null, skipped: 0 });
      if (started) arm(job.name);
    },
    start() {
      if (started) return;
      started = true;
      for (const name of entries.keys()) arm(name);
    },
    async stop() {
      started = false;
      for (const e of entries.values()) {
        if (e.task) { await e.task.stop(); await e.task.destroy(); e.task = undefined; }
      }
      await Promise.all([...entries.values()].map((e) => e.busy ?? Promise.resolve()));
    },
    skipped: (name) => entries.get(name)?.skipped ?? 0,
  };
}
