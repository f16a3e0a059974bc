// Port roles, pure: which polled ports are the IXP's own (trunk, uplink, service: from the switch's `roles`
// patterns) and which LAG links count only through their LAG (IF-MIB ifStackTable, RFC 2863 6). No I/O, no clock.
// A port no rule names is left to membership: `member` when a member owns it, `unassigned` otherwise.
import type { PortRole, SwitchConfig } from '../config/types.ts';

/** IANAifType ieee8023adLag: the interface of a link aggregation group. */
export const IFTYPE_LAG = 161;

/** What role decisions need to know about one polled interface. */
export interface RoleInterface {
  ifIndex: number;
  name: string;
  ifType: number | null;
  /** True when the agent answered octet counters for it. */
  hasCounters: boolean;
}

/** One ifStackTable row: `higher` runs on top of `lower` (RFC 2863 ifStackHigherLayer/ifStackLowerLayer). */
export type StackPair = [higher: number, lower: number];

/** A role decided by the switch (config or stack), stored per switch/port. */
export interface PortRoleRow {
  switch: string;
  port: string;
  /**
   * `trunk`/`uplink`/`service`: the IXP's own port (config). `lag-link`: a link of a LAG whose counters are used.
   * `lag`: a LAG interface (a port like any member port). null: decided by membership (a LAG's link when the LAG
   * itself has no counters, so the links are summed).
   */
  role: Exclude<PortRole, 'member' | 'unassigned' | 'ignored'> | 'lag' | null;
  /** For a LAG link: its LAG's name. */
  lag: string | null;
  /** For a LAG: whether its own counters are used (`lag`) or its links summed (`links`). */
  counted: 'lag' | 'links' | null;
  /** The other end of a trunk, when configured (`roles.links`). */
  peer: { switch: string; port: string; name: string | null } | null;
  /** Why: `roles.trunk "^Ethernet49"`, `ifStackTable: link of Port-Channel1`. */
  why: string;
}

/** A switch's role patterns, compiled. */
export interface CompiledRoles {
  rules: { role: 'trunk' | 'uplink' | 'service' | 'ignored'; pattern: string; re: RegExp }[];
  links: Map<string, { switch: string; port: string; name: string | null }>;
  lags: boolean;
}

/** Compiles a switch's `roles` block. Throws an Error naming the switch, key and pattern for a bad expression. */
export function compileRoles(sw: Pick<SwitchConfig, 'name' | 'roles'>): CompiledRoles {
  const r = sw.roles ?? {};
  const rules: CompiledRoles['rules'] = [];
  for (const role of ['ignored', 'trunk', 'uplink', 'service'] as const) {
    for (const pattern of r[role] ?? []) {
      let re: RegExp;
      try { re = new RegExp(pattern); } catch (e) {
        throw new Error(`switch ${sw.name}: roles.${role} pattern ${JSON.stringify(pattern)} is not a regular expression: ${(e as Error).message}`);
      }
      rules.push({ role, pattern, re });
    }
  }
  const links = new Map((r.links ?? []).map((l) => [l.port, { switch: l.peerSwitch, port: l.peerPort, name: l.name ?? null }]));
  return { rules, links, lags: r.lags !== false };
}

/** The role the config gives a port name, with the rule that gave it; undefined when no rule names it. */
export function configRole(c: CompiledRoles, name: string): { role: 'trunk' | 'uplink' | 'service' | 'ignored'; why: string } | undefined {
  if (c.links.has(name)) return { role: 'trunk', why: 'roles.links' };
  for (const r of c.rules) if (r.re.test(name)) return { role: r.role, why: `roles.${r.role} ${JSON.stringify(r.pattern)}` };
  return undefined;
}

/**
 * LAGs from ifStackTable: each interface of type ieee8023adLag and every interface below it (transitively: some
 * agents stack a link's unit between the LAG and the physical port). A link under two LAGs belongs to the first.
 * Returns LAG ifIndex → link ifIndexes (sorted).
 */
export function lagsFromStack(interfaces: RoleInterface[], stack: StackPair[]): Map<number, number[]> {
  const byIndex = new Map(interfaces.map((i) => [i.ifIndex, i]));
  const below = new Map<number, number[]>();
  for (const [h, l] of stack) {
    if (h === 0 || l === 0) continue; // 0: "nothing above/below" rows (RFC 2863)
    (below.get(h) ?? below.set(h, []).get(h)!).push(l);
  }
  const out = new Map<number, number[]>();
  const taken = new Set<number>();
  for (const i of [...interfaces].sort((a, b) => a.ifIndex - b.ifIndex)) {
    if (i.ifType !== IFTYPE_LAG) continue;
    const links: number[] = [];
    const seen = new Set<number>([i.ifIndex]);
    const todo = [...(below.get(i.ifIndex) ?? [])];
    while (todo.length) {
      const x = todo.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      if (byIndex.get(x)?.ifType === IFTYPE_LAG) continue; // a LAG inside a LAG stays its own
      if (!taken.has(x)) { links.push(x); taken.add(x); }
      todo.push(...(below.get(x) ?? []));
    }
    if (links.length) out.set(i.ifIndex, links.sort((a, b) => a - b));
  }
  return out;
}

