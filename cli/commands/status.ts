// `ixmeter status`: what the collector has stored and forwarded, for a person or as JSON —
// backlog per table, last poll per switch, last forward ack, store size, simulated flag.
// Opens the store read-only (safe while the collector runs); never writes anything.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { CliError } from '../index.ts';
import { loadConfig } from '../../collector/config/load.ts';
import { createStore, StoreError } from '../../collector/store/index.ts';
import { publicUrl } from '../../collector/forward/influx.ts';

export const summary = 'Show the local store: forward backlog, last poll per switch, last forward';

export const help = `Usage: ixmeter status [--config FILE] [--json]

Reads the local store (read-only; the collector may keep running) and prints:
  - the forward backlog of each table (points not yet acknowledged by InfluxDB, age of the oldest)
  - the last poll of each switch (time, ok or the error)
  - the last write InfluxDB acknowledged, and the last forwarding error
  - the store's size on disk, and whether it holds simulated (demo) data

Options:
  --config FILE   the YAML config (default ./ixmeter.yaml)
  --json          one JSON object instead of text
  --help          this text`;

/** The JSON shape of `ixmeter status --json`. Times are ISO 8601 (UTC), null when never. */
export interface StatusReport {
  store: { path: string; sizeBytes: number; simulated: boolean; schemaVersion: number };
  forwarding: {
    configured: boolean;
    target: string | null;
    lastAckAt: string | null;
    lastError: string | null;
    lastErrorAt: string | null;
    parkedPoints: number;
    backlog: { table: string; points: number; oldest: string | null; oldestAgeSeconds: number | null }[];
  };
  switches: { name: string; lastPoll: string | null; ok: boolean | null; error: string | null; durationMs: number | null; ports: number | null }[];
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0 ? null : new Date(ms).toISOString());

/** Builds the report from a config and the clock. */
export function statusReport(configFile: string, now = Date.now()): StatusReport {
  const config = loadConfig(configFile);
  const file = config.store.path;
  if (!existsSync(file)) throw new CliError(`local store ${file} does not exist yet: the collector has not run with this config (store.path)`);
  const store = createStore(config.store, { readonly: true });
  store.open();
  try {
    const db = store.db;
    const meta = (k: string) => store.getMeta(k);
    const lastPolls = db.prepare(`SELECT p.switch, p.t, p.ok, p.error, p.duration_ms, p.ports FROM polls p
      JOIN (SELECT switch, max(t) AS t FROM polls GROUP BY switch) m ON m.switch = p.switch AND m.t = p.t`).all() as
      { switch: string; t: number; ok: number; error: string | null; duration_ms: number; ports: number }[];
    const bySwitch = new Map(lastPolls.map((p) => [p.switch, p]));
    const names = [...new Set([...config.switches.map((s) => s.name), ...bySwitch.keys()])];
    const lastAck = Number(meta('forward.lastAckAt') ?? 0);
    const lastErr = meta('forward.lastError');
    return {
      store: {
        path: file, sizeBytes: store.sizeBytes(), simulated: meta('simulated') === '1',
        schemaVersion: Number(db.pragma('user_version', { simple: true })),
      },
      forwarding: {
        configured: !!config.influxdb,
        target: config.influxdb ? `${publicUrl(config.influxdb.url)} (${config.influxdb.api === 'v1' ? `database ${config.influxdb.database}` : `bucket ${config.influxdb.bucket}`})` : null,
        lastAckAt: iso(lastAck),
        lastError: lastErr ? lastErr : null,
        lastErrorAt: lastErr ? iso(Number(meta('forward.lastErrorAt') ?? 0)) : null,
        parkedPoints: Number(meta('forward.parked') ?? 0),
        backlog: store.backlog().map((b) => ({
          table: b.table, points: b.points, oldest: iso(b.oldest), oldestAgeSeconds: b.oldest === null ? null : Math.max(0, Math.round((now - b.oldest) / 1000)),
        })),
      },
      switches: names.map((name) => {
        const p = bySwitch.get(name);
        return { name, lastPoll: iso(p?.t), ok: p ? p.ok === 1 : null, error: p?.error ?? null, durationMs: p ? Math.round(p.duration_ms) : null, ports: p?.ports ?? null };
      }),
    };
  } finally {
    store.close();
  }
}

function age(s: number | null): string {
  if (s === null) return '';
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

/** The report as text for a person. */
export function formatStatus(r: StatusReport): string {
  const out: string[] = [];
  const mb = (r.store.sizeBytes / 1048576).toFixed(1);
  out.push(`Local store  ${r.store.path}  ${mb} MB  schema v${r.store.schemaVersion}${r.store.simulated ? '  SIMULATED (demo data)' : ''}`);
  out.push('');
  out.push('Switches');
  if (r.switches.length === 0) out.push('  (none configured, no polls stored)');
  for (const s of r.switches) {
    const state = s.ok === null ? 'never polled' : s.ok ? `ok, ${s.ports} ports, ${s.durationMs} ms` : `FAILED: ${s.error ?? 'unknown error'}`;
    out.push(`  ${s.name.padEnd(20)} ${s.lastPoll ?? '-'}  ${state}`);
  }
  out.push('');
  const f = r.forwarding;
  if (!f.configured) {
    out.push('Forwarding   off (no influxdb section in the config); the local store is the only copy');
  } else {
    out.push(`Forwarding   to ${f.target}`);
    out.push(`  last acknowledged write  ${f.lastAckAt ?? 'never'}`);
    if (f.lastError) out.push(`  last error (${f.lastErrorAt ?? '?'})  ${f.lastError}`);
    if (f.parkedPoints) out.push(`  parked points (rejected as invalid by InfluxDB)  ${f.parkedPoints}`);
  }
  out.push('  backlog (not yet acknowledged):');
  for (const b of f.backlog) out.push(`    ${b.table.padEnd(8)} ${String(b.points).padStart(9)} points${b.points ? `, oldest ${b.oldest} (${age(b.oldestAgeSeconds)} ago)` : ''}`);
  return out.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', default: './ixmeter.yaml' }, json: { type: 'boolean', default: false } }, strict: true, allowPositionals: false });
  let report: StatusReport;
  try { report = statusReport(values.config!); } catch (e) {
    if (e instanceof StoreError) throw new CliError(e.message);
    throw e;
  }
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatStatus(report));
  return 0;
}
