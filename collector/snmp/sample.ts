// pollSwitch: reads sysUpTime and the IF-MIB columns through an SnmpClient and builds one Sample
// (collector/rates/types.ts). Raw counters only: no rates, no clock other than the injected one.
import type { IfSample, Sample } from '../rates/types.ts';
import { SnmpError, type Column, type SnmpClient, type SnmpValue } from './index.ts';
import { IF, IFX, IF_COLUMNS, IFX_COLUMNS, IF_FALLBACK_COLUMNS, IF_STACK_STATUS, SYS } from './oids.ts';

/** What pollSwitch needs to know about a switch. */
export interface PollTarget {
  name: string;
  /** Regular expressions; only interfaces whose name matches one are kept. Default: all. */
  include?: string[];
  /** Regular expressions; interfaces whose name matches one are dropped. */
  exclude?: string[];
  /** GETBULK rows per request before the agent's limit is known. Default 25. */
  maxRepetitions?: number;
  /** Read ifStackTable (LAGs) at the first poll and then hourly. Default false. */
  stack?: boolean;
}

/** ifStackTable as last read per agent, with the wall time it was read. */
const stackCache = new WeakMap<SnmpClient, { at: number; pairs: [number, number][] }>();
const STACK_EVERY_MS = 3_600_000;

/**
 * The agent's ifStackTable rows [higher, lower], from the cache when read within the hour. An agent without the
 * table gives []; a failure to read it keeps the last known rows (a LAG does not dissolve because one walk failed).
 */
async function readStack(client: SnmpClient, rep: number, now: number): Promise<[number, number][]> {
  const c = stackCache.get(client);
  if (c && now - c.at < STACK_EVERY_MS && now >= c.at) return c.pairs;
  let pairs: [number, number][];
  try {
    const col = (await client.bulkColumns([IF_STACK_STATUS], rep)).get(IF_STACK_STATUS) ?? new Map();
    pairs = [];
    for (const [k, v] of col) {
      if (typeof k !== 'string' || v !== 1) continue; // 1 = active (RowStatus)
      const [h, l] = k.split('.').map(Number);
      if (Number.isInteger(h) && Number.isInteger(l)) pairs.push([h!, l!]);
    }
  } catch {
    return c?.pairs ?? [];
  }
  stackCache.set(client, { at: now, pairs });
  return pairs;
}

/** Wall and monotonic time, injected so tests control them. Both in milliseconds. */
export interface Clock { now(): number; mono(): number }

/** The real clock: Date.now and performance.now. */
export const systemClock: Clock = { now: () => Date.now(), mono: () => performance.now() };

/** Interfaces missing HC octets or any speed, up to this many, are completed with a GET, not a walk. */
const GET_FALLBACK_MAX_IFS = 8;

/**
 * What was learnt about an agent on earlier polls: whether the 32-bit ifTable columns (and ifSpeed)
 * are needed for many interfaces, so that they join the first walk instead of a second one.
 */
const fallbackPlan = new WeakMap<SnmpClient, 'walk' | 'get' | 'none'>();

