// `ixmeter members import|list`: reads an IX-F export (file or http(s) URL) and a PeeringDB export, proposes
// the IX-F → SNMP port mapping from ifAlias and speed, and saves the merged members in the local store.
// A broken file is rejected with the JSON path of the problem and nothing is stored.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { loadConfig } from '../../collector/config/load.ts';
import {
  IxfError, PeeringDbError, parseIxf, parsePeeringDb, proposePortMapping, readPortAliases, resolveMembers, saveMembers,
  type ResolvedMember,
} from '../../collector/members/index.ts';
import { createStore } from '../../collector/store/index.ts';
import { syncMeta } from '../../collector/store/meta.ts';
import { syncFigures } from '../../collector/store/figures.ts';
import { countsForMembers, loadRoles } from '../../collector/members/index.ts';

export const summary = 'Import members from an IX-F export and PeeringDB, or list them';

export const help = `Usage:
  ixmeter members import --ixf FILE|URL [--ixf-ixp ID] [--peeringdb FILE] [--dry-run] [--config FILE]
  ixmeter members list [--json] [--config FILE]

import  Reads an IX-F Member Export (JSON, schema 1.0; 0.6/0.7 accepted with a warning) from a file or an
        http(s) URL, and optionally a PeeringDB /api/net JSON export for categories. IX-F exports carry no
        SNMP interface names: each IX-F connection is matched to a switch port whose ifAlias names the
        member's ASN, preferring the same speed; ports that could not be matched are listed. The merged
        members (config > IX-F > PeeringDB > ifAlias) are saved in the local store, keeping which port
        belonged to whom and when. A broken file is rejected with the JSON path of the problem.
        --ixf-ixp ID picks one IXP (its ixp_id) of an export that lists several; such an export is refused
        without it. --dry-run shows the result without saving.
list    Prints the members with where each value came from (--json: everything, machine-readable).

Categories from PeeringDB info_type: NSP→nsp, Content→content, Cable/DSL/ISP→isp, Enterprise→enterprise,
Educational/Research→education, Non-Profit→non-profit, Route Server and Route Collector→route-server,
Government→government, Network Services and Not Disclosed→other. Override any of them in the config.

Options:
  --config FILE   config file (default: $IXMETER_CONFIG or ./ixmeter.yaml)
`;

async function readSource(src: string): Promise<string> {
  if (/^https?:\/\//i.test(src)) {
    let res: Response;
    try {
      res = await fetch(src, { signal: AbortSignal.timeout(30_000), headers: { accept: 'application/json' } });
    } catch (e) {
      throw new CliError(`${src}: cannot fetch (${(e as Error).cause ? String((e as { cause: Error }).cause.message ?? (e as Error).cause) : (e as Error).message}); nothing stored`);
    }
    if (!res.ok) throw new CliError(`${src}: HTTP ${res.status} ${res.statusText}; nothing stored`);
    return await res.text();
  }
  try { return readFileSync(src, 'utf8'); } catch (e) {
    throw new CliError(`${src}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); nothing stored`);
  }
}

