// Member windows, pure: the port windows of a span (5-minute rollups, and imported MRTG history coarser than
// 5 minutes) attributed to members at each window's time and summed per member and window, plus the IXP's (asn 0)
// window: every member's window summed while it is a member. No clock, no I/O; attribution is an input.
import type { WindowSample } from './impact.ts';
import { sumPerWindow } from './impact.ts';
import { memberSamples, type Membership } from './partmonth.ts';

/** The IXP as a whole in member_windows and member_months. */
export const IXP_ASN = 0;

/** One port's window as the store's rollups hold it. */
export interface PortWindow {
  switch: string;
  port: string;
  /** Window start, epoch ms. */
  t: number;
  /** Window length, seconds: 300, or 1800/7200/86400 for imported (MRTG) history. */
  res: number;
  inBps: number | null;
  outBps: number | null;
  /** Share of the window covered by real rates, 0..1. */
  coverage: number;
  /** Highest utilisation in the window, 0..1 (null: unknown; imported history has none). */
  utilIn: number | null;
  utilOut: number | null;
}

/** One row of member_windows. */
export interface MemberWindowRow {
  asn: number;
  t: number;
  res: number;
  /** Σ over the ports present of their window average; null when none measured it. */
  inBps: number | null;
  outBps: number | null;
  /** Mean coverage of the ports present (asn 0: mean over the members present), 0..1. */
  coverage: number;
  /** Ports present in the window (asn 0: all members' ports). */
  ports: number;
  /** Highest max(utilIn, utilOut) of the ports in the window; null when unknown. */
  maxUtil: number | null;
}

/** Which member owns port (switch, port) at instant t (the member registry's attribution); undefined: nobody. */
export type Owner = (switchName: string, port: string, t: number) => number | undefined;

/** A member window as the impact maths read it (a WindowSample) with its utilisation. */
export type MemberSample = WindowSample & { maxUtil?: number | null; ports?: number };

const FIVE_MIN = 300_000;

interface Acc { t: number; res: number; i: number | null; o: number | null; c: number; n: number; u: number | null }

function add(a: Acc, w: PortWindow): void {
  if (w.inBps !== null) a.i = (a.i ?? 0) + w.inBps;
  if (w.outBps !== null) a.o = (a.o ?? 0) + w.outBps;
  a.c += w.coverage;
  a.n++;
  if (w.utilIn !== null || w.utilOut !== null) {
    const u = Math.max(w.utilIn ?? 0, w.utilOut ?? 0);
    if (a.u === null || u > a.u) a.u = u;
  }
}

/**
 * Member windows of a span, the way the dashboard summed them (readers/sqlite.ts memberWindows): each member's
 * 5-minute port windows summed per window (a window off the 5-minute grid is ignored), its imported coarse windows
 * summed per resolution and start, and a coarse window dropped where the member has a 5-minute window inside it.
 * Then the IXP's window (asn 0): the members' windows summed per start while each is a member
 * (partmonth.ts memberSamples), as dashboard/server/service.ts built its aggregate. Sorted by asn, then t.
 * A member's coarse windows of two resolutions starting at the same instant are merged into one row (the coarser
 * resolution; sums of both), since member_windows holds one row per member and start.
 * @param membership the membership of an asn; undefined counts it as a member at all times.
 */
