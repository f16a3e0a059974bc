// `ixmeter discover`: one poll of one agent, printed as the JSON contract (--json) or a table.
// Reads only; never prints a community or key.
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { createSnmpClient, pollSwitch, SnmpError } from '../../collector/snmp/index.ts';
import { printable, table, targetFromArgs, TargetOptionError, targetHelp, targetOptions } from '../../collector/snmp/cli-target.ts';
import type { Sample } from '../../collector/rates/types.ts';
import type { SwitchConfig } from '../../collector/config/types.ts';
import { loadConfig } from '../../collector/config/load.ts';
import { compileRoles, portRoles } from '../../collector/members/roles.ts';

export const summary = 'Read one switch once: system info and every interface with its counters';

export const help = `Usage: ixmeter discover --target HOST[:PORT] (--community C | --v3-user U --auth-protocol P
                        --auth-key K --priv-protocol P --priv-key K) [--timeout S] [--retries N] [--json]

Walks the agent's IF-MIB (ifXTable, ifTable) once and lists its interfaces: what the collector
would poll. With --json one object:
  {"sysName","sysDescr","sysUpTime" (centiseconds),
   "interfaces":[{"ifIndex","name","descr","alias","speedMbps","operStatus","adminStatus",
                  "hc","inOctets","outOctets","role"?,"lag"?}]}
role: lag (a LAG, IF-MIB ifStackTable), lag-link (one of its links, counted through it) and,
with --config, trunk, uplink or service; lag: the LAG a link belongs to.
where hc says whether 64-bit counters were read and inOctets/outOctets are decimal strings of
the counter used (null when the agent has none).

${targetHelp}
  --config F               apply the roles (trunk, uplink, service) of the switch named --name (or at HOST) in F
Output:
  --json                   the JSON object above instead of a table

Exit codes: 0 ok, 1 the agent could not be read, 2 bad usage.`;

/** The JSON contract of `discover --json`. */
export interface DiscoverJson {
  sysName: string;
  sysDescr: string;
  sysUpTime: number;
  interfaces: {
    ifIndex: number; name: string; descr: string; alias: string; speedMbps: number | null;
    operStatus: number | null; adminStatus: number | null; hc: boolean; inOctets: string | null; outOctets: string | null;
    /** Port role from ifStackTable (and the switch's `roles` with --config): trunk, uplink, service, lag, lag-link; absent otherwise. */
    role?: string; lag?: string;
  }[];
}

/** Adds each interface's role (ifStackTable LAGs; the config switch's `roles` patterns when given). */
export function withRoles(d: DiscoverJson, s: Sample, sw: Pick<SwitchConfig, 'name' | 'roles'>): DiscoverJson {
  const ifs = s.interfaces.map((i) => ({ ifIndex: i.ifIndex, name: i.name, ifType: i.ifType, hasCounters: i.inOctets !== null || i.outOctets !== null }));
  const rows = new Map(portRoles(sw.name, compileRoles(sw), ifs, s.stack ?? []).map((r) => [r.port, r]));
  return {
    ...d,
    interfaces: d.interfaces.map((i) => {
      const r = rows.get(i.name);
      if (!r) return i;
      return { ...i, ...(r.role ? { role: r.role } : {}), ...(r.lag ? { lag: r.lag } : {}) };
    }),
  };
}

/** Sample → the discover JSON contract. */
export function toDiscoverJson(s: Sample): DiscoverJson {
  return {
    sysName: s.sysName ?? '',
    sysDescr: s.sysDescr ?? '',
    sysUpTime: s.sysUpTime,
    interfaces: s.interfaces.map((i) => ({
      ifIndex: i.ifIndex, name: i.name, descr: i.descr, alias: i.alias, speedMbps: i.speedMbps,
      operStatus: i.operStatus, adminStatus: i.adminStatus, hc: i.hc,
      inOctets: i.inOctets === null ? null : i.inOctets.toString(),
      outOctets: i.outOctets === null ? null : i.outOctets.toString(),
    })),
  };
}

const STATUS: Record<number, string> = { 1: 'up', 2: 'down', 3: 'testing', 4: 'unknown', 5: 'dormant', 6: 'notPresent', 7: 'lowerLayerDown' };

function uptime(cs: number): string {
  const s = Math.floor(cs / 100);
  return `${Math.floor(s / 86400)}d ${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function text(d: DiscoverJson): string {
  const rows = [['ifIndex', 'name', 'oper', 'admin', 'speed Mb/s', 'hc', 'in octets', 'out octets', 'role', 'alias']];
  for (const i of d.interfaces) {
    const role = i.role ? `${i.role}${i.lag ? ` of ${printable(i.lag)}` : ''}` : i.lag ? `link of ${printable(i.lag)}` : '-';
    rows.push([String(i.ifIndex), printable(i.name), STATUS[i.operStatus ?? 0] ?? String(i.operStatus ?? '-'), STATUS[i.adminStatus ?? 0] ?? String(i.adminStatus ?? '-'),
      i.speedMbps === null ? '-' : String(i.speedMbps), i.hc ? '64' : '32', i.inOctets ?? '-', i.outOctets ?? '-', role, printable(i.alias)]);
  }
  return [
    `sysName:   ${printable(d.sysName)}`,
    `sysDescr:  ${printable(d.sysDescr)}`,
    `sysUpTime: ${uptime(d.sysUpTime)} (${d.sysUpTime} cs)`,
    `${d.interfaces.length} interfaces (${d.interfaces.filter((i) => i.hc).length} with 64-bit counters)`,
    '',
    table(rows, [true, false, false, false, true, true, true, true, false, false]),
  ].join('\n');
}

export async function run(argv: string[], deps: { out?: (s: string) => void } = {}): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...targetOptions, json: { type: 'boolean' }, config: { type: 'string' } }, strict: true, allowPositionals: false });
  // --config: the `roles` of the switch named by --name (or whose host is --target) apply to the role column.
  let roleSwitch: Pick<SwitchConfig, 'name' | 'roles'> | undefined;
  if (values.config) {
    const cfg = loadConfig(values.config);
    const host = String(values.target ?? '').replace(/:\d+$/, '');
    roleSwitch = cfg.switches.find((s) => s.name === values.name) ?? cfg.switches.find((s) => s.host === host);
    if (!roleSwitch) throw new UsageError(`--config ${values.config}: no switch named ${JSON.stringify(values.name ?? '')} or at ${JSON.stringify(host)}`);
  }
  let t;
  try { t = targetFromArgs(values); } catch (e) {
    if (e instanceof TargetOptionError) throw new UsageError(e.message);
    throw e;
  }
  const client = createSnmpClient(t.target);
  try {
    const sample = await pollSwitch(client, { name: t.target.name, include: t.include, exclude: t.exclude, maxRepetitions: t.maxRepetitions, stack: true });
    const d = withRoles(toDiscoverJson(sample), sample, roleSwitch ?? { name: t.target.name });
    (deps.out ?? ((s: string) => { process.stdout.write(s); }))((values.json ? JSON.stringify(d) : text(d)) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof SnmpError) throw new CliError(e.message);
    throw e;
  } finally {
    client.close();
  }
}
