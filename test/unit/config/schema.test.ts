// The TypeScript shape of the config (collector/config/types.ts, read with the TypeScript compiler)
// and schema.json name the same options, in both directions; and config.example.yaml validates.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { configSchema, loadConfig } from '../../../collector/config/load.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every property path of the Config type: 'switches[].snmp.community'. Secret and Record types are leaves. */
function typePaths(): Set<string> {
  const file = path.join(root, 'collector/config/types.ts');
  const program = ts.createProgram([file], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowImportingTsExtensions: true, noEmit: true });
  const checker = program.getTypeChecker();
  const src = program.getSourceFile(file)!;
  const decl = src.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Config');
  if (!decl) throw new Error('no interface Config in types.ts');
  const out = new Set<string>();
  const walk = (type: ts.Type, at: string, depth: number): void => {
    if (depth > 10) return;
    type = checker.getNonNullableType(type);
    if (type.aliasSymbol?.name === 'Secret') return;
    if (type.isUnion()) { for (const t of type.types) walk(t, at, depth + 1); return; }
    if (checker.isArrayType(type)) { walk(checker.getTypeArguments(type as ts.TypeReference)[0], `${at}[]`, depth + 1); return; }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    if (checker.getIndexInfosOfType(type).length > 0) return; // Record<string, X>: a map, not options
    for (const prop of checker.getPropertiesOfType(type)) {
      const p = at ? `${at}.${prop.name}` : prop.name;
      out.add(p);
      walk(checker.getTypeOfSymbolAtLocation(prop, decl), p, depth + 1);
    }
  };
  walk(checker.getTypeAtLocation(decl), '', 0);
  return out;
}

type Node = { $ref?: string; properties?: Record<string, Node>; items?: Node; oneOf?: Node[]; anyOf?: Node[] };

/** Every property path the schema allows. A $ref to the secret definition is a leaf. */
function schemaPaths(): Set<string> {
  const out = new Set<string>();
  const defs = (configSchema.definitions ?? {}) as Record<string, Node>;
  const walk = (node: Node, at: string, depth: number): void => {
    if (depth > 12 || !node) return;
    if (node.$ref) {
      const name = node.$ref.replace('#/definitions/', '');
      if (name === 'secret') return;
      walk(defs[name], at, depth + 1);
      return;
    }
    for (const b of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) walk(b, at, depth + 1);
    for (const [k, v] of Object.entries(node.properties ?? {})) {
      const p = at ? `${at}.${k}` : k;
      out.add(p);
      walk(v, p, depth + 1);
    }
    if (node.items) walk(node.items, `${at}[]`, depth + 1);
  };
  walk(configSchema as Node, '', 0);
  return out;
}

describe('config schema and TypeScript types', () => {
  const fromTypes = typePaths();
  const fromSchema = schemaPaths();

  it('finds the options on both sides (sanity)', () => {
    for (const p of ['switches[].snmp.community', 'polling.interval', 'store.retention.rawDays', 'influxdb.token', 'members[].ports[].port']) {
      expect(fromTypes.has(p), `types.ts: ${p}`).toBe(true);
      expect(fromSchema.has(p), `schema.json: ${p}`).toBe(true);
    }
  });

  it('every property of Config (types.ts) exists in schema.json', () => {
    expect([...fromTypes].filter((p) => !fromSchema.has(p)).sort()).toEqual([]);
  });

  it('every property of schema.json exists in Config (types.ts)', () => {
    expect([...fromSchema].filter((p) => !fromTypes.has(p)).sort()).toEqual([]);
  });

  it('every schema option has a title or a description', () => {
    const missing: string[] = [];
    const defs = (configSchema.definitions ?? {}) as Record<string, Node & { title?: string; description?: string }>;
    const walk = (node: Node & { title?: string; description?: string }, at: string, depth: number) => {
      if (!node || depth > 12) return;
      if (node.$ref) return;
      for (const b of node.oneOf ?? []) walk(b, at, depth + 1);
      for (const [k, v] of Object.entries(node.properties ?? {}) as [string, Node & { title?: string; description?: string }][]) {
        const p = at ? `${at}.${k}` : k;
        if (!v.$ref && !v.title && !v.description && !/snmp\.|\.ports\[\]\./.test(p)) missing.push(p);
        walk(v, p, depth + 1);
      }
      if (node.items) walk(node.items, `${at}[]`, depth + 1);
    };
    walk(configSchema as Node, '', 0);
    walk(defs.member, 'members[]', 0);
    expect(missing).toEqual([]);
  });
});

describe('config.example.yaml', () => {
  it('validates against the schema, with two switches, SNMPv3, InfluxDB v1 and members', () => {
    const cfg = loadConfig(path.join(root, 'config.example.yaml'), {});
    expect(cfg.switches.length).toBe(2);
    expect(cfg.switches.every((s) => s.snmp.version === '3')).toBe(true);
    expect(cfg.influxdb?.api).toBe('v1');
    expect(cfg.members.length).toBeGreaterThanOrEqual(3);
    const switchNames = new Set(cfg.switches.map((s) => s.name));
    for (const m of cfg.members) for (const p of m.ports) expect(switchNames.has(p.switch), `${m.name} port on ${p.switch}`).toBe(true);
  });
});
