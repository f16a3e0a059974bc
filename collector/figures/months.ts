// Month figures per member and for the IXP (asn 0), as the collector stores and forwards them. Types only here
// until the computation lands (placeholder of the shared contract).

/** One port's month (capacity forecasts, utilisation). */
export interface PortMonth { switch: string; port: string; speedMbps: number | null; p95Mbps: number | null; maxUtil: number | null; coverage: number }

/** A member's (asn > 0) or the IXP's (asn 0) figures of one calendar month. */
export interface MonthRow {
  month: string; asn: number; complete: boolean; computedAt: number;
  p95InMbps: number | null; p95OutMbps: number | null; p95Mbps: number | null; p95Samples: number;
  bytesIn: number; bytesOut: number; peakBps: number | null;
  transitSaved: number; netSaved: number; portFee: number;
  transitSavedProjected: number; netSavedProjected: number; portFeeProjected: number;
  coverage: number; resolution: number; connectedShare: number;
  expectedSeconds: number;
  maxUtil: number | null;
  peakMethodSaved: number | null; localContentShare: number | null; members: number | null;
  /** Members: each port's month; absent for the IXP. */
  ports?: PortMonth[];
  /** Rollup sources the figures were computed from ('poll', 'mrtg', 'demo'). */
  sources?: string[];
  /** The IXP only: 5-minute windows of the month with a good poll; null when no poll was recorded. */
  pollWindows?: number | null;
  /** The IXP only: share of the month's time with traffic flowing (any member window above zero). */
  trafficFlowing?: number | null;
}
