// Loads one YAML config: parse, apply IXMETER_* environment overrides, validate against
// schema.json (every error listed), fill defaults. Secrets stay unresolved here (see secrets.ts),
// so nothing secret is ever part of the config object that gets printed or logged.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import YAML from 'yaml';
import type { Config } from './types.ts';
import { fromRoot } from '../paths.ts';

const schemaPath = fromRoot('collector', 'config', 'schema.json');
export const configSchema = JSON.parse(readFileSync(schemaPath, 'utf8'));

/** A config that cannot be used; `problems` lists every error as "path: message". Exit code 2. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// discriminator: the SNMP section's `version` picks its oneOf branch, so errors come from that branch only.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true, discriminator: true });
const validate = ajv.compile(configSchema);

/** Read and validate a config file. Throws ConfigError with every problem found. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [code === 'ENOENT' ? 'file not found' : `cannot read: ${code ?? String(err)}`]);
  }
  return parseConfig(text, file, env);
}

/** Parse and validate config text (file is only used in messages). */
export function parseConfig(text: string, file = '<config>', env: NodeJS.ProcessEnv = process.env): Config {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  }
  let data = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(file, ['the file must be a YAML mapping']);
  data = applyEnvOverrides(data, env);
  return validateConfig(data, file);
}

/** Validate an already-parsed object (fills defaults in place). */
export function validateConfig(data: unknown, file = '<config>'): Config {
  if (!validate(data)) throw new ConfigError(file, formatErrors(validate.errors ?? []));
  const cfg = data as Config;
  const problems = semanticChecks(cfg);
  if (problems.length) throw new ConfigError(file, problems);
  return cfg;
}

/** Checks a JSON schema cannot express: unique names, compilable patterns, API-specific fields. */
function semanticChecks(cfg: Config): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  cfg.switches.forEach((sw, i) => {
    if (seen.has(sw.name)) out.push(`/switches/${i}/name: duplicate switch name ${JSON.stringify(sw.name)}`);
    seen.add(sw.name);
    for (const key of ['include', 'exclude'] as const) {
      (sw[key] ?? []).forEach((re, j) => {
        try { new RegExp(re); } catch (e) { out.push(`/switches/${i}/${key}/${j}: not a regular expression: ${JSON.stringify(re)} (${(e as Error).message})`); }
      });
    }
    if (!sw.snmp) out.push(`/switches/${i}: must have property 'snmp' (version 2c with community, or version 3 with user and keys)`);
  });
  const asns = new Set<number>();
  cfg.members.forEach((m, i) => {
    if (asns.has(m.asn)) out.push(`/members/${i}/asn: duplicate member AS${m.asn}`);
    asns.add(m.asn);
  });
  // Port roles (issue 14): patterns are regular expressions; a trunk end names a known switch; a port a member
  // claims in the config cannot also be one of the IXP's own ports.
  const names = new Set(cfg.switches.map((sw) => sw.name));
  cfg.switches.forEach((sw, i) => {
    for (const key of ['trunk', 'uplink', 'service', 'ignored'] as const) {
      (sw.roles?.[key] ?? []).forEach((re, j) => {
        try { new RegExp(re); } catch (e) { out.push(`/switches/${i}/roles/${key}/${j}: not a regular expression: ${JSON.stringify(re)} (${(e as Error).message})`); }
      });
    }
    (sw.roles?.links ?? []).forEach((l, j) => {
      if (!names.has(l.peerSwitch)) out.push(`/switches/${i}/roles/links/${j}/peerSwitch: no switch is named ${JSON.stringify(l.peerSwitch)}`);
    });
  });
  cfg.members.forEach((m, i) => {
    (m.ports ?? []).forEach((p, j) => {
      const si = cfg.switches.findIndex((sw) => sw.name === p.switch);
      const sw = cfg.switches[si];
      if (!sw?.roles) return;
      if ((sw.roles.links ?? []).some((l) => l.port === p.port)) {
        out.push(`/members/${i}/ports/${j}: ${p.switch} ${JSON.stringify(p.port)} is a trunk (/switches/${si}/roles/links), not AS${m.asn}'s port`);
        return;
      }
      for (const key of ['trunk', 'uplink', 'service', 'ignored'] as const) {
        const hit = (sw.roles[key] ?? []).find((re) => { try { return new RegExp(re).test(p.port); } catch { return false; } });
        if (hit !== undefined) {
          out.push(`/members/${i}/ports/${j}: ${p.switch} ${JSON.stringify(p.port)} matches /switches/${si}/roles/${key} ${JSON.stringify(hit)}, so it cannot be AS${m.asn}'s port`);
          return;
        }
      }
    });
  });
  const ix = cfg.influxdb;
  if (ix?.api === 'v1' && !ix.database) out.push(`/influxdb: api v1 needs 'database'`);
  if (ix?.api === 'v2') for (const k of ['org', 'bucket', 'token'] as const) if (!ix[k]) out.push(`/influxdb: api v2 needs '${k}'`);
  if (cfg.polling.interval < 60 ? 60 % cfg.polling.interval !== 0 : cfg.polling.interval % 60 !== 0) {
    out.push(`/polling/interval: ${cfg.polling.interval} does not align to the minute (use a divisor or a multiple of 60)`);
  }
  if (cfg.ixp?.timezone) {
    try { new Intl.DateTimeFormat('en', { timeZone: cfg.ixp.timezone }); } catch { out.push(`/ixp/timezone: unknown time zone ${JSON.stringify(cfg.ixp.timezone)}`); }
  }
  return out;
}

