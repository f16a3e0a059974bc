// The persisted alert outbox (SQLite, in the local store's file): one row per message per channel
// and recipient, so each channel delivers on its own and a restart loses nothing. Also keeps the
// rule states, so a restart neither re-fires nor forgets an alert. No sending happens here.
import type Database from 'better-sqlite3';
import type { AlertMessage } from './message.ts';
import { INITIAL_STATE, type AlertState } from './rules.ts';

/** A message waiting for (or done with) one channel and recipient. */
export interface OutboxRow {
  id: number;
  channel: string;
  recipient: string;
  message: AlertMessage;
  created: number;
  attempts: number;
  nextAttempt: number;
  lastError: string | null;
  status: 'pending' | 'sent' | 'failed';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_outbox (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  channel      TEXT    NOT NULL,             -- log | webhook | sms
  recipient    TEXT    NOT NULL DEFAULT '',  -- phone number for sms, '' otherwise
  message      TEXT    NOT NULL,             -- AlertMessage JSON
  created      INTEGER NOT NULL,             -- epoch ms
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_error   TEXT,
  status       TEXT    NOT NULL DEFAULT 'pending', -- pending | sent | failed
  done_at      INTEGER
);
CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (status, channel, next_attempt);
CREATE TABLE IF NOT EXISTS alert_state (
  key        TEXT PRIMARY KEY,
  status     TEXT    NOT NULL,
  bad_count  INTEGER NOT NULL,
  since      INTEGER,
  last_sent  INTEGER,
  updated    INTEGER NOT NULL
);`;

export interface Outbox {
  enqueue(channel: string, recipient: string, message: AlertMessage, now: number): number;
  /** Pending rows of a channel whose next attempt is due, oldest first. */
  due(channel: string, now: number, limit?: number): OutboxRow[];
  markSent(id: number, now: number): void;
  markRetry(id: number, error: string, nextAttempt: number): void;
  markFailed(id: number, error: string, now: number): void;
  /** Pending rows (all channels, or one). */
  pending(channel?: string): OutboxRow[];
  /** Earliest next attempt among pending rows of a channel, or null. */
  nextDue(channel: string): number | null;
  /** Gives up pending rows created before `before` (returns them); deletes done rows older than `purgeBefore`. */
  expire(before: number, purgeBefore: number, now: number): OutboxRow[];
  loadStates(): Map<string, AlertState>;
  saveState(key: string, state: AlertState, now: number): void;
}

interface RawRow { id: number; channel: string; recipient: string; message: string; created: number; attempts: number; next_attempt: number; last_error: string | null; status: OutboxRow['status'] }

function toRow(r: RawRow): OutboxRow {
  return { id: r.id, channel: r.channel, recipient: r.recipient, message: JSON.parse(r.message), created: r.created, attempts: r.attempts, nextAttempt: r.next_attempt, lastError: r.last_error, status: r.status };
}

/** Creates the tables if missing and returns the outbox over `db` (the local store's handle). */
export function openOutbox(db: Database.Database): Outbox {
  db.exec(SCHEMA);
  const ins = db.prepare('INSERT INTO alert_outbox (channel, recipient, message, created, next_attempt) VALUES (?, ?, ?, ?, ?)');
  const due = db.prepare("SELECT * FROM alert_outbox WHERE status = 'pending' AND channel = ? AND next_attempt <= ? ORDER BY id LIMIT ?");
  const sent = db.prepare("UPDATE alert_outbox SET status = 'sent', attempts = attempts + 1, done_at = ?, last_error = NULL WHERE id = ?");
  const retry = db.prepare('UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?');
  const failed = db.prepare("UPDATE alert_outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ?");
  const pendAll = db.prepare("SELECT * FROM alert_outbox WHERE status = 'pending' ORDER BY id");
  const pendCh = db.prepare("SELECT * FROM alert_outbox WHERE status = 'pending' AND channel = ? ORDER BY id");
  const next = db.prepare("SELECT MIN(next_attempt) AS t FROM alert_outbox WHERE status = 'pending' AND channel = ?");
  const old = db.prepare("SELECT * FROM alert_outbox WHERE status = 'pending' AND created < ?");
  const giveUp = db.prepare("UPDATE alert_outbox SET status = 'failed', last_error = COALESCE(last_error, '') || ' (given up: too old)', done_at = ? WHERE status = 'pending' AND created < ?");
  const purge = db.prepare("DELETE FROM alert_outbox WHERE status <> 'pending' AND done_at < ?");
  const states = db.prepare('SELECT key, status, bad_count, since, last_sent FROM alert_state');
  const upsert = db.prepare(`INSERT INTO alert_state (key, status, bad_count, since, last_sent, updated) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET status = excluded.status, bad_count = excluded.bad_count, since = excluded.since, last_sent = excluded.last_sent, updated = excluded.updated`);
  const del = db.prepare('DELETE FROM alert_state WHERE key = ?');
  const expireTx = db.transaction((before: number, purgeBefore: number, now: number) => {
    const rows = (old.all(before) as RawRow[]).map(toRow);
    giveUp.run(now, before);
    purge.run(purgeBefore);
    return rows;
  });

  return {
    enqueue: (channel, recipient, message, now) => Number(ins.run(channel, recipient, JSON.stringify(message), now, now).lastInsertRowid),
    due: (channel, now, limit = 20) => (due.all(channel, now, limit) as RawRow[]).map(toRow),
    markSent: (id, now) => { sent.run(now, id); },
    markRetry: (id, error, nextAttempt) => { retry.run(error, nextAttempt, id); },
    markFailed: (id, error, now) => { failed.run(error, now, id); },
    pending: (channel) => ((channel ? pendCh.all(channel) : pendAll.all()) as RawRow[]).map(toRow),
    nextDue: (channel) => (next.get(channel) as { t: number | null }).t,
    expire: (before, purgeBefore, now) => expireTx(before, purgeBefore, now),
    loadStates() {
      const m = new Map<string, AlertState>();
      for (const r of states.all() as { key: string; status: AlertState['status']; bad_count: number; since: number | null; last_sent: number | null }[]) {
        m.set(r.key, { status: r.status, badCount: r.bad_count, since: r.since, lastSentAt: r.last_sent });
      }
      return m;
    },
    saveState(key, s, now) {
      if (s.status === INITIAL_STATE.status && s.badCount === 0) del.run(key);
      else upsert.run(key, s.status, s.badCount, s.since, s.lastSentAt, now);
    },
  };
}
