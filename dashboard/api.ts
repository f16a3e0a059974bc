// The dashboard's JSON API contract: every route, its query parameters and its response type.
// Shared by dashboard/server (which answers) and dashboard/web (which asks). Types only: no code, no I/O.
// All times are epoch milliseconds (UTC); rates are bits per second; money is in the IXP's currency.

/** Who is asking. `public` = nobody logged in. */
export type Role = 'public' | 'member' | 'operator' | 'reporter' | 'admin';

/** Every error answer: `{ error }` with the HTTP status (400 bad input, 401 log in, 403 not yours, 404 unknown, 429 too many). */
export interface ApiError {
  error: string;
}

// ---------------------------------------------------------------- periods

/**
 * Query parameters that pick a period (every route taking a period accepts them):
 * - `period=day|week|month|year`: the calendar day / ISO week (Monday) / month / year that contains `at`
 *   (default now) in the IXP's time zone; `to` is the end of that period (the future part is simply empty).
 * - `period=24h|7d|30d|365d`: a rolling window ending now.
 * - `month=YYYY-MM`: that calendar month in the IXP's time zone.
 * - `from` and `to`: ISO 8601 or epoch milliseconds; `[from, to)`; at most 10 years.
 * Anything else answers 400 with a message naming the parameter.
 */
export interface PeriodQuery {
  period?: 'day' | 'week' | 'month' | 'year' | '24h' | '7d' | '30d' | '365d';
  month?: string;
  at?: string;
  from?: string;
  to?: string;
}

/** The period an answer covers, as the server resolved it. */
export interface Period {
  from: number;
  to: number;
  /** The preset used, or 'custom' for from/to. */
  preset: string;
  /** IANA time zone the period was computed in (the IXP's). */
  timezone: string;
}

/**
 * Where the numbers came from. `resolution` is the seconds each underlying sample covers: the poll interval for
 * raw rates, 300 for 5-minute rollups, 3600 / 86400 for coarser rollups, 1800 / 7200 / 86400 for imported MRTG
 * history. A figure computed from data coarser than 300 s is an approximation and the page must say so.
 */
export interface DataSource {
  kind: 'raw' | 'rollup';
  resolution: number;
}

/** Methodology keys the page translates into a note beside each number (see docs/API.md). */
export type MethodKey =
  | 'bytes-received-by-switch'
  | 'p95-5min-billable'
  | 'p95-coarse-resolution'
  | 'transit-saved-p95'
  | 'net-of-port-fees'
  | 'buys-transit-only'
  | 'local-content-share-sent'
  | 'peak-times-price'
  | 'coverage-missing-samples';

// ---------------------------------------------------------------- session

/** `GET /api/session`, `POST /api/session` (body {@link LoginRequest}). `DELETE /api/session` answers `{ ok: true }`. */
export interface SessionInfo {
  /** null when nobody is logged in (role public). */
  username: string | null;
  role: Role;
  /** operator and member: the IXP they belong to. */
  ixp?: string;
  /** member: its ASNs. */
  asns?: number[];
}

export interface LoginRequest {
  username: string;
  password: string;
}

// ---------------------------------------------------------------- health

/** `GET /api/health`: always public, never cached. */
export interface HealthResponse {
  ok: boolean;
  version: string;
  reader: 'sqlite' | 'influxdb';
  time: number;
}

// ---------------------------------------------------------------- IXPs

/** What the asker may see of one IXP. aggregate: graphs and totals; members: + member list; full: + ports. */
export type Access = 'aggregate' | 'members' | 'full';

export interface IxpInfo {
  id: string;
  name: string;
  country?: string;
  timezone: string;
  currency: string;
  /** IXP-wide transit price per Mbit/s per month. */
  transitPricePerMbps: number;
  /** YYYY-MM-DD, when known. */
  launched?: string;
  public: boolean;
  access: Access;
}

/** `GET /api/ixps`: the IXPs the asker may see (public ones for nobody). */
export interface IxpsResponse {
  ixps: IxpInfo[];
}

