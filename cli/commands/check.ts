// `ixmeter check`: validates the config (every error listed, exit 2), then reaches every switch
// (one GET of sysUpTime/sysName, a walk counting interfaces) and InfluxDB when configured (ping
// and a write-permission probe that writes no point), and prints OK/FAIL per target. Reads only.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../collector/config/load.ts';
import { resolveSecret } from '../../collector/config/secrets.ts';
import type { Config, InfluxConfig, SwitchConfig } from '../../collector/config/types.ts';
import { configureLogging } from '../../collector/log.ts';
import { createSnmpClient, targetFromConfig, type SnmpClient, type SnmpTarget } from '../../collector/snmp/index.ts';
import { IF, IFX, SYS } from '../../collector/snmp/oids.ts';

export const summary = 'Check the config, and reach every switch and InfluxDB';

export const help = `Usage: ixmeter check [--config FILE]

Validates the config file (every problem is listed with its path; exit 2), then tries every
target and prints one line each:
  switch    one GET of sysUpTime and sysName, and a walk counting the interfaces
  influxdb  /ping, then a write-permission probe (an empty write: nothing is stored)

Options:
  --config FILE   the YAML config (default ./ixmeter.yaml)
  --help          this text

Exit codes: 0 every target OK, 1 at least one target failed, 2 bad usage or bad config.`;

/** The outcome of one target. `detail` is safe to print: no secret, switch text escaped. */
export interface CheckResult { kind: 'switch' | 'influxdb'; name: string; ok: boolean; detail: string }

/** Printable form of untrusted switch text (sysName): quoted, control characters escaped, short. */
function quote(v: unknown): string {
  const s = Buffer.isBuffer(v) ? v.toString('utf8') : String(v ?? '');
  return JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);
}

function uptime(cs: number): string {
  const s = Math.floor(cs / 100);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

/** Reach one switch: GET sysUpTime/sysName, then count interfaces from ifDescr and ifName. */
export async function checkSwitch(sw: SwitchConfig, makeClient: (t: SnmpTarget) => SnmpClient = createSnmpClient): Promise<CheckResult> {
  const where = `${sw.name} (${sw.host}:${sw.port})`;
  let client: SnmpClient | undefined;
  let step = 'credentials';
  try {
    client = makeClient(targetFromConfig(sw));
    step = 'get system';
    const [up, name] = await client.get([SYS.sysUpTime, SYS.sysName]);
    if (up === null || up === undefined) return { kind: 'switch', name: sw.name, ok: false, detail: `${where}: get system: the agent has no sysUpTime` };
    step = 'walk interfaces';
    const cols = await client.bulkColumns([IF.ifDescr, IFX.ifName], sw.maxRepetitions);
    const idx = new Set<number | string>();
    for (const c of cols.values()) for (const k of c.keys()) idx.add(k);
    const hasIfx = (cols.get(IFX.ifName)?.size ?? 0) > 0;
    return {
      kind: 'switch', name: sw.name, ok: idx.size > 0,
      detail: `${where}: sysName ${quote(name)}, up ${uptime(Number(up))}, ${idx.size} interface${idx.size === 1 ? '' : 's'}${hasIfx ? '' : ' (no ifXTable: 32-bit counters only)'}${idx.size ? '' : ': nothing to poll'}`,
    };
  } catch (err) {
    const msg = ((err as Error)?.message ?? String(err)).replace(/^switch \S+ \([^)]*\): /, '');
    return { kind: 'switch', name: sw.name, ok: false, detail: `${where}: ${step}: ${msg}` };
  } finally {
    client?.close();
  }
}

/** The useful part of a fetch failure: the socket error code (ECONNREFUSED...) or undici's cause. */
function netReason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

function httpReason(status: number, body: string): string {
  let msg = body.trim();
  try { const j = JSON.parse(body); msg = j.error ?? j.message ?? msg; } catch { /* not JSON */ }
  return `HTTP ${status}${msg ? `: ${msg.slice(0, 200)}` : ''}`;
}