function sourceLabel(m: ResolvedMember): string {
  const s = new Set([m.name.source, m.category.source].filter((x) => x !== 'default'));
  return [...s].join(',') || 'default';
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'import' && sub !== 'list') throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'import or list?');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      ixf: { type: 'string' }, 'ixf-ixp': { type: 'string' }, peeringdb: { type: 'string' }, config: { type: 'string' },
      'dry-run': { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const config = loadConfig(values.config ?? process.env.IXMETER_CONFIG ?? 'ixmeter.yaml');

  if (sub === 'list') {
    const store = createStore(config.store, {});
    store.open();
    try {
      const members = resolveMembers(config, { db: store.db }).list();
      const roles = loadRoles(store.db);
      if (values.json) {
        process.stdout.write(JSON.stringify({ members, roles }, null, 2) + '\n');
        return 0;
      }
      const lines = [`${'ASN'.padEnd(11)} ${'Name'.padEnd(32)} ${'Category'.padEnd(13)} ${'Transit'.padEnd(7)} ${'Source'.padEnd(16)} Ports`];
      for (const m of members) {
        const ports = m.ports.filter((p) => p.validTo === null).map((p) => `${p.switch} ${p.port}`).join(', ') || '-';
        lines.push(`${('AS' + m.asn).padEnd(11)} ${m.name.value.slice(0, 32).padEnd(32)} ${m.category.value.padEnd(13)} ${(m.buysTransit.value ? 'yes' : 'no').padEnd(7)} ${sourceLabel(m).padEnd(16)} ${ports}`);
      }
      lines.push(`${members.length} members`);
      // Port roles (issue 14): the IXP's own ports and LAGs, which never count as a member's traffic twice or at all.
      if (roles.length) {
        lines.push('', `${'Switch'.padEnd(16)} ${'Port'.padEnd(24)} ${'Role'.padEnd(9)} Why`);
        for (const r of roles) {
          const role = r.role ?? 'member';
          const peer = r.peer ? `; other end ${r.peer.switch} ${r.peer.port}${r.peer.name ? ` (${r.peer.name})` : ''}` : '';
          lines.push(`${r.switch.padEnd(16)} ${r.port.slice(0, 24).padEnd(24)} ${role.padEnd(9)} ${r.why}${peer}`);
        }
        const own = roles.filter((r) => !countsForMembers(r.role)).length;
        lines.push(`${own} ports not counted as member traffic (trunk, uplink, service, LAG links counted through their LAG)`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    } finally { store.close(); }
    return 0;
  }

  if (!values.ixf) throw new UsageError('--ixf FILE|URL is required');
  const ixpId = values['ixf-ixp'];
  if (ixpId !== undefined && !/^\d{1,9}$/.test(ixpId)) throw new UsageError(`--ixf-ixp: expected the IXP's ixp_id (a whole number), got '${ixpId.slice(0, 20)}'`);
  // Read and check every file before the store is touched.
  let ixf;
  let pdb;
  try {
    ixf = parseIxf(await readSource(values.ixf), values.ixf, { ixpId: ixpId === undefined ? undefined : Number(ixpId) });
    if (values.peeringdb) pdb = parsePeeringDb(await readSource(values.peeringdb), values.peeringdb);
  } catch (e) {
    if (e instanceof IxfError || e instanceof PeeringDbError) throw new CliError(`${e.message}; nothing stored`, 2);
    throw e;
  }
  const warnings = [...ixf.warnings, ...(pdb?.warnings ?? [])];
  const store = createStore(config.store, {});
  store.open();
  try {
    const aliases = readPortAliases(store.db);
    const proposals = proposePortMapping(ixf, aliases);
    const members = resolveMembers(config, { ixf, peeringdb: pdb?.nets, ifAliases: aliases, roles: loadRoles(store.db) }).list();
    const mapped = proposals.filter((p) => p.how !== 'unmapped');
    const unmapped = proposals.filter((p) => p.how === 'unmapped');
    const out: string[] = [
      `${values.ixf}: IX-F ${ixf.version}, ${ixf.ixp.shortname}, ${ixf.members.length} members` + (pdb ? `; PeeringDB: ${pdb.nets.length} networks` : ''),
      `Port mapping (IX-F connection → switch port, from ifAlias${aliases.length ? '' : ' — the store knows no ports yet: run the collector first'}):`,
      ...mapped.map((p) => `  AS${p.asn} ${p.memberName ?? ''} [${p.ixfSwitch}${p.speedMbps ? `, ${p.speedMbps} Mbit/s` : ''}] → ${p.switch} ${p.port} (${p.how === 'ifalias+speed' ? 'ASN and speed' : 'ASN only'})`),
    ];
    if (unmapped.length) {
      out.push(`Not mapped (${unmapped.length}):`);
      for (const p of unmapped) out.push(`  AS${p.asn} ${p.memberName ?? ''} [${p.ixfSwitch}${p.speedMbps ? `, ${p.speedMbps} Mbit/s` : ''}]: ${p.reason}`);
    }
    if (values['dry-run']) out.push(`${members.length} members (dry run: nothing saved)`);
    else {
      saveMembers(store.db, members, Date.now(), { ixf: values.ixf, peeringdb: values.peeringdb, report: { warnings, unmapped } });
      // The registry as the collector will read it: changed member points go to the figures outbox for InfluxDB.
      if (config.influxdb) syncMeta(store.db, { all: true, config, members: resolveMembers(config, { db: store.db }) }, Date.now());
      out.push(`${members.length} members saved; ${mapped.length} ports mapped, ${unmapped.length} not mapped`);
      // The member windows and month figures the new registry touches (ports that changed hands, dates, prices).
      const how = await syncFigures(store.db, config);
      if (how !== 'unchanged') out.push(`member figures ${how === 'rebuilt' ? 'computed' : 'recomputed where the import changed them'}`);
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(out.join('\n') + '\n');
  } finally { store.close(); }
  return 0;
}
