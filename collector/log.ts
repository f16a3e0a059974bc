// One logger for the whole program: pino, with namespaces ('collector:snmp', 'dashboard:api' ...),
// a level per namespace, and repeated errors sampled per target so a dead switch logs one line a
// minute, not one a poll. Never pass secrets in log fields.
import pino, { type Logger as PinoLogger, type DestinationStream } from 'pino';
import type { LogLevel } from './config/types.ts';

export interface Logger {
  trace(fields: object | string, msg?: string): void;
  debug(fields: object | string, msg?: string): void;
  info(fields: object | string, msg?: string): void;
  warn(fields: object | string, msg?: string): void;
  error(fields: object | string, msg?: string): void;
  /** Logs at most once per `everyMs` for the same key; counts what it suppressed. */
  sampled(level: 'warn' | 'error' | 'info', key: string, fields: object, msg: string, everyMs?: number): void;
  child(namespace: string): Logger;
}

interface Root {
  pino: PinoLogger;
  level: LogLevel;
  levels: Record<string, LogLevel>;
  sampled: Map<string, { at: number; suppressed: number }>;
  now: () => number;
}

let root: Root = makeRoot({ level: (process.env.IXMETER_LOG_LEVEL as LogLevel) ?? 'info', levels: {} });

function makeRoot(opts: { level: LogLevel; levels: Record<string, LogLevel>; destination?: DestinationStream; now?: () => number }): Root {
  const p = pino({ level: 'trace', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, opts.destination ?? pino.destination({ fd: 2, sync: true }));
  return { pino: p, level: opts.level, levels: opts.levels, sampled: new Map(), now: opts.now ?? Date.now };
}

/** Reconfigure the process logger (levels from config; destination for tests). */
export function configureLogging(opts: { level?: LogLevel; levels?: Record<string, LogLevel>; destination?: DestinationStream; now?: () => number }): void {
  root = makeRoot({ level: opts.level ?? 'info', levels: opts.levels ?? {}, destination: opts.destination, now: opts.now });
}

const ORDER: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

function levelFor(ns: string): LogLevel {
  // The longest configured prefix wins: 'collector' covers 'collector:snmp'.
  let best: string | undefined;
  for (const k of Object.keys(root.levels)) if ((ns === k || ns.startsWith(k + ':')) && (!best || k.length > best.length)) best = k;
  return best ? root.levels[best] : root.level;
}

export function getLogger(namespace: string): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent' | 'fatal'>, fields: object | string, msg?: string) => {
    if (ORDER[lvl] < ORDER[levelFor(namespace)]) return;
    const obj = typeof fields === 'string' ? { ns: namespace } : { ns: namespace, ...fields };
    root.pino[lvl](obj, typeof fields === 'string' ? fields : msg ?? '');
  };
  const log: Logger = {
    trace: (f, m) => emit('trace', f, m),
    debug: (f, m) => emit('debug', f, m),
    info: (f, m) => emit('info', f, m),
    warn: (f, m) => emit('warn', f, m),
    error: (f, m) => emit('error', f, m),
    sampled(level, key, fields, msg, everyMs = 60_000) {
      const k = `${namespace}|${key}`;
      const now = root.now();
      const s = root.sampled.get(k);
      if (s && now - s.at < everyMs) { s.suppressed++; return; }
      const suppressed = s?.suppressed ?? 0;
      root.sampled.set(k, { at: now, suppressed: 0 });
      emit(level, suppressed ? { ...fields, suppressed } : fields, msg);
    },
    child: (sub) => getLogger(`${namespace}:${sub}`),
  };
  return log;
}
