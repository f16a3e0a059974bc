// Command-line target options shared by `discover` and `poll` (--target, v2c/v3 credentials,
// keys from env vars). Builds an SnmpTarget; never echoes a secret, even in errors.
import type { SnmpTarget } from './index.ts';

/** util.parseArgs option spec for the target options. */
export const targetOptions = {
  target: { type: 'string' },
  name: { type: 'string' },
  community: { type: 'string' },
  'community-env': { type: 'string' },
  'v3-user': { type: 'string' },
  'auth-protocol': { type: 'string' },
  'auth-key': { type: 'string' },
  'auth-key-env': { type: 'string' },
  'priv-protocol': { type: 'string' },
  'priv-key': { type: 'string' },
  'priv-key-env': { type: 'string' },
  context: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  'max-repetitions': { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

/** Help text for the target options. */
export const targetHelp = `Target:
  --target HOST[:PORT]     the SNMP agent (IPv6: [ADDR]:PORT); port default 161
  --name NAME              the switch's name in messages (default: HOST)
SNMP v2c:
  --community C            community (or --community-env VAR, or env IXMETER_SNMP_COMMUNITY)
SNMP v3 (authPriv):
  --v3-user U              user name
  --auth-protocol P        sha | sha256
  --auth-key K             (or --auth-key-env VAR, or env IXMETER_SNMP_AUTH_KEY)
  --priv-protocol P        aes | aes256b | aes256r
  --priv-key K             (or --priv-key-env VAR, or env IXMETER_SNMP_PRIV_KEY)
  --context NAME           SNMPv3 context name (default empty)
Tuning:
  --timeout S              seconds to wait per request (default 2)
  --retries N              retransmissions of an unanswered request (default 1)
  --max-repetitions N      GETBULK rows per request to start with (default 25)
  --include RE             keep only interfaces whose name matches (repeatable)
  --exclude RE             drop interfaces whose name matches (repeatable)
Keys given on the command line are visible to other users in the process list: prefer the
environment variables.`;

/** Values as util.parseArgs returns them for targetOptions. */
export type TargetValues = { [K in keyof typeof targetOptions]?: (typeof targetOptions)[K] extends { multiple: true } ? string[] : string };

/** A user mistake in the target options (the command maps it to a UsageError, exit 2). */
export class TargetOptionError extends Error {}

function secret(v: TargetValues, flag: 'community' | 'auth-key' | 'priv-key', defEnv: string, env: NodeJS.ProcessEnv): string | undefined {
  const direct = v[flag];
  if (direct !== undefined) return direct;
  const envFlag = v[`${flag}-env`];
  if (envFlag !== undefined) {
    const val = env[envFlag];
    if (val === undefined || val === '') throw new TargetOptionError(`--${flag}-env: environment variable ${envFlag} is not set`);
    return val;
  }
  const val = env[defEnv];
  return val === '' ? undefined : val;
}

function number(v: string | undefined, flag: string, def: number, integer: boolean, min: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new TargetOptionError(`--${flag}: ${JSON.stringify(v)} is not ${integer ? 'an integer' : 'a number'} >= ${min}`);
  return n;
}

/** Splits HOST[:PORT] / [V6]:PORT / bare IPv6. */
export function parseHostPort(s: string): { host: string; port: number } {
  let host = s;
  let port = 161;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) { host = v6[1]; if (v6[2]) port = Number(v6[2]); } else if ((s.match(/:/g) ?? []).length === 1) {
    const [h, p] = s.split(':');
    host = h;
    if (!/^\d+$/.test(p)) throw new TargetOptionError(`--target: port ${JSON.stringify(p)} is not a number`);
    port = Number(p);
  }
  if (!host || port < 1 || port > 65535) throw new TargetOptionError(`--target: ${JSON.stringify(s)} is not HOST[:PORT]`);
  return { host, port };
}

/** Builds the target and poll settings from parsed options (and env for keys). */
export function targetFromArgs(v: TargetValues, env: NodeJS.ProcessEnv = process.env): { target: SnmpTarget; include?: string[]; exclude?: string[]; maxRepetitions: number } {
  if (!v.target) throw new TargetOptionError('--target HOST[:PORT] is required');
  const { host, port } = parseHostPort(v.target);
  const base = {
    name: v.name ?? host, host, port,
    timeout: number(v.timeout, 'timeout', 2, false, 0.01),
    retries: number(v.retries, 'retries', 1, true, 0),
  };
  const maxRepetitions = number(v['max-repetitions'], 'max-repetitions', 25, true, 1);
  const sel = { include: v.include, exclude: v.exclude, maxRepetitions };
  if (v['v3-user'] !== undefined) {
    if (v.community !== undefined || v['community-env'] !== undefined) throw new TargetOptionError('give either --community or --v3-user, not both');
    const authProtocol = v['auth-protocol'];
    const privProtocol = v['priv-protocol'];
    if (authProtocol !== 'sha' && authProtocol !== 'sha256') throw new TargetOptionError(`--auth-protocol must be sha or sha256${authProtocol === undefined ? '' : `, not ${JSON.stringify(authProtocol)}`}`);
    if (privProtocol !== 'aes' && privProtocol !== 'aes256b' && privProtocol !== 'aes256r') throw new TargetOptionError(`--priv-protocol must be aes, aes256b or aes256r${privProtocol === undefined ? '' : `, not ${JSON.stringify(privProtocol)}`}`);
    const authKey = secret(v, 'auth-key', 'IXMETER_SNMP_AUTH_KEY', env);
    const privKey = secret(v, 'priv-key', 'IXMETER_SNMP_PRIV_KEY', env);
    if (!authKey) throw new TargetOptionError('SNMPv3 needs an authentication key: --auth-key, --auth-key-env VAR or IXMETER_SNMP_AUTH_KEY');
    if (!privKey) throw new TargetOptionError('SNMPv3 needs a privacy key: --priv-key, --priv-key-env VAR or IXMETER_SNMP_PRIV_KEY');
    // RFC 3414 11.2: keys are derived from passwords of at least 8 characters.
    if (authKey.length < 8) throw new TargetOptionError('the SNMPv3 authentication key must be at least 8 characters (RFC 3414)');
    if (privKey.length < 8) throw new TargetOptionError('the SNMPv3 privacy key must be at least 8 characters (RFC 3414)');
    return { target: { ...base, version: '3', user: v['v3-user'], authProtocol, privProtocol, authKey, privKey, context: v.context }, ...sel };
  }
  const community = secret(v, 'community', 'IXMETER_SNMP_COMMUNITY', env);
  if (community === undefined) throw new TargetOptionError('give --community (or --community-env VAR, or IXMETER_SNMP_COMMUNITY) for v2c, or --v3-user with its keys');
  return { target: { ...base, version: '2c', community }, ...sel };
}

/** Replaces control characters in untrusted agent text (ifAlias, sysDescr) for a terminal. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Pads columns of rows (first row = header) into aligned text. */
export function table(rows: string[][], rightAlign: boolean[] = []): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 && !rightAlign[i] ? c : rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}
