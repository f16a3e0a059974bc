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

// --- sFlow peering matrix (GET /api/ixps/:ixp/peering?month=YYYY-MM; dashboard/server/routes/peering.ts) ---

/** A sampled share with its absolute standard error (null when there is nothing to divide). */
export interface PeeringShare { share: number | null; error: number | null; samples: number }

export interface PeeringPair {
  src: string; dst: string; srcName: string; dstName: string;
  bytes: number; ipv4: number; ipv6: number; other: number; samples: number;
  /** Relative standard error of bytes (≈ 1/√samples). */
  error: number | null;
}

export interface PeeringMember { label: string; name: string; sent: number; received: number; ipv4: number; ipv6: number; samples: number; ipv6Share: number | null }

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
  ipv6: PeeringShare;
  localContent?: PeeringShare;
  unknown?: PeeringShare;
  pairs?: PeeringPair[];
  members?: PeeringMember[];
}