/**
 * Reach InfluxDB: /ping, then an empty write to the configured database (v1) or bucket (v2).
 * InfluxDB 1.x answers an empty write with 204 when the database exists and the user may write,
 * 404 for an unknown database, 401/403 for bad credentials; nothing is stored either way.
 */
export async function checkInflux(ix: InfluxConfig, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const name = ix.url;
  const fail = (detail: string): CheckResult => ({ kind: 'influxdb', name, ok: false, detail: `${ix.url}: ${detail}` });
  const timeout = Math.min(ix.timeout, 10) * 1000;
  const base = ix.url.replace(/\/+$/, '');
  let version = '';
  try {
    const r = await fetch(`${base}/ping`, { signal: AbortSignal.timeout(timeout) });
    if (r.status !== 204 && r.status !== 200) return fail(`ping: ${httpReason(r.status, await r.text())}`);
    version = r.headers.get('x-influxdb-version') ?? '';
  } catch (err) {
    return fail(`ping: ${netReason(err)}`);
  }
  let url: string;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  try {
    if (ix.api === 'v1') {
      const q = new URLSearchParams({ db: ix.database ?? '', precision: 'ms' });
      if (ix.retentionPolicy) q.set('rp', ix.retentionPolicy);
      if (ix.username) q.set('u', ix.username);
      if (ix.password !== undefined) q.set('p', resolveSecret(ix.password, 'influxdb.password', env));
      url = `${base}/write?${q}`;
    } else {
      url = `${base}/api/v2/write?${new URLSearchParams({ org: ix.org ?? '', bucket: ix.bucket ?? '', precision: 'ms' })}`;
      if (ix.token !== undefined) headers.authorization = `Token ${resolveSecret(ix.token, 'influxdb.token', env)}`;
    }
  } catch (err) {
    return fail((err as Error).message);
  }
  const target = ix.api === 'v1' ? `database ${ix.database}${ix.retentionPolicy ? `.${ix.retentionPolicy}` : ''}` : `bucket ${ix.bucket} (org ${ix.org})`;
  try {
    const r = await fetch(url, { method: 'POST', body: '', headers, signal: AbortSignal.timeout(timeout) });
    const body = await r.text();
    // InfluxDB 2.x may refuse an empty body after authorising it: the token and bucket are fine then.
    const emptyRefused = r.status === 400 && /no points|requires points|empty/i.test(body);
    if (r.status === 204 || r.status === 200 || emptyRefused) {
      return { kind: 'influxdb', name, ok: true, detail: `${ix.url}: ping OK${version ? ` (version ${version})` : ''}, write to ${target} allowed` };
    }
    const hint = r.status === 404 ? ' (create it, or fix the name in the config)' : r.status === 401 || r.status === 403 ? ' (check the user/password or token)' : '';
    return fail(`write to ${target}: ${httpReason(r.status, body)}${hint}`);
  } catch (err) {
    return fail(`write to ${target}: ${netReason(err)}`);
  }
}

/** Every target of a config, checked concurrently. */
export async function checkTargets(config: Config): Promise<CheckResult[]> {
  return Promise.all([
    ...config.switches.map((sw) => checkSwitch(sw)),
    ...(config.influxdb ? [checkInflux(config.influxdb)] : []),
  ]);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', default: './ixmeter.yaml' } }, strict: true, allowPositionals: false });
  const file = values.config!;
  const config = loadConfig(file); // ConfigError: every problem listed, exit 2
  configureLogging({ level: 'error' });
  process.stdout.write(`config    OK    ${file} (${config.switches.length} switch${config.switches.length === 1 ? '' : 'es'}${config.influxdb ? `, InfluxDB ${config.influxdb.api}` : ''})\n`);
  const results = await checkTargets(config);
  for (const r of results) process.stdout.write(`${r.kind.padEnd(9)} ${r.ok ? 'OK  ' : 'FAIL'}  ${r.detail}\n`);
  const failed = results.filter((r) => !r.ok).length;
  if (failed) process.stdout.write(`${failed} of ${results.length} target${results.length === 1 ? '' : 's'} failed\n`);
  return failed ? 1 : 0;
}
