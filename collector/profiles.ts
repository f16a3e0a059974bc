// Loads switch profiles (firmware-config/switches/<name>.yaml), checked against their JSON schema,
// and combines a profile's include/exclude patterns with a switch's own. Reads files only; no SNMP.
// A bad or missing profile is a ConfigError naming the file and every problem.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { ConfigError } from './config/load.ts';
import { fromRoot } from './paths.ts';

const HERE = fromRoot('collector');
/** Where profiles live in the source tree. */
export const PROFILE_DIR = path.join(HERE, '..', 'firmware-config', 'switches');
const SCHEMA_DIR = path.join(HERE, '..', 'firmware-config', 'schema');

/** A switch profile as written in its YAML file (see firmware-config/schema/switch-profile.schema.json). */
export interface SwitchProfile {
  name: string;
  vendor: string;
  os: string;
  models: string[];
  sysObjectIdPrefix?: string;
  recording?: string;
  doc: string;
  /** Regular expressions on ifName: keep an interface only if one matches. */
  include: string[];
  /** Regular expressions on ifName: drop a matching interface. */
  exclude: string[];
  ifAlias: { convention: string; example: string; set: string };
  snmpv3: { authProtocol: 'sha' | 'sha256'; privProtocol: 'aes' | 'aes256b' | 'aes256r'; context?: string };
  counters?: { hc?: boolean; notes?: string };
  quirks: { id: string; description: string; handling: 'patterns' | 'collector' | 'operator' }[];
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validators = new Map<string, ReturnType<Ajv['compile']>>();

/** The ajv validator of one schema in firmware-config/schema ('switch-profile' or 'modem'). */
export function firmwareSchemaValidator(name: 'switch-profile' | 'modem'): ReturnType<Ajv['compile']> {
  let v = validators.get(name);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(path.join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')));
    validators.set(name, v);
  }
  return v;
}

/** Parse and check one YAML data file against a firmware-config schema; throws ConfigError listing every problem. */
export function loadFirmwareFile<T>(file: string, schema: 'switch-profile' | 'modem'): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`]);
  }
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new ConfigError(file, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  const data = doc.toJS();
  const validate = firmwareSchemaValidator(schema);
  if (!validate(data)) {
    throw new ConfigError(file, (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`));
  }
  return data as T;
}

/** Names of the profiles available in `dir`. */
export function listSwitchProfiles(dir = PROFILE_DIR): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
}

/** Load profile `name` (config switches[].profile) from `dir`; checks the schema, the name and every pattern. */
export function loadSwitchProfile(name: string, dir = PROFILE_DIR): SwitchProfile {
  const file = path.join(dir, `${name}.yaml`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new ConfigError(file, [`not a profile name: ${JSON.stringify(name)} (known: ${safeList(dir)})`]);
  }
  let p: SwitchProfile;
  try {
    p = loadFirmwareFile<SwitchProfile>(file, 'switch-profile');
  } catch (err) {
    if (err instanceof ConfigError && err.problems[0] === 'file not found') {
      throw new ConfigError(file, [`no switch profile ${JSON.stringify(name)} (known: ${safeList(dir)})`]);
    }
    throw err;
  }
  const problems: string[] = [];
  if (p.name !== name) problems.push(`/name: ${JSON.stringify(p.name)} differs from the file name ${JSON.stringify(name)}`);
  for (const key of ['include', 'exclude'] as const) {
    p[key].forEach((re, i) => { try { new RegExp(re); } catch (e) { problems.push(`/${key}/${i}: not a regular expression: ${JSON.stringify(re)} (${(e as Error).message})`); } });
  }
  if (problems.length) throw new ConfigError(file, problems);
  return p;
}

/**
 * The include/exclude patterns for one configured switch: the switch's own `include` replaces the profile's
 * when given; `exclude` patterns of both apply.
 */
export function filtersFor(sw: { include?: string[]; exclude?: string[]; profile?: string }, dir = PROFILE_DIR): { include?: string[]; exclude?: string[] } {
  if (!sw.profile) return { include: sw.include, exclude: sw.exclude };
  const p = loadSwitchProfile(sw.profile, dir);
  return { include: sw.include ?? p.include, exclude: [...p.exclude, ...(sw.exclude ?? [])] };
}

/** Whether an interface name passes include/exclude (the same rule the collector applies). */
export function keepInterface(name: string, f: { include?: string[]; exclude?: string[] }): boolean {
  if (f.include && f.include.length && !f.include.some((re) => new RegExp(re).test(name))) return false;
  return !(f.exclude ?? []).some((re) => new RegExp(re).test(name));
}

function safeList(dir: string): string {
  try { return listSwitchProfiles(dir).join(', ') || 'none'; } catch { return 'none'; }
}