/** `GET /api/ixps/:ixp/now`: the banner (traffic now, ports up, collector fresh or stale). Not cached. */
export interface NowResponse {
  ixp: string;
  /** Time of the latest rates, null when there are none. */
  t: number | null;
  /** Aggregate over member ports at `t` (in = bytes members sent into the IXP). */
  inBps: number | null;
  outBps: number | null;
  portsUp: number;
  portsTotal: number;
  /** Latest poll of each switch. */
  collectors: { switch: string; lastPoll: number | null; ok: boolean | null; error?: string | null }[];
  /** True when no switch reported within 3 poll intervals (or 5 minutes when unknown). */
  stale: boolean;
  /** Poll interval in seconds (for "next refresh in N s"). */
  pollInterval: number;
  /** True when the data is simulated (the demo). */
  simulated: boolean;
  serverTime: number;
}

/** A time series in columns: `t[i]` is the start of step i; values are null where no data (never 0). */
export interface TrafficSeries {
  t: number[];
  /** Average bits/s the members sent into the IXP (switch ifIn) over the step. */
  inBps: (number | null)[];
  /** Average bits/s the IXP delivered to the members (switch ifOut). */
  outBps: (number | null)[];
}

/** `GET /api/ixps/:ixp/traffic?period…&step=S`: the IXP's aggregate over member ports. */
export interface TrafficResponse extends TrafficSeries {
  ixp: string;
  period: Period;
  /** Step in seconds (chosen from the period when not given: at most ~600 points). */
  step: number;
  source: DataSource;
}

/** A P95 figure: inbound, outbound and the billable (higher) one, in Mbit/s. null when no sample. */
export interface P95 {
  inMbps: number | null;
  outMbps: number | null;
  mbps: number | null;
  /** Number of 5-minute (or coarser) samples that were present. */
  samples: number;
}

/** `GET /api/ixps/:ixp/summary?period…` (default: the current month in the IXP's time zone). */
export interface SummaryResponse {
  ixp: string;
  period: Period;
  currency: string;
  /** Bytes exchanged locally: sum over member ports of bytes received by the switch. */
  bytes: number;
  /** Highest step average of the aggregate (max of in and out), bits/s, null when no data. */
  peakBps: number | null;
  /** P95 of the IXP aggregate (all member ports summed per sample). */
  p95: P95;
  /** Sum over members that buy transit of billable P95 x price. */
  transitSaved: number;
  /** transitSaved minus those members' port fees (pro-rated to the period). */
  netSaved: number;
  /** Older method for comparability: peak aggregate Mbit/s x IXP transit price. */
  peakMethodSaved: number;
  /** Bytes sent into the IXP by content members / all bytes sent into the IXP (0..1), null when no bytes. */
  localContentShare: number | null;
  members: number;
  portsUp: number;
  portsTotal: number;
  /** Share of expected 5-minute samples present (0..1). */
  coverage: number;
  source: DataSource;
  methodology: MethodKey[];
}

/** One member with its figures for the period. */
export interface MemberRow {
  asn: number;
  /** Untrusted text (member lists, ifAlias): the page escapes it. */
  name: string;
  category: string;
  buysTransit: boolean;
  ports: number;
  portsUp: number;
  capacityMbps: number;
  /** Bytes the switch received from this member in the period. */
  bytes: number;
  /** Average bits/s over the period, in and out. */
  avgInBps: number | null;
  avgOutBps: number | null;
  peakBps: number | null;
  p95: P95;
  /** Highest utilisation of any of its ports over the period (0..1), null when speed unknown. */
  maxUtil: number | null;
  /** Ports whose utilisation went above 80% in the period. */
  portsOver80: number;
  transitPricePerMbps: number;
  portFee: number;
  transitSaved: number;
  netSaved: number;
  coverage: number;
}

/** `GET /api/ixps/:ixp/members?period…`: member role sees only its own rows. */
export interface MembersResponse {
  ixp: string;
  period: Period;
  currency: string;
  members: MemberRow[];
  source: DataSource;
}

/** One switch port of a member, as last seen. */
export interface PortInfo {
  switch: string;
  port: string;
  /** ifAlias: untrusted switch text. */
  alias: string;
  speedMbps: number | null;
  operUp: boolean | null;
  adminUp: boolean | null;
  lastSeen: number | null;
  /** Latest rates. */
  inBps: number | null;
  outBps: number | null;
}

