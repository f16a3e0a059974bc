// The TypeScript shape of a validated config (after defaults). Kept in step with schema.json by
// test/unit/config/schema.test.ts, which checks every property here exists in the schema.

import type { AlertsConfig } from '../alerts/config.ts';
import type { LatencyConfig } from '../latency/config.ts';
import type { SflowConfig } from '../sflow/config.ts';

export type Secret = string | { env: string } | { file: string };

export interface SnmpV2c { version: '2c'; community: Secret }
export interface SnmpV3 {
  version: '3';
  user: string;
  authProtocol: 'sha' | 'sha256';
  authKey: Secret;
  privProtocol: 'aes' | 'aes256b' | 'aes256r';
  privKey: Secret;
  context?: string;
}

export interface SwitchConfig {
  name: string;
  host: string;
  port: number;
  profile?: string;
  snmp: SnmpV2c | SnmpV3;
  timeout: number;
  retries: number;
  maxRepetitions: number;
  include?: string[];
  exclude?: string[];
  /** Where the switch stands (a location of the IXP). Default: the switch's name. */
  site?: string;
  /** Port roles (collector/members/roles.ts). Default {} (every port a member port when a member owns it). */
  roles?: SwitchRoles;
}

/** The role of a polled port. `lag-link`: a physical link of a LAG whose own counters are used. */
export type PortRole = 'member' | 'trunk' | 'uplink' | 'service' | 'ignored' | 'lag-link' | 'unassigned';

/** A switch's `roles` block: regular expressions on interface names, per role, and the other ends of trunks. */
export interface SwitchRoles {
  /** Inter-switch links, core bundles. Default []. */
  trunk?: string[];
  /** Ports the IXP sells or uses to reach outside (transit). Default []. */
  uplink?: string[];
  /** Route servers, the IXP's own hosts. Default []. */
  service?: string[];
  /** Not polled. Default []. */
  ignored?: string[];
  /** Read ifStackTable so that a LAG is one port. Default true. */
  lags?: boolean;
  /** The other end of trunk ports. Default []. */
  links?: { port: string; peerSwitch: string; peerPort: string; name?: string }[];
}

export type MemberCategory =
  | 'content' | 'isp' | 'nsp' | 'enterprise' | 'education' | 'government' | 'non-profit' | 'route-server' | 'other';

export interface MemberConfig {
  asn: number;
  name: string;
  category: MemberCategory;
  buysTransit?: boolean;
  transitPricePerMbps?: number;
  portFeePerMonth?: number;
  joined?: string;
  left?: string;
  ports: { switch: string; port: string }[];
}

export interface IxpConfig {
  id: string;
  name: string;
  country?: string;
  timezone: string;
  currency: string;
  transitPricePerMbps: number;
  launched?: string;
  public: boolean;
}

export interface InfluxConfig {
  url: string;
  api: 'v1' | 'v2';
  database?: string;
  retentionPolicy?: string;
  username?: string;
  password?: Secret;
  org?: string;
  bucket?: string;
  token?: Secret;
  batchSize: number;
  timeout: number;
  gzip: boolean;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface Config {
  ixp?: IxpConfig;
  switches: SwitchConfig[];
  polling: { interval: number; maxGapIntervals: number };
  store: { path: string; retention: { rawDays: number; rollupDays: number; pollDays: number } };
  influxdb?: InfluxConfig;
  metrics: { listen: string };
  members: MemberConfig[];
  memberSources: { ixf?: string; peeringdb?: string; ifAlias: boolean };
  dashboard: {
    listen: string;
    reader: 'sqlite' | 'influxdb';
    usersFile: string;
    trustProxy: boolean;
    /** Public IXP: also show member rows (never ports) without logging in. Default false. */
    publicMembers: boolean;
    /** Seconds anonymous answers are cached. Default 30. */
    publicCacheSeconds: number;
    sessionSecret?: Secret;
  };
  /** Alert rules and channels (collector/alerts/config.ts). */
  alerts: AlertsConfig;
  /** Latency probes (collector/latency/config.ts); absent: none. */
  latency?: LatencyConfig;
  log: { level: LogLevel; levels: Record<string, LogLevel> };
  demo: boolean;
  /** sFlow receiver (collector/sflow/config.ts); absent: off. */
  sflow?: SflowConfig;
}
