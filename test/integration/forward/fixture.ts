// Shared by the forwarding integration tests: fill a store with synthetic polls of recorded
// interfaces, read InfluxDB's raw JSON text (integers above 2^53 stay exact), and count points.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';

export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

export function newStore(dir = mkdtempSync(path.join(tmpdir(), 'ixm-fwd-'))): Store {
  const s = createStore({ path: path.join(dir, 'ixmeter.db'), retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
  s.open();
  return s;
}

/** Writes `polls` polls (60 s apart from `from`) of a synthetic switch into the store. */
export function fill(store: Store, sw: SynthSwitch, polls: number, from = T0, everyMs = 60_000): number {
  let t = from;
  for (let i = 0; i < polls; i++, t += everyMs) {
    const p = sw.poll(t);
    store.writePoll(p.poll, p.sample, p.result);
  }
  return t;
}

/** Raw /query response text (no JSON.parse: it would round integers above 2^53). */
export async function rawQuery(url: string, db: string, q: string): Promise<string> {
  const r = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
  return r.text();
}

/** count(field) per series of a measurement, keyed by the tag values joined with '|'. */
export async function countsBy(url: string, db: string, measurement: string, field: string, tags: string[]): Promise<Map<string, number>> {
  const j = JSON.parse(await rawQuery(url, db, `SELECT count("${field}") FROM "${measurement}" GROUP BY ${tags.map((t) => `"${t}"`).join(',')}`));
  const out = new Map<string, number>();
  for (const s of j.results[0].series ?? []) out.set(tags.map((t) => s.tags[t]).join('|'), s.values[0][1]);
  return out;
}

/** Local rows per series for the same grouping (rates: switch|port). */
export function localCounts(store: Store, table: 'rates' | 'rollups'): Map<string, number> {
  const filter = table === 'rollups' ? 'WHERE x.res = 300' : '';
  const rows = store.db.prepare(`SELECT p.switch, p.name, count(*) n FROM ${table} x JOIN ports p ON p.id = x.port_id ${filter} GROUP BY p.id`).all() as { switch: string; name: string; n: number }[];
  return new Map(rows.map((r) => [`${r.switch}|${r.name}`, r.n]));
}

/** One InfluxQL statement as an authenticated admin (Basic auth; InfluxDB 1.6 reads no credentials from a form body). */
export async function authQuery(url: string, q: string, auth: { u: string; p: string }, db?: string): Promise<any> {
  const params = new URLSearchParams({ q, epoch: 'ms' });
  if (db) params.set('db', db);
  const r = await fetch(`${url}/query?${params}`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${auth.u}:${auth.p}`).toString('base64')}` } });
  const j = await r.json();
  if (j.error || j.results?.[0]?.error) throw new Error(`${q}: ${j.error ?? j.results[0].error}`);
  return j;
}