const SECRET_KEYS = /(community|authKey|privKey|password|token|sessionSecret|pin)$/;

export function formatErrors(errors: ErrorObject[]): string[] {
  // oneOf failures repeat every branch's errors: keep the most specific line per path.
  const lines = new Map<string, string>();
  for (const e of errors) {
    let where = e.instancePath || '/';
    let msg = e.message ?? 'invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      where = `${e.instancePath}/${extra}`;
      msg = 'unknown key';
    } else if (e.keyword === 'required') {
      msg = `missing required key '${(e.params as { missingProperty: string }).missingProperty}'`;
    } else if (e.keyword === 'discriminator') {
      const p = e.params as { tag: string };
      const allowed = ((e.parentSchema as { oneOf?: { properties?: Record<string, { const?: unknown }> }[] })?.oneOf ?? [])
        .map((b) => b.properties?.[p.tag]?.const).filter((v) => v !== undefined);
      const tagValue = (e.params as { tagValue?: unknown }).tagValue;
      if (tagValue === undefined) continue; // the missing key is reported by 'required'
      where = `${e.instancePath}/${p.tag}`;
      msg = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(tagValue)})`;
    } else if (e.schemaPath.startsWith('#/definitions/secret/oneOf/') && e.keyword === 'type') {
      // A secret is one of three shapes: say so once instead of once per shape.
      msg = 'must be a string, {env: NAME} or {file: PATH}';
    } else if (e.keyword === 'enum') {
      msg = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const value = SECRET_KEYS.test(e.instancePath) ? '(secret, not shown)' : e.data === undefined ? undefined : JSON.stringify(e.data);
    // Objects and arrays are never echoed: they may hold a secret under another key.
    const valueText = e.keyword === 'additionalProperties' || e.keyword === 'required' || e.keyword === 'discriminator' || value === undefined
      || (typeof e.data === 'object' && e.data !== null) || (value && value.length > 80) ? '' : ` (got ${value})`;
    const line = `${where}: ${msg}${valueText}`;
    if (e.keyword === 'oneOf' && [...lines.keys()].some((k) => k.startsWith(where))) continue;
    if (!lines.has(line)) lines.set(line, line);
  }
  return [...lines.values()];
}

/**
 * IXMETER_<PATH> overrides: IXMETER_POLLING__INTERVAL=30 sets polling.interval. Path segments are
 * separated by a double underscore and matched case-insensitively against the keys present in
 * the file and the schema; values are parsed as YAML scalars (numbers, booleans, strings).
 */
export function applyEnvOverrides(data: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith('IXMETER_') || raw === undefined) continue;
    const segs = key.slice('IXMETER_'.length).split('__').filter(Boolean);
    if (segs.length === 0) continue;
    let node: Record<string, unknown> = data;
    let schemaNode: { properties?: Record<string, unknown> } | undefined = configSchema;
    for (let i = 0; i < segs.length; i++) {
      const wanted = segs[i].toLowerCase().replace(/_/g, '');
      const candidates = [...Object.keys(node), ...Object.keys(schemaNode?.properties ?? {})];
      const isIndex = /^\d+$/.test(segs[i]);
      const name = isIndex ? segs[i] : candidates.find((c) => c.toLowerCase().replace(/[_-]/g, '') === wanted);
      if (name === undefined) break; // unknown: the strict schema does not see it; ignore env noise
      if (i === segs.length - 1) {
        node[name] = YAML.parse(raw);
      } else {
        if (typeof node[name] !== 'object' || node[name] === null) node[name] = {};
        node = node[name] as Record<string, unknown>;
        const next = (schemaNode?.properties?.[name] ?? undefined) as { properties?: Record<string, unknown> } | undefined;
        schemaNode = next;
      }
    }
  }
  return data;
}