export function memberWindows(portWindows: readonly PortWindow[], owner: Owner, membership: (asn: number) => Membership | undefined): MemberWindowRow[] {
  const fine = new Map<number, Map<number, Acc>>();
  const coarse = new Map<number, Map<string, Acc>>();
  for (const w of portWindows) {
    const asn = owner(w.switch, w.port, w.t);
    if (asn === undefined) continue;
    if (w.res === 300) {
      if (w.t % FIVE_MIN !== 0) continue; // not on the 5-minute grid: ignored, as the dashboard did
      let m = fine.get(asn);
      if (!m) fine.set(asn, (m = new Map()));
      let a = m.get(w.t);
      if (!a) m.set(w.t, (a = { t: w.t, res: 300, i: null, o: null, c: 0, n: 0, u: null }));
      add(a, w);
    } else {
      let m = coarse.get(asn);
      if (!m) coarse.set(asn, (m = new Map()));
      const k = `${w.res}:${w.t}`;
      let a = m.get(k);
      if (!a) m.set(k, (a = { t: w.t, res: w.res, i: null, o: null, c: 0, n: 0, u: null }));
      add(a, w);
    }
  }
  const rows: MemberWindowRow[] = [];
  const byAsn = new Map<number, MemberWindowRow[]>();
  for (const asn of [...new Set([...fine.keys(), ...coarse.keys()])].sort((a, b) => a - b)) {
    const f = fine.get(asn) ?? new Map<number, Acc>();
    const fineTs = [...f.keys()].sort((a, b) => a - b);
    const overlaps = (t: number, res: number): boolean => {
      let lo = 0;
      let hi = fineTs.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (fineTs[mid]! < t) lo = mid + 1; else hi = mid; }
      return lo < fineTs.length && fineTs[lo]! < t + res * 1000;
    };
    const out = new Map<number, MemberWindowRow>();
    const row = (a: Acc): MemberWindowRow => ({ asn, t: a.t, res: a.res, inBps: a.i, outBps: a.o, coverage: a.c / a.n, ports: a.n, maxUtil: a.u });
    for (const a of f.values()) out.set(a.t, row(a));
    for (const a of [...(coarse.get(asn)?.values() ?? [])].sort((x, y) => x.res - y.res)) {
      if (overlaps(a.t, a.res)) continue;
      const prev = out.get(a.t);
      if (!prev) { out.set(a.t, row(a)); continue; }
      // Two coarse resolutions at one start (rare at a log's consolidation edge): one row, the coarser resolution.
      const r = row(a);
      out.set(a.t, {
        asn, t: a.t, res: Math.max(prev.res, r.res),
        inBps: prev.inBps === null ? r.inBps : r.inBps === null ? prev.inBps : prev.inBps + r.inBps,
        outBps: prev.outBps === null ? r.outBps : r.outBps === null ? prev.outBps : prev.outBps + r.outBps,
        coverage: (prev.coverage * prev.ports + r.coverage * r.ports) / (prev.ports + r.ports), ports: prev.ports + r.ports,
        maxUtil: prev.maxUtil === null ? r.maxUtil : r.maxUtil === null ? prev.maxUtil : Math.max(prev.maxUtil, r.maxUtil),
      });
    }
    const list = [...out.values()].sort((a, b) => a.t - b.t);
    byAsn.set(asn, list);
    rows.push(...list);
  }
  rows.push(...ixpWindows(byAsn, membership));
  return rows;
}

/** The IXP's windows (asn 0) from members' windows: each member counted only while it is a member. */
export function ixpWindows(byAsn: ReadonlyMap<number, readonly MemberWindowRow[]>, membership: (asn: number) => Membership | undefined): MemberWindowRow[] {
  const own: MemberSample[][] = [];
  const extra = new Map<number, { ports: number; u: number | null }>();
  for (const [asn, list] of byAsn) {
    if (asn === IXP_ASN) continue;
    const m = membership(asn) ?? { start: null, end: null };
    const samples = memberSamples(list.map(toSample), m) as MemberSample[];
    own.push(samples);
    for (const s of samples) {
      const e = extra.get(s.t) ?? { ports: 0, u: null };
      e.ports += s.ports ?? 0;
      if (s.maxUtil !== null && s.maxUtil !== undefined && (e.u === null || s.maxUtil > e.u)) e.u = s.maxUtil;
      extra.set(s.t, e);
    }
  }
  return sumPerWindow(own).map((s) => ({
    asn: IXP_ASN, t: s.t, res: s.res, inBps: s.inBps, outBps: s.outBps, coverage: s.coverage ?? 1,
    ports: extra.get(s.t)?.ports ?? 0, maxUtil: extra.get(s.t)?.u ?? null,
  }));
}

/** A member_windows row as the impact maths read it. */
export function toSample(r: MemberWindowRow): MemberSample {
  return { t: r.t, inBps: r.inBps, outBps: r.outBps, res: r.res, coverage: r.coverage, maxUtil: r.maxUtil, ports: r.ports };
}
