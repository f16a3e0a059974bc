// Pure: international outages from latency rounds. A round in which every international reference was
// silent (nothing came back) while at least one member's router answered is an "outage round"; consecutive
// outage rounds (at least `minRounds`) form one outage, from the first such round's start to the start of
// the round that saw a reference again (or, still open, to the last round seen). No clock, no I/O.

/** What one round saw, summarised per kind of target. */
export interface RoundSummary {
  /** Start of the round, epoch ms. */
  t: number;
  /** International references probed, and how many of them answered at least once. */
  international: number;
  internationalAnswered: number;
  /** Members' routers probed, and how many answered at least once. */
  routers: number;
  routersAnswered: number;
}

export interface Outage {
  /** Start of the first round with every international reference silent (epoch ms). */
  start: number;
  /**
   * Start of the first round that reached a reference again; null while the outage goes on (then `lastSeen`
   * is the start of the newest silent round).
   */
  end: number | null;
  lastSeen: number;
  /** Rounds in the outage. */
  rounds: number;
  /** The outage's length known so far (ms): end - start, or lastSeen - start + one interval while open. */
  durationMs: number;
  /**
   * How precisely the start and end are known: the link went down somewhere in the interval before `start`
   * and came back in the one before `end`, so each edge is uncertain by up to one round interval (ms).
   */
  uncertaintyMs: number;
}

/** Summarises per-target rows of rounds into one RoundSummary per round (sorted by t). */
export function summariseRounds(rows: { t: number; kind: string; received: number }[]): RoundSummary[] {
  const by = new Map<number, RoundSummary>();
  for (const r of rows) {
    let s = by.get(r.t);
    if (!s) { s = { t: r.t, international: 0, internationalAnswered: 0, routers: 0, routersAnswered: 0 }; by.set(r.t, s); }
    if (r.kind === 'international') { s.international++; if (r.received > 0) s.internationalAnswered++; }
    else if (r.kind === 'member') { s.routers++; if (r.received > 0) s.routersAnswered++; }
  }
  return [...by.values()].sort((a, b) => a.t - b.t);
}

/** Whether a round is an outage round: references probed, none answered, while members' routers did. */
export function isOutageRound(s: RoundSummary): boolean {
  return s.international > 0 && s.internationalAnswered === 0 && s.routersAnswered > 0;
}

/**
 * The international outages in `rounds` (sorted by t). `intervalMs` is the round interval, for the length of an
 * open outage and the edges' uncertainty. A round with neither references nor routers answering (the collector's
 * own link down, or fping failed) ends nothing and starts nothing: it is not evidence either way, and is skipped.
 * A gap longer than two intervals with no rounds at all closes an outage at its last silent round.
 */
export function findOutages(rounds: RoundSummary[], intervalMs: number, minRounds = 1): Outage[] {
  const out: Outage[] = [];
  let cur: { start: number; last: number; rounds: number } | null = null;
  const close = (end: number | null) => {
    if (cur && cur.rounds >= minRounds) {
      const durationMs = end === null ? cur.last - cur.start + intervalMs : end - cur.start;
      out.push({ start: cur.start, end, lastSeen: cur.last, rounds: cur.rounds, durationMs, uncertaintyMs: intervalMs });
    }
    cur = null;
  };
  for (const s of rounds) {
    if (cur && s.t - cur.last > 2 * intervalMs) close(cur.last + intervalMs);
    if (isOutageRound(s)) {
      if (cur) { cur.last = s.t; cur.rounds++; } else cur = { start: s.t, last: s.t, rounds: 1 };
    } else if (s.internationalAnswered > 0) {
      close(s.t);
    }
  }
  close(null);
  return out;
}

/** One rate interval of one port (what the store's rates table holds): [t - intervalS, t], bits per second in. */
export interface RateInterval { t: number; intervalS: number; inBps: number | null }

/** Local traffic in a window: what the members sent into the exchange (switch ports' inbound bytes). */
export interface WindowTraffic {
  /** Bytes, each rate interval counted by the share of it inside the window (the rate is taken as even within it). */
  bytes: number;
  /** bytes x 8 / the window's covered seconds: bits per second while measured. Null with no coverage. */
  avgBps: number | null;
  /** Share of port-time in the window covered by rates (0..1): gaps and missing polls lower it. */
  coverage: number;
  /** Ports counted. */
  ports: number;
}

/**
 * The traffic members kept exchanging over the IXP in [start, end) (epoch ms), from each member port's rate
 * intervals. An interval partly inside counts pro rata, so the figure is exact at poll boundaries and, between
 * them, as good as the rate is even within a poll interval.
 */
export function trafficDuring(start: number, end: number, ports: RateInterval[][]): WindowTraffic {
  let bytes = 0;
  let coveredPortMs = 0;
  const span = Math.max(0, end - start);
  for (const rates of ports) {
    for (const r of rates) {
      if (r.inBps === null) continue;
      const len = r.intervalS * 1000;
      const a = Math.max(start, r.t - len), b = Math.min(end, r.t);
      if (b <= a || len <= 0) continue;
      bytes += (r.inBps * r.intervalS / 8) * ((b - a) / len);
      coveredPortMs += b - a;
    }
  }
  const coverage = span === 0 || ports.length === 0 ? 0 : Math.min(1, coveredPortMs / (span * ports.length));
  const coveredS = ports.length ? coveredPortMs / ports.length / 1000 : 0;
  return { bytes, avgBps: coveredS > 0 ? (bytes * 8) / coveredS : null, coverage, ports: ports.length };
}