/**
 * Roles of one switch's polled interfaces. Config rules first (a trunk LAG's links are `lag-link`s of a trunk);
 * then LAGs: with counters, the LAG counts and its links are `lag-link`; without, the links are summed (role null,
 * `lag` set) and the LAG row says `counted: links`. Interfaces no rule names and in no LAG are not returned.
 */
export function portRoles(switchName: string, c: CompiledRoles, interfaces: RoleInterface[], stack: StackPair[]): PortRoleRow[] {
  const byIndex = new Map(interfaces.map((i) => [i.ifIndex, i]));
  const rows = new Map<number, PortRoleRow>();
  const peerOf = (name: string) => c.links.get(name) ?? null;
  for (const i of interfaces) {
    const r = configRole(c, i.name);
    if (!r || r.role === 'ignored') continue;
    rows.set(i.ifIndex, { switch: switchName, port: i.name, role: r.role, lag: null, counted: null, peer: r.role === 'trunk' ? peerOf(i.name) : null, why: r.why });
  }
  if (c.lags) {
    for (const [lagIndex, links] of lagsFromStack(interfaces, stack)) {
      const lag = byIndex.get(lagIndex)!;
      const present = links.map((x) => byIndex.get(x)).filter((x): x is RoleInterface => !!x);
      const counted: 'lag' | 'links' = lag.hasCounters ? 'lag' : 'links';
      const own = rows.get(lagIndex);
      const names = present.map((p) => p.name).join(', ');
      if (own) { own.counted = counted; own.why += `; ifStackTable: LAG of ${names}`; } else {
        rows.set(lagIndex, { switch: switchName, port: lag.name, role: 'lag', lag: null, counted, peer: null, why: `ifStackTable: LAG of ${names}` });
      }
      for (const p of present) {
        const cfg = rows.get(p.ifIndex);
        // A link the config names keeps that role (a trunk link stays a trunk), but is still this LAG's link.
        if (cfg) { cfg.lag = lag.name; continue; }
        rows.set(p.ifIndex, {
          switch: switchName, port: p.name, role: counted === 'lag' ? 'lag-link' : null, lag: lag.name, counted: null, peer: null,
          why: counted === 'lag' ? `ifStackTable: link of ${lag.name} (counted through it)` : `ifStackTable: link of ${lag.name} (it has no counters: links summed)`,
        });
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.port.localeCompare(b.port, undefined, { numeric: true }));
}

/** Roles a port may hold and still belong to a member (its traffic counts in member figures). */
export function countsForMembers(role: PortRoleRow['role'] | undefined): boolean {
  return role === null || role === undefined || role === 'lag';
}

/** The role a person reads for a port: the stored role, else member / unassigned by membership. */
export function displayRole(role: PortRoleRow['role'] | undefined, owned: boolean): PortRole | 'lag' {
  if (role === 'trunk' || role === 'uplink' || role === 'service' || role === 'lag-link') return role;
  return owned ? 'member' : role === 'lag' ? 'lag' : 'unassigned';
}

/**
 * A member's ports as counted: the IXP's own ports (trunk, uplink, service) dropped; a LAG link replaced by its LAG
 * when the LAG's counters are used; a LAG whose counters are absent replaced by its links. Each port at most once.
 * `make` builds the replacement from the port it replaces (keeping its time range and source).
 */
export function countedPorts<T extends { switch: string; port: string }>(ports: T[], roles: PortRoleRow[], make: (from: T, port: string) => T = (f, port) => ({ ...f, port })): T[] {
  if (roles.length === 0) return ports;
  const byKey = new Map(roles.map((r) => [`${r.switch}\u0000${r.port}`, r]));
  const out: T[] = [];
  const seen = new Set<string>();
  const add = (p: T) => {
    const k = JSON.stringify(p);
    if (seen.has(k)) return;
    seen.add(k);
    out.push(p);
  };
  for (const p of ports) {
    const r = byKey.get(`${p.switch}\u0000${p.port}`);
    if (!r) { add(p); continue; }
    if (r.role === 'trunk' || r.role === 'uplink' || r.role === 'service') continue;
    if (r.role === 'lag-link' && r.lag) { add(make(p, r.lag)); continue; }
    if (r.role === 'lag' && r.counted === 'links') {
      for (const l of roles) if (l.switch === p.switch && l.lag === r.port && countsForMembers(l.role)) add(make(p, l.port));
      continue;
    }
    add(p);
  }
  return out;
}
