// The data shapes of one poll and of the rates derived from two polls.
// Plain data only: no behaviour, no I/O. Counters are bigint end to end (Counter64 exceeds 2^53).

/** One interface as read in one poll. A counter is null when the agent did not answer that column. */
export interface IfSample {
  ifIndex: number;
  /** ifName, or ifDescr where the agent has no ifXTable. */
  name: string;
  descr: string;
  /** ifAlias: untrusted text typed on the switch (IXPs put the member there). */
  alias: string;
  /** ifHighSpeed in Mbit/s, or ifSpeed / 1e6 where ifHighSpeed is absent; null when unknown. */
  speedMbps: number | null;
  /** ifOperStatus (1 up, 2 down, ... 6 notPresent, 7 lowerLayerDown), null when not answered. */
  operStatus: number | null;
  adminStatus: number | null;
  /** ifType (6 ethernetCsmacd, 24 softwareLoopback, 53 propVirtual, 161 ieee8023adLag ...). */
  ifType: number | null;
  /** True when the octet counters below are the 64-bit ifHC* ones. */
  hc: boolean;
  inOctets: bigint | null;
  outOctets: bigint | null;
  /** Unicast + multicast + broadcast packets, summed from whichever columns answered (HC preferred). */
  inPkts: bigint | null;
  outPkts: bigint | null;
  /** True when the packet counters are 64-bit. */
  pktsHc: boolean;
  inErrors: bigint | null;
  outErrors: bigint | null;
  inDiscards: bigint | null;
  outDiscards: bigint | null;
  /** ifCounterDiscontinuityTime (TimeTicks, centiseconds of sysUpTime), null when absent. */
  discontinuityTime: number | null;
}

/** One complete poll of one switch. */
export interface Sample {
  /** The switch's configured name. */
  switch: string;
  /** Wall-clock time of the response, epoch milliseconds. */
  time: number;
  /** Monotonic time of the response in milliseconds (performance.now() or hrtime); only differences count. */
  mono: number;
  /** sysUpTime in centiseconds (TimeTicks). */
  sysUpTime: number;
  sysName?: string;
  sysDescr?: string;
  interfaces: IfSample[];
  /** IF-MIB ifStackTable rows [higher, lower] (ifIndexes), when read (roles.lags); see collector/members/roles.ts. */
  stack?: [number, number][];
}

/** The rates of one interface over one interval. Every rate is per second; null when a counter is absent. */
export interface PortRate {
  ifIndex: number;
  name: string;
  alias: string;
  /** End of the interval (the current sample's wall time), epoch ms. */
  time: number;
  /** Seconds between the two responses. */
  interval: number;
  inBps: number | null;
  outBps: number | null;
  inPps: number | null;
  outPps: number | null;
  inErrors: number | null;
  outErrors: number | null;
  inDiscards: number | null;
  outDiscards: number | null;
  /** Utilisation 0..1 of speedMbps; null when the speed is unknown or 0. */
  utilIn: number | null;
  utilOut: number | null;
  operUp: boolean;
  speedMbps: number | null;
  /** The raw octet counters of the current sample, for audit. */
  inOctets: bigint | null;
  outOctets: bigint | null;
}

export type GapReason =
  | 'agent-restart'        // sysUpTime went backwards
  | 'counter-discontinuity' // ifCounterDiscontinuityTime changed (RFC 2863 3.1.5)
  | 'ifindex-reused'       // the ifIndex now names another interface
  | 'interval-too-long'    // too long since the previous good sample
  | 'counter-reset'        // a counter went down and was not a plausible 32-bit wrap
  | 'new-interface'        // no previous sample for this interface
  | 'no-counters';         // the interface has no octet counters at all

/** An interval of one interface for which no rate can be given. Never a zero, never a spike. */
export interface Gap {
  ifIndex: number;
  name: string;
  /** End of the interval, epoch ms. */
  time: number;
  interval: number;
  reason: GapReason;
}

export interface RateOptions {
  /** An interval longer than this many seconds is a gap (default: 5 x the poll interval). */
  maxIntervalSeconds: number;
}

export interface RateResult {
  rates: PortRate[];
  gaps: Gap[];
}