function text(v: SnmpValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

function num(v: SnmpValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

function big(v: SnmpValue | undefined): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  return null;
}

/** Sum of the counters that answered; null when none did. */
function sum(...vs: (SnmpValue | undefined)[]): bigint | null {
  let total: bigint | null = null;
  for (const v of vs) {
    const b = big(v);
    if (b !== null) total = (total ?? 0n) + b;
  }
  return total;
}

function compile(patterns: string[] | undefined, what: string, sw: string): RegExp[] {
  return (patterns ?? []).map((p) => {
    try { return new RegExp(p); } catch (e) { throw new SnmpError(`switch ${sw}: ${what} pattern ${JSON.stringify(p)} is not a valid regular expression: ${(e as Error).message}`, 'other'); }
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One poll of one switch: sysUpTime, sysName and sysDescr (GET) and the IF-MIB columns (GETBULK
 * walks of ifXTable and ifTable, concurrently). Interfaces are the union of the indexes of every
 * column that answered (recordings lack ifIndex; some agents lack ifXTable). HC counters are used
 * where present, 32-bit ones per interface otherwise. A name already taken by a lower ifIndex gets
 * ` (ifIndex)` appended.
 * @throws SnmpError whose message names the switch, its address and the step, e.g.
 *   `switch sw1 (127.0.0.1:16161): walk ifXTable: no answer (wrong community or unreachable)`.
 */
/**
 * A packet counter of 0 beside a non-zero octet counter of the same direction is not a count but
 * an agent that has not loaded it yet (net-snmp 5.9 answers 0 unicast packets on its first
 * interface load after a restart while the octets are right): bytes do not move without packets.
 * It is unknown (null), so the next interval gives no packet rate instead of a spike.
 */
function knownPkts(pkts: bigint | null, octets: bigint | null): bigint | null {
  return pkts === 0n && octets !== null && octets > 0n ? null : pkts;
}

export async function pollSwitch(client: SnmpClient, sw: PollTarget, clock: Clock = systemClock): Promise<Sample> {
  const include = compile(sw.include, 'include', sw.name);
  const exclude = compile(sw.exclude, 'exclude', sw.name);
  const rep = sw.maxRepetitions ?? 25;
  const fail = (step: string) => (err: unknown): never => {
    throw new SnmpError(`switch ${sw.name} (${client.target}): ${step}: ${describe(err)}`, err instanceof SnmpError ? err.kind : 'other');
  };
  const plan = fallbackPlan.get(client);
  const ifColumns = plan === 'walk' ? [...IF_COLUMNS, ...IF_FALLBACK_COLUMNS] : IF_COLUMNS;

  // The Sample's time is the middle of the walk that carried the octet counters: the mean time
  // at which its rows were read. Not the end of the slowest of the three requests, so that the
  // others' jitter does not enter rates.
  const stamp = () => ({ time: clock.now(), mono: clock.mono() });
  const middle = (a: { time: number; mono: number }, b: { time: number; mono: number }) => ({ time: Math.round((a.time + b.time) / 2), mono: (a.mono + b.mono) / 2 });
  const started = stamp();
  let ifxAt = started;
  let iftAt = started;
  const [sys, ifx, ift] = await Promise.all([
    client.get([SYS.sysUpTime, SYS.sysName, SYS.sysDescr]).catch(fail('get system')),
    client.bulkColumns(IFX_COLUMNS, rep).then((r) => { ifxAt = stamp(); return r; }, fail('walk ifXTable')),
    client.bulkColumns(ifColumns, rep).then((r) => { iftAt = stamp(); return r; }, fail('walk ifTable')),
  ]);
  let { time, mono } = middle(started, plan === 'walk' ? iftAt : ifxAt);
  const sysUpTime = num(sys[0] ?? undefined);
  if (sysUpTime === null) fail('get system')(new Error('agent has no sysUpTime'));

  const cols = new Map<string, Column>([...ifx, ...ift]);
  const empty: Column = new Map();
  const col = (oid: string): Column => cols.get(oid) ?? empty;

  const indexes = new Set<number>();
  for (const c of cols.values()) for (const k of c.keys()) if (typeof k === 'number') indexes.add(k);

  // Complete interfaces without HC octets or without ifHighSpeed from ifTable.
  if (plan !== 'walk') {
    const hcIn = col(IFX.ifHCInOctets), hcOut = col(IFX.ifHCOutOctets), hs = col(IFX.ifHighSpeed);
    const missing: number[] = [];
    for (const i of indexes) if (!hcIn.has(i) || !hcOut.has(i) || !hs.has(i)) missing.push(i);
    if (missing.length === 0) {
      fallbackPlan.set(client, 'none');
    } else if (missing.length <= GET_FALLBACK_MAX_IFS) {
      fallbackPlan.set(client, 'get');
      const oids: string[] = [];
      for (const i of missing) for (const c of IF_FALLBACK_COLUMNS) oids.push(`${c}.${i}`);
      const values: (SnmpValue | null)[] = [];
      // 56 varbinds a request stays under every agent's limit seen (snmpsim 64).
      for (let at = 0; at < oids.length; at += 56) values.push(...await client.get(oids.slice(at, at + 56)).catch(fail('get ifTable')));
      let k = 0;
      for (const i of missing) {
        for (const c of IF_FALLBACK_COLUMNS) {
          const v = values[k++];
          if (v === null || v === undefined) continue;
          let m = cols.get(c);
          if (!m) cols.set(c, (m = new Map()));
          m.set(i, v);
        }
      }
    } else {
      fallbackPlan.set(client, 'walk');
      const before = stamp();
      const more = await client.bulkColumns(IF_FALLBACK_COLUMNS, rep).catch(fail('walk ifTable'));
      ({ time, mono } = middle(before, stamp()));
      for (const [k, v] of more) cols.set(k, v);
      for (const c of more.values()) for (const k of c.keys()) if (typeof k === 'number') indexes.add(k);
    }
  }

  const c = {
    name: col(IFX.ifName), descr: col(IF.ifDescr), alias: col(IFX.ifAlias), type: col(IF.ifType),
    highSpeed: col(IFX.ifHighSpeed), speed: col(IF.ifSpeed), admin: col(IF.ifAdminStatus), oper: col(IF.ifOperStatus),
    hcIn: col(IFX.ifHCInOctets), hcOut: col(IFX.ifHCOutOctets), in: col(IF.ifInOctets), out: col(IF.ifOutOctets),
    hcInU: col(IFX.ifHCInUcastPkts), hcInM: col(IFX.ifHCInMulticastPkts), hcInB: col(IFX.ifHCInBroadcastPkts),
    hcOutU: col(IFX.ifHCOutUcastPkts), hcOutM: col(IFX.ifHCOutMulticastPkts), hcOutB: col(IFX.ifHCOutBroadcastPkts),
    inU: col(IF.ifInUcastPkts), inN: col(IF.ifInNUcastPkts), outU: col(IF.ifOutUcastPkts), outN: col(IF.ifOutNUcastPkts),
    inErr: col(IF.ifInErrors), outErr: col(IF.ifOutErrors), inDisc: col(IF.ifInDiscards), outDisc: col(IF.ifOutDiscards),
    disc: col(IFX.ifCounterDiscontinuityTime),
  };

  const sorted = [...indexes].sort((a, b) => a - b);
  const interfaces: IfSample[] = [];
  const nameCount = new Map<string, number>();
  for (const i of sorted) {
    const descr = text(c.descr.get(i));
    const name = text(c.name.get(i)) || descr || `ifIndex ${i}`;
    if (include.length > 0 && !include.some((r) => r.test(name))) continue;
    if (exclude.some((r) => r.test(name))) continue;
    nameCount.set(name, (nameCount.get(name) ?? 0) + 1);

    const hcIn = big(c.hcIn.get(i));
    const hcOut = big(c.hcOut.get(i));
    const hc = hcIn !== null || hcOut !== null;
    const hcPktsIn = sum(c.hcInU.get(i), c.hcInM.get(i), c.hcInB.get(i));
    const hcPktsOut = sum(c.hcOutU.get(i), c.hcOutM.get(i), c.hcOutB.get(i));
    const pktsHc = hcPktsIn !== null || hcPktsOut !== null;
    const highSpeed = num(c.highSpeed.get(i));
    const speed = num(c.speed.get(i));
    interfaces.push({
      ifIndex: i,
      name,
      descr,
      alias: text(c.alias.get(i)),
      speedMbps: highSpeed ?? (speed === null ? null : speed / 1e6),
      operStatus: num(c.oper.get(i)),
      adminStatus: num(c.admin.get(i)),
      ifType: num(c.type.get(i)),
      hc,
      inOctets: hc ? hcIn : big(c.in.get(i)),
      outOctets: hc ? hcOut : big(c.out.get(i)),
      inPkts: knownPkts(pktsHc ? hcPktsIn : sum(c.inU.get(i), c.inN.get(i)), hc ? hcIn : big(c.in.get(i))),
      outPkts: knownPkts(pktsHc ? hcPktsOut : sum(c.outU.get(i), c.outN.get(i)), hc ? hcOut : big(c.out.get(i))),
      pktsHc,
      inErrors: big(c.inErr.get(i)),
      outErrors: big(c.outErr.get(i)),
      inDiscards: big(c.inDisc.get(i)),
      outDiscards: big(c.outDisc.get(i)),
      discontinuityTime: num(c.disc.get(i)),
    });
  }
  // Names key ports for people and for member mapping; where a name is on several ifIndexes the
  // lowest ifIndex keeps it and the others get ` (ifIndex)`, so every name is unique and stable.
  const seen = new Set<string>();
  for (const p of interfaces) {
    if ((nameCount.get(p.name) ?? 0) < 2) continue;
    if (seen.has(p.name)) p.name = `${p.name} (${p.ifIndex})`;
    else seen.add(p.name);
  }

  const out: Sample = {
    switch: sw.name,
    time,
    mono,
    sysUpTime: sysUpTime as number,
    sysName: text(sys[1] ?? undefined),
    sysDescr: text(sys[2] ?? undefined),
    interfaces,
  };
  if (sw.stack) out.stack = await readStack(client, rep, clock.now());
  return out;
}
