// The Reader interface: everything the dashboard's routes read, answered by the local SQLite store
// (readers/sqlite.ts) or by InfluxDB over InfluxQL (readers/influxql.ts). Types only; no I/O here.
// Readers return port-level or summed rows as stored; member attribution and impact maths live in the server.
import type { WindowSample } from '../../collector/figures/impact.ts';
import type { MonthRow } from '../../collector/figures/months.ts';
import type { IxpConfig, MemberConfig, SwitchRoles } from '../../collector/config/types.ts';

/** A switch port by name. */
export interface PortRef {
  switch: string;
  port: string;
}

/** A port attributed to a member (membership is decided by the server from config, registry and ifAlias). */
export interface PortMember extends PortRef {
  asn: number;
}

/** The latest known state of one port. */
export interface PortState extends PortRef {
  /** ifAlias (untrusted). '' where the reader does not know it (InfluxDB carries no ifAlias). */
  alias: string;
  speedMbps: number | null;
  operUp: boolean | null;
  /** null where the reader does not know it (InfluxDB carries no admin status). */
  adminUp: boolean | null;
  /** Time of the latest rate of this port, epoch ms. */
  lastSeen: number | null;
  inBps: number | null;
  outBps: number | null;
  /** The member tags written with the data (InfluxDB), when present. */
  tagged?: { asn: number; name: string; category: string };
  /**
   * Port role decided at the collector (collector/members/roles.ts, store table port_roles): trunk, uplink, service,
   * lag-link (counted through its LAG), lag; null/absent: a member port when a member owns it.
   */
  role?: string | null;
  /** A LAG link: its LAG. A trunk: its configured other end. */
  lag?: string | null;
  peer?: { switch: string; port: string; name: string | null } | null;
}

/** The latest poll of one switch. */
export interface CollectorState {
  switch: string;
  lastPoll: number | null;
  ok: boolean | null;
  error: string | null;
}

/**
 * Which data a series reads: 0 = raw rates (per poll), otherwise the rollup resolution in seconds (300, 3600, 86400).
 * A reader may fall back to a finer rollup when a coarser one is absent; it reports what it read.
 */
export type Resolution = 0 | 300 | 3600 | 86400;

/** A series request: `[from, to)` in buckets of `step` seconds aligned to `from`, from data of resolution `res`. */
export interface SeriesQuery {
  from: number;
  to: number;
  step: number;
  res: Resolution;
}

/** One bucket of a summed series (sparse: buckets without data are absent). */
export interface SumRow {
  /** Bucket start, epoch ms. */
  t: number;
  inBps: number | null;
  outBps: number | null;
}

/** One bucket of one port's detail series. Averages over the bucket; operUp = share of time up. */
export interface PortRow {
  t: number;
  inBps: number | null;
  outBps: number | null;
  inPps: number | null;
  outPps: number | null;
  inErrors: number | null;
  outErrors: number | null;
  inDiscards: number | null;
  outDiscards: number | null;
  utilIn: number | null;
  utilOut: number | null;
  operUp: number | null;
}

/** What a series was actually read from. */
export interface ReadInfo {
  res: number;
}

/** The dashboard's view of a store. One reader serves one or many IXPs (InfluxDB: by the `ixp` tag). */
export interface Reader {
  readonly kind: 'sqlite' | 'influxdb';
  /** Every port the IXP's switches have (latest state). `since`: only ports seen since then (InfluxDB needs a bound). */
  portStates(ixp: string, since: number): Promise<PortState[]>;
  /** The latest poll of each switch. */
  collectors(ixp: string, since: number): Promise<CollectorState[]>;
  /** True when the stored data is simulated (the demo). */
  simulated(ixp: string): Promise<boolean>;
  /**
   * The IXPs as their collectors describe them (ixp_info, ixp_member_info, ixp_port_info): what a central dashboard
   * knows without any IXP config file. The local store answers [] (its config describes its one IXP).
   */
  describe(): Promise<IxpDescription[]>;
  /** The month figures the collector computed (member_months / ixp_member_month), asn 0 being the IXP. */
  monthRows(ixp: string, months: string[]): Promise<MonthRow[]>;
  /**
   * The member windows the collector computed (member_windows / ixp_member_5m) of the given ASNs (0 = the IXP) in
   * [from, to), sorted by t; each sample carries the highest port utilisation of the window when known.
   */
  memberWindowRows(ixp: string, asns: number[], from: number, to: number): Promise<Map<number, (WindowSample & { maxUtil?: number | null })[]>>;
  /**
   * Optional: what `bytesOf(windows, 'in')` and the covered seconds (Σ res × coverage of windows with data) of one
   * asn's windows in [from, to) give, summed where the data is (a central InfluxDB sums a month of windows itself
   * rather than sending them). Readers without it, and an undefined answer (the sums cannot be trusted), are read
   * through memberWindowRows.
   */
  windowTotals?(ixp: string, asn: number, from: number, to: number): Promise<{ inBytes: number; coveredSeconds: number } | undefined>;
  /** The highest utilisation (max of in/out, 0..1) of each of `ports` in [from, to), by port key; absent when unknown. */
  portMaxUtil(ixp: string, ports: PortRef[], from: number, to: number): Promise<Map<string, number>>;
  /** One member's (asn 0: the IXP's) traffic from its windows, averaged per bucket of `q.step` (q.res is ignored: 5-minute windows). */
  memberSeries(ixp: string, asn: number, q: SeriesQuery): Promise<{ rows: SumRow[]; info: ReadInfo }>;
  /**
   * Σ over `ports` per bucket: each port's average over the bucket, summed over ports present (never zeros for missing).
   * Buckets are `from + k × step`.
   */
  sumSeries(ixp: string, ports: PortRef[], q: SeriesQuery): Promise<{ rows: SumRow[]; info: ReadInfo }>;
  /** One port's detail series, averaged per bucket. */
  portSeries(ixp: string, port: PortRef, q: SeriesQuery): Promise<{ rows: PortRow[]; info: ReadInfo }>;
  /**
   * Window samples (5-minute rollups, or coarser imported history where no 5-minute rows exist) of groups of ports
   * summed per window, for [from, to): the `asn` of each PortMember names its group. Map group → samples sorted by t.
   * Also the max utilisation per port. For sites, switches and trunks; members' figures come from memberWindowRows.
   */
  portWindows(ixp: string, members: PortMember[], from: number, to: number): Promise<MemberWindows>;
  close(): Promise<void>;
}

/** An IXP as its collector describes it (central dashboards). */
export interface IxpDescription {
  ixp: IxpConfig;
  /** The members, with where their name and category came from (config, ixf, peeringdb, ifalias, default). */
  members: (MemberConfig & { sources?: { name: string; category: string } })[];
  /** Whether ports nobody claims were attributed by their ifAlias. */
  ifAlias: boolean;
  pollInterval: number;
  switches: { name: string; site: string; roles?: SwitchRoles }[];
}

/** See {@link Reader.portWindows}. */
export interface MemberWindows {
  byAsn: Map<number, WindowSample[]>;
  /** Highest util (max of in/out, 0..1) per port key `switch\u0000port` over the period; absent when unknown. */
  maxUtil: Map<string, number>;
}

/** The map key of a port. */
export function portKey(p: PortRef): string {
  return `${p.switch}\u0000${p.port}`;
}
