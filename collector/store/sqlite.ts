// Opens the local SQLite store (WAL, synchronous=FULL, busy_timeout), applies the versioned
// migrations in collector/store/migrations in order (PRAGMA user_version + schema_migrations), and turns SQLite's
// failures into one clear StoreError naming the file. No table logic here.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, mkdirSync, accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fromRoot } from '../paths.ts';

export type DB = Database.Database;

const MIGRATIONS_DIR = fromRoot('collector', 'store', 'migrations');

/** A failure of the local store (disk full, read-only, unreadable...). `code` is SQLite's or Node's error code. */
export class StoreError extends Error {
  constructor(message: string, readonly code: string, readonly file: string) {
    super(message);
    this.name = 'StoreError';
  }
}

const WHAT: [RegExp, string][] = [
  [/^SQLITE_FULL/, 'disk full'],
  [/^SQLITE_READONLY/, 'read-only (the file or its folder is not writable)'],
  [/^SQLITE_CANTOPEN/, 'cannot open the file (missing folder or no permission)'],
  [/^SQLITE_PERM|^EACCES|^EPERM/, 'permission denied'],
  [/^SQLITE_BUSY|^SQLITE_LOCKED/, 'locked by another process'],
  [/^SQLITE_CORRUPT|^SQLITE_NOTADB/, 'not a valid ixmeter store (corrupt or another kind of file)'],
  [/^SQLITE_IOERR|^EIO/, 'I/O error on the disk'],
  [/^ENOSPC/, 'disk full'],
  [/^EROFS/, 'read-only file system'],
];

/** Wraps any error from SQLite/fs as a StoreError: "local store /x/ixmeter.db: disk full (SQLITE_FULL)". */
export function storeError(file: string, err: unknown, doing?: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = String((err as { code?: unknown })?.code ?? 'UNKNOWN');
  const fsWhy = /^SQLITE_(CANTOPEN|READONLY|IOERR|PERM)/.test(code) ? diagnose(file) : undefined;
  const what = fsWhy ?? WHAT.find(([re]) => re.test(code))?.[1] ?? (err as Error)?.message ?? String(err);
  return new StoreError(`local store ${file}: ${doing ? `${doing}: ` : ''}${what} (${code})`, code, file);
}

/** Why a file cannot be written, from the file system itself (SQLite's codes do not say). */
function diagnose(file: string): string | undefined {
  if (file === ':memory:') return undefined;
  for (const target of [file, path.dirname(path.resolve(file))]) {
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      const c = (e as NodeJS.ErrnoException).code;
      if (c === 'ENOENT' && target === file) continue;
      if (c === 'EROFS') return 'read-only file system';
      if (c === 'EACCES' || c === 'EPERM') return `read-only (no permission to write ${target === file ? 'the file' : 'its folder'})`;
      if (c === 'ENOENT') return 'the folder does not exist';
    }
  }
  return undefined;
}

/** The migration files, sorted by their number prefix. */
export function listMigrations(dir = MIGRATIONS_DIR): { version: number; file: string }[] {
  return readdirSync(dir)
    .map((f) => ({ m: /^(\d+)_.*\.sql$/.exec(f), f }))
    .filter((x) => x.m)
    .map((x) => ({ version: Number(x.m![1]), file: path.join(dir, x.f) }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Opens (creating when needed) the store and brings its schema up to date. synchronous=FULL:
 * the Pi loses power without warning, and a poll reported as stored (and a forwarding cursor
 * that moved) must survive it; one fsync per poll per minute costs nothing on an SD card.
 */
export function openDatabase(file: string, opts: { readonly?: boolean; migrationsDir?: string } = {}): DB {
  let db: DB | undefined;
  try {
    if (opts.readonly) {
      db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      return db;
    }
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db, opts.migrationsDir);
    return db;
  } catch (err) {
    try { db?.close(); } catch { /* closing a half-open handle: the original error matters */ }
    throw storeError(file, err, opts.readonly ? 'open read-only' : 'open');
  }
}

/**
 * Applies every migration not yet applied, in number order, each in its own transaction, and
 * sets PRAGMA user_version to the highest applied. Applied versions are also listed in
 * schema_migrations, so a lower-numbered file that lands later (002, 003 are reserved for other
 * components) is still applied to a store already at 004. A store without that table (created
 * before it existed) counts every version up to its user_version as applied.
 */
export function migrate(db: DB, dir?: string): number {
  const files = listMigrations(dir);
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const userVersion = Number(db.pragma('user_version', { simple: true }));
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    if (!hasTable) {
      const seed = db.prepare('INSERT OR IGNORE INTO schema_migrations (version, applied_at) VALUES (?, ?)');
      for (const m of files) if (m.version <= userVersion) seed.run(m.version, Date.now());
    }
  })();
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  let version = userVersion;
  for (const m of files) {
    if (applied.has(m.version)) continue;
    const sql = readFileSync(m.file, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
      version = Math.max(version, m.version);
      db.pragma(`user_version = ${version}`);
    })();
    // Each migration's pages go into the database before the next one starts: the WAL never holds more than the
    // largest migration (a new store on a small disk; 008 rewriting the rollups of a full one).
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return version;
}