/** One month of a member's billing history. */
export interface MonthFigures {
  /** YYYY-MM in the IXP's time zone. */
  month: string;
  bytes: number;
  p95: P95;
  transitSaved: number;
  netSaved: number;
  coverage: number;
  resolution: number;
}

/** `GET /api/ixps/:ixp/members/:asn?period…&step=S&months=N` (default 12 months of history). */
export interface MemberDetailResponse {
  ixp: string;
  period: Period;
  currency: string;
  member: MemberRow;
  ports: PortInfo[];
  /** The member's ports summed, over the period. */
  series: TrafficSeries;
  step: number;
  source: DataSource;
  history: MonthFigures[];
}

/** `GET /api/ixps/:ixp/ports/:switch/:port?period…&step=S` (switch and port URL-encoded). */
export interface PortDetailResponse {
  ixp: string;
  period: Period;
  port: PortInfo;
  /** The member this port belongs to, when known. */
  member: { asn: number; name: string } | null;
  step: number;
  source: DataSource;
  t: number[];
  inBps: (number | null)[];
  outBps: (number | null)[];
  inPps: (number | null)[];
  outPps: (number | null)[];
  inErrors: (number | null)[];
  outErrors: (number | null)[];
  inDiscards: (number | null)[];
  outDiscards: (number | null)[];
  utilIn: (number | null)[];
  utilOut: (number | null)[];
  /** Share of the step the port was up (0..1); null where no data. */
  operUp: (number | null)[];
}

/** One IXP in the reporters' side-by-side view. */
export interface ImpactRow {
  ixp: string;
  name: string;
  currency: string;
  bytes: number;
  bytesPrevMonth: number;
  /** bytes / bytesPrevMonth - 1, null when the previous month has no bytes. */
  growth: number | null;
  p95: P95;
  transitSaved: number;
  netSaved: number;
  localContentShare: number | null;
  members: number;
  coverage: number;
  resolution: number;
}

/** `GET /api/impact?month=YYYY-MM` (reporter, admin; operator sees its own IXP): default the current month. */
export interface ImpactResponse {
  month: string;
  ixps: ImpactRow[];
}

// ---------------------------------------------------------------- part-month figures
// Added to the interfaces above (TypeScript merges these declarations). The convention: a member's P95 is over its
// windows while it was a member; its saving and fee are × connected / month length; a month in progress gives the
// figure so far (the convention, connected ending now) and a projection (the whole month's bill if traffic goes on).

export interface Period {
  /** summary, member detail and impact: false while `to` lies in the future. */
  complete?: boolean;
  /** Share of the period elapsed at the server's time, 0..1 (1 when complete). */
  elapsedShare?: number;
}

export interface SummaryResponse {
  /** Only while the period is in progress: the sum of the members' projected savings (P95 so far × price × connected share to the period's end). */
  transitSavedProjected?: number;
  /** Only while in progress: transitSavedProjected minus the projected port fees. */
  netSavedProjected?: number;
}

export interface MemberRow {
  /** Time the member was connected in the period (join/leave dates, the IXP's launch) / the period's length, 0..1. For one month, the factor its bill and fee are multiplied by. */
  connectedShare: number;
  /** Only while the period is in progress (see SummaryResponse). */
  transitSavedProjected?: number;
  netSavedProjected?: number;
}

export interface MonthFigures {
  connectedShare: number;
  /** False for the month in progress. */
  complete: boolean;
  /** Only for the month in progress. */
  transitSavedProjected?: number;
  netSavedProjected?: number;
}

export interface MemberDetailResponse {
  /** Whether the asked period is over, and the share of it elapsed. */
  periodProgress: { complete: boolean; elapsedShare: number };
}

