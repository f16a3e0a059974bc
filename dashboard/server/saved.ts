// Finished months' figures (and the finished parts of traffic series) kept on disk, so that a dashboard restarted after
// a power cut or an upgrade answers at once instead of recomputing a year of 5-minute windows first (tens of seconds
// of CPU on a Pi for 200 ports; minutes of InfluxDB queries for a central dashboard).
// Each entry carries a signature of what it was computed from (members, prices, the store's history version): an
// entry whose signature differs is never served. The file is written atomically (temp file, fsync, rename) with
// mode 0600; a missing, unreadable, corrupt or older-format file is one warning and an empty start, never an error.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, rmSync } from 'node:fs';
import type { Logger } from '../../collector/log.ts';

const FORMAT = 1;

export interface SavedFigures<T> {
  /** The value saved under `key` when it was computed from `sig`, else undefined. */
  get(key: string, sig: string): T | undefined;
  /** Keeps a value; written to disk after `delayMs` (writes within that time are batched). */
  put(key: string, sig: string, value: T): void;
  /** Writes pending values now. */
  flush(): void;
  /** Stops the timer and writes what is pending. */
  close(): void;
}

interface FileShape<T> { format: number; entries: { key: string; sig: string; savedAt: number; value: T }[] }

/** Figures kept in `file` (at most `max` entries, the most recently saved). */
export function createSavedFigures<T>(file: string, log: Logger, opts: { delayMs?: number; max?: number; now?: () => number } = {}): SavedFigures<T> {
  const now = opts.now ?? Date.now;
  const max = opts.max ?? 500;
  const entries = new Map<string, { sig: string; savedAt: number; value: T }>();
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as FileShape<T>;
    if (doc?.format !== FORMAT || !Array.isArray(doc.entries)) throw new Error(`not format ${FORMAT}`);
    for (const e of doc.entries) {
      if (typeof e?.key === 'string' && typeof e.sig === 'string' && e.value && typeof e.value === 'object') entries.set(e.key, { sig: e.sig, savedAt: Number(e.savedAt) || 0, value: e.value });
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') log.warn({ file, err: code ?? (err as Error).message }, 'saved monthly figures not usable; computing them again');
  }
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let warned = false;

  function write(): void {
    if (timer) { clearTimeout(timer); timer = undefined; }
    if (!dirty) return;
    dirty = false;
    const list = [...entries].sort((a, b) => b[1].savedAt - a[1].savedAt).slice(0, max);
    const doc: FileShape<T> = { format: FORMAT, entries: list.map(([key, e]) => ({ key, ...e })) };
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try { writeSync(fd, JSON.stringify(doc)); fsyncSync(fd); } finally { closeSync(fd); }
      renameSync(tmp, file);
      warned = false;
    } catch (err) {
      try { rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
      // Not fatal: figures are computed again after the next start. Said once until a write works again.
      if (!warned) log.warn({ file, err: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 'cannot save monthly figures; they will be computed again after a restart');
      warned = true;
    }
  }

  return {
    get(key, sig) {
      const e = entries.get(key);
      return e && e.sig === sig ? e.value : undefined;
    },
    put(key, sig, value) {
      entries.set(key, { sig, savedAt: now(), value });
      dirty = true;
      if (!timer) { timer = setTimeout(write, opts.delayMs ?? 5000); timer.unref(); }
    },
    flush: write,
    close: write,
  };
}
