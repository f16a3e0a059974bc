// The latency prober's slice of the config (schema.json "latency") and its defaults. Types only: no I/O.
// Absent section: no prober. Addresses are checked (literal IPv4/IPv6) when the prober is built.
import type { LatencyAlertRules } from '../alerts/latency.ts';

/** A named target that is not a member's router: a resolver or content origin abroad, or a cache at the IXP. */
export interface LatencyReference {
  name: string;
  /** A literal IPv4 or IPv6 address (no names: a name would need DNS, which is down with the link). */
  address: string;
  /** international: reached through transit (counts for outages); local: at the IXP (a CDN cache). */
  kind: 'international' | 'local';
}

/** A member's router on the peering LAN, given in the config (beside the IX-F export's vlan_list). */
export interface LatencyRouter {
  asn: number;
  address: string;
}

export interface LatencyConfig {
  /** Seconds between rounds (aligned to the clock). Default: 300. */
  interval: number;
  /** Echo requests per target per round (fping -C). Default: 20. */
  pings: number;
  /** Milliseconds between two requests to one target (fping -p). Default: 1000. */
  periodMs: number;
  /** Minimum milliseconds between any two requests (fping -i). Default: 10. */
  intervalMs: number;
  /** Milliseconds a reply may take (fping -t), above the slowest target's RTT. Default: 1500. */
  timeoutMs: number;
  /** ICMP payload bytes (fping -b). Default: 56. */
  sizeBytes: number;
  /** The fping program. Default: fping (in PATH). */
  fping: string;
  /** Probe every member's router addresses from the IX-F export (memberSources.ixf vlan_list). Default: true. */
  ixfRouters: boolean;
  /** Members' router addresses given here (added to the IX-F export's). Default: none. */
  routers: LatencyRouter[];
  /** Named targets abroad and at the IXP. Default: none. */
  references: LatencyReference[];
  /** Rounds in a row with every international reference silent while members answer that make an outage. Default: 1. */
  outageRounds: number;
  /** Latency alert rules (collector/alerts/latency.ts), used when alerts.enabled. */
  alerts: LatencyAlertRules;
}