export interface ImpactRow {
  /** Why growth is null, e.g. "not comparable: October 2026 has 16 % coverage" (English; pages translate growthNotComparable). */
  growthReason?: string;
  /** The same reason in parts: the month under 50 % coverage, or 'no-traffic' when the previous month carried nothing. */
  growthNotComparable?: { month: string; coverage: number } | 'no-traffic';
  /** Only for a month in progress. */
  transitSavedProjected?: number;
  netSavedProjected?: number;
  /** False for the month in progress (growth then compares the same elapsed span of the previous month). */
  complete: boolean;
  elapsedShare: number;
}

// ---------------------------------------------------------------- sites, switches, trunks, capacity (issue 14)

/** Member traffic of one switch or one site over a period. Member ports only: trunks, uplinks and service ports never count. */
export interface AggregateFigures {
  /** Member ports (a LAG counts once) and how many are up now. */
  memberPorts: number;
  portsUp: number;
  /** Σ speed of the member ports, Mbit/s. */
  capacityMbps: number;
  /** Traffic now (latest poll): received from members / sent to members. */
  inBps: number | null;
  outBps: number | null;
  /** Bytes received from members over the period (as the exchange's bytes). */
  bytes: number;
  p95: P95;
  peakBps: number | null;
  /** p95.mbps / capacityMbps; null without capacity. */
  utilP95: number | null;
  /** Share of the period's 5-minute samples present. */
  coverage: number;
}

export interface SwitchAggregate extends AggregateFigures { switch: string; site: string }
export interface SiteAggregate extends AggregateFigures { site: string; switches: string[] }

/** `GET /api/ixps/:ixp/sites?period…` (anyone who may see the aggregate): sites side by side, and each switch. */
export interface SitesResponse {
  ixp: string;
  period: Period;
  sites: SiteAggregate[];
  switches: SwitchAggregate[];
  /** The exchange's bytes over the period (Σ sites; equals the summary's bytes). */
  bytes: number;
  /** How the figures were computed (member-port 5-minute windows summed per switch and site). */
  method: string;
}

/** A port's monthly P95 utilisation (the higher direction) and the crossing forecast (collector/figures/forecast.ts). */
export interface CapacityForecast {
  history: { month: string; util: number | null; coverage: number }[];
  status: 'forecast' | 'over' | 'not-growing' | 'beyond-horizon' | 'not-enough-history';
  threshold: number;
  months: number;
  growthPerMonth: number | null;
  growthRange: [number, number] | null;
  crossing: string | null;
  earliest: string | null;
  latest: string | null;
  crossingAt: number | null;
}

/** One end of a trunk. */
export interface TrunkEnd {
  switch: string;
  port: string;
  site: string;
  speedMbps: number | null;
  operUp: boolean | null;
  /** Latest rates as this end's switch counts them (in = received from the other switch). */
  inBps: number | null;
  outBps: number | null;
  /** Over the period: bytes received, P95, highest 5-minute utilisation and P95 utilisation (higher direction). */
  bytesIn: number;
  bytesOut: number;
  p95: P95;
  maxUtil: number | null;
  utilP95: number | null;
  coverage: number;
}

/** A trunk between two of the IXP's switches (b null when its other end is not configured or not polled). */
export interface TrunkRow {
  name: string;
  a: TrunkEnd;
  b: TrunkEnd | null;
  /** The capacity-planning view of the busier end. */
  forecast: CapacityForecast;
}

/** `GET /api/ixps/:ixp/trunks?period…` (operator, admin). */
export interface TrunksResponse {
  ixp: string;
  period: Period;
  trunks: TrunkRow[];
  method: string;
}

/** One member port (a LAG counts once) with its forecast. */
export interface PortCapacity {
  switch: string;
  port: string;
  asn: number | null;
  member: string | null;
  role: string;
  speedMbps: number | null;
  forecast: CapacityForecast;
}

/** `GET /api/ixps/:ixp/capacity` (operator, admin): every member port, LAG and trunk, forecast to 80 %. */
export interface CapacityResponse {
  ixp: string;
  /** The months looked at (the last 12 finished months and the running one). */
  months: string[];
  ports: PortCapacity[];
  method: string;
}

// ---- Latency (collector/latency; routes in dashboard/server/routes/latency.ts) ----

