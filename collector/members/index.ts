// The member registry's entry point: resolveMembers(config, {ifAliases, db}) merges config > stored
// IX-F/PeeringDB import > IX-F/PeeringDB files named in the config > ifAlias, and answers port lookups.
// Reads the source files named in the config synchronously; never writes (see `ixmeter members import`).
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Config } from '../config/types.ts';
import { parseIxf, type IxfExport } from './ixf.ts';
import { parsePeeringDb, type PeeringDbNet } from './peeringdb.ts';
import { createRegistry, loadStored, readPortAliases, type MemberRegistry } from './registry.ts';
import { countedPorts, countsForMembers, type PortRoleRow } from './roles.ts';
import { loadRoles } from './roleStore.ts';
import { aliasLayer, configLayer, ixfLayer, mergeLayers, peeringDbLayer, proposePortMapping, type MemberLayer, type PortAlias } from './resolve.ts';

export { parseIfAlias, type AliasMember } from './ifalias.ts';
export { parseIxf, IxfError, type IxfExport, type IxfMember, type IxfPort } from './ixf.ts';
export { parsePeeringDb, PeeringDbError, categoryOfInfoType, INFO_TYPE_CATEGORY, type PeeringDbNet } from './peeringdb.ts';
export { createRegistry, saveMembers, loadStored, readPortAliases, type MemberInfo, type MemberRegistry } from './registry.ts';
export * from './resolve.ts';
export { compileRoles, configRole, countedPorts, countsForMembers, displayRole, lagsFromStack, portRoles, IFTYPE_LAG, type CompiledRoles, type PortRoleRow, type RoleInterface, type StackPair } from './roles.ts';
export { loadRoles, saveRoles, createRoleWriter } from './roleStore.ts';

/** Options of {@link resolveMembers}. */
export interface ResolveOptions {
  /** Current ifAliases of the switch ports; read from `db`'s ports table when omitted. */
  ifAliases?: PortAlias[];
  /** The local store: members saved by `ixmeter members import`, and the ports table. */
  db?: Database.Database;
  /** An already-parsed IX-F export (instead of config.memberSources.ixf). */
  ixf?: IxfExport;
  /** Already-parsed PeeringDB nets (instead of config.memberSources.peeringdb). */
  peeringdb?: PeeringDbNet[];
  /** Port roles; read from `db`'s port_roles table when omitted. */
  roles?: PortRoleRow[];
}

/**
 * Merges every member source into a registry. Order: config > stored import > IX-F > PeeringDB > ifAlias;
 * each value keeps its source. Throws IxfError/PeeringDbError when a file named in the config is broken.
 */
export function resolveMembers(config: Pick<Config, 'members' | 'memberSources'> & { ixp?: Config['ixp'] }, opts: ResolveOptions = {}): MemberRegistry {
  const useAlias = config.memberSources?.ifAlias !== false;
  // Port roles (migration 007): the IXP's own ports and counted-through LAG links are nobody's member port.
  const roles = opts.roles ?? (opts.db ? loadRoles(opts.db) : []);
  const roleOf = new Map(roles.map((r) => [`${r.switch}\u0000${r.port}`, r.role]));
  const aliases = (opts.ifAliases ?? (opts.db ? readPortAliases(opts.db) : [])).filter((a) => countsForMembers(roleOf.get(`${a.switch}\u0000${a.port}`)));
  let ixf = opts.ixf;
  if (!ixf && config.memberSources?.ixf) ixf = parseIxf(readFileSync(config.memberSources.ixf, 'utf8'), config.memberSources.ixf);
  let pdb = opts.peeringdb;
  if (!pdb && config.memberSources?.peeringdb) pdb = parsePeeringDb(readFileSync(config.memberSources.peeringdb, 'utf8'), config.memberSources.peeringdb).nets;
  // Join and leave days start at local midnight in the IXP's time zone, as its month figures count membership.
  const tz = config.ixp?.timezone;
  const layers: MemberLayer[][] = [configLayer(config.members ?? [], tz)];
  if (opts.db) layers.push(loadStored(opts.db));
  if (ixf) layers.push(ixfLayer(ixf, proposePortMapping(ixf, aliases), tz));
  if (useAlias) layers.push(aliasLayer(aliases));
  // PeeringDB lists every network in the world: it only describes networks another source names.
  const named = new Set(layers.flat().map((m) => m.asn));
  if (pdb) layers.splice(layers.length - (useAlias ? 1 : 0), 0, peeringDbLayer(pdb.filter((n) => named.has(n.asn))));
  const members = mergeLayers(layers).map((m) => ({ ...m, ports: countedPorts(m.ports, roles) }));
  return createRegistry(members, config.ixp?.transitPricePerMbps ?? 0);
}