/** One point of a latency series: per round (short periods) or per hour (long ones). */
export interface LatencyPoint {
  t: number;
  medianMs: number | null;
  /** The band around the median: the round's min..max, or the hour's 10th..90th percentile. */
  lowMs: number | null;
  highMs: number | null;
  /** 0..1 over the pings of the point; null when none was sent. */
  loss: number | null;
  sent: number;
  /** Per round only: the sorted RTTs (the smoke). */
  rttsMs?: number[];
}

export interface LatencySeries {
  target: string;
  kind: 'member' | 'international' | 'local';
  /** Untrusted text (member or reference name): show as text only. */
  name: string;
  memberAsn?: number;
  points: LatencyPoint[];
  /** Over the whole period (member routes): median of the points' medians (ms), loss over every ping sent, pings sent. */
  summary?: { medianMs: number | null; loss: number | null; sent: number };
}

/** GET /api/ixps/:ixp/latency/members/:asn?period|from&to: a member's routers over the period. */
export interface MemberLatencyResponse {
  ixp: string;
  asn: number;
  period: { from: number; to: number };
  resolution: 'round' | 'hour';
  method: string;
  routers: LatencySeries[];
}

export interface LatencyMonth {
  month: string;
  /** Median over members' routers of each router's median of the month (ms); loss over every ping to them. */
  local: { medianMs: number | null; loss: number | null; routers: number };
  /** Each international or local reference: its median of the month and its loss. */
  references: { target: string; kind: 'international' | 'local'; name: string; medianMs: number | null; loss: number | null }[];
  /** Share of the month's hours (so far) with latency data, 0..1. */
  coverage: number;
}

export interface LatencyOutage {
  start: number;
  /** null while it goes on. */
  end: number | null;
  durationMs: number;
  /** Each edge is known to within this (one round interval). */
  uncertaintyMs: number;
  rounds: number;
  /** Local traffic meanwhile: bytes members sent into the exchange, its average rate and the port-time coverage. */
  bytes: number;
  avgBps: number | null;
  coverage: number;
}

/** GET /api/ixps/:ixp/latency?months=N&period|from&to: local vs international per month, and the outages of the period. */
export interface LatencySummaryResponse {
  ixp: string;
  months: LatencyMonth[];
  period: { from: number; to: number };
  outages: LatencyOutage[];
  /** Round interval seen in the store (ms), null without rounds. */
  intervalMs: number | null;
  method: string;
}

// --- sFlow peering matrix (GET /api/ixps/:ixp/peering?month=YYYY-MM; dashboard/server/routes/peering.ts) ---

/** A sampled share with its absolute standard error (null when there is nothing to divide). */
export interface PeeringShare { share: number | null; error: number | null; samples: number }

export interface PeeringPair {
  src: string; dst: string; srcName: string; dstName: string;
  bytes: number; ipv4: number; ipv6: number; other: number; samples: number;
  /** Relative standard error of bytes (≈ 1/√samples). */
  error: number | null;
}

/** ipv6Share: IPv6 bytes over all bytes the member sent and received; ipv6Error its absolute standard error. */
export interface PeeringMember { label: string; name: string; sent: number; received: number; ipv4: number; ipv6: number; samples: number; ipv6Share: number | null; ipv6Error: number | null }

/**
 * What each role gets: operator/admin the whole matrix; member its own pairs only (`pairs` holds only rows it
 * sent or received, `members` only itself); reporter the exchange's shares without pairs; public the IPv6 share
 * only, and only when the IXP is public.
 */
export interface PeeringResponse {
  ixp: string;
  month: string;
  scope: 'full' | 'member' | 'aggregate' | 'public';
  method: string;
  coverage: { windows: number; expectedWindows: number; samples: number; dropped: number; rateMin: number | null; rateMax: number | null };
  totalBytes?: number;
  /** IPv6 bytes over all bytes of the rows the asker may see (a member: its own). */
  ipv6: PeeringShare;
  /** Member scope only: the exchange's IPv6 share (all pairs' bytes, no pair given). */
  exchangeIpv6?: PeeringShare;
  localContent?: PeeringShare;
  unknown?: PeeringShare;
  pairs?: PeeringPair[];
  members?: PeeringMember[];
}
