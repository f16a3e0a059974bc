// Pure figures from the sFlow matrix of a period: member-pair totals, the IPv4/IPv6 split of the exchange
// and of each member, top pairs, and the measured local content share, each with its sampling error
// (relative error of a sampled total ≈ 1/sqrt(samples)). No I/O, no clock.
import type { P2pTotal } from './store.ts';
import { UNKNOWN } from './matrix.ts';

export interface MemberInfo { label: string; asn: number; name: string; category: string }

export interface PairFigure {
  src: string; dst: string;
  bytes: number; ipv4: number; ipv6: number; other: number;
  samples: number;
  /** Relative standard error of `bytes` (≈ 1/sqrt(samples)); null without samples. */
  error: number | null;
}

export interface MemberFigure {
  label: string; sent: number; received: number; ipv4: number; ipv6: number; samples: number;
  /** IPv6 bytes over all bytes it sent and received; null when none. */
  ipv6Share: number | null;
  /** Absolute standard error of ipv6Share (as {@link shareOf}); null when none. */
  ipv6Error: number | null;
}

export interface Share { share: number | null; error: number | null; samples: number }

export interface PeeringFigures {
  totalBytes: number;
  samples: number;
  pairs: PairFigure[];
  members: MemberFigure[];
  /** IPv6 bytes over all bytes in the matrix (IPv4, IPv6 and other frames, unknown MACs included). */
  ipv6: Share;
  /** Bytes whose source or destination MAC maps to no member, over all bytes. */
  unknown: Share;
  /** Bytes sent by content members to the others, over all bytes exchanged. */
  localContent: Share;
}

const err = (n: number) => (n > 0 ? 1 / Math.sqrt(n) : null);

/**
 * The share a/(a+b) of two sampled totals, with its error by propagation of the two relative errors
 * (a and b independent): share * (1 - share) * sqrt(1/na + 1/nb), absolute.
 */
export function shareOf(a: number, na: number, b: number, nb: number): Share {
  const total = a + b;
  if (total <= 0) return { share: null, error: null, samples: na + nb };
  const s = a / total;
  const e = na > 0 && nb > 0 ? s * (1 - s) * Math.sqrt(1 / na + 1 / nb) : na + nb > 0 ? 1 / Math.sqrt(na + nb) : null;
  return { share: s, error: e, samples: na + nb };
}

export function peeringFigures(rows: P2pTotal[], members: MemberInfo[]): PeeringFigures {
  const pairs = new Map<string, PairFigure>();
  const per = new Map<string, MemberFigure>();
  const content = new Set(members.filter((m) => m.category === 'content').map((m) => m.label));
  const v6samples = new Map<string, number>();
  let total = 0, samples = 0, v6 = 0, v6n = 0, unk = 0, unkn = 0, cont = 0, contn = 0;
  const memberFig = (label: string) => {
    let m = per.get(label);
    if (!m) { m = { label, sent: 0, received: 0, ipv4: 0, ipv6: 0, samples: 0, ipv6Share: null, ipv6Error: null }; per.set(label, m); v6samples.set(label, 0); }
    return m;
  };
  for (const r of rows) {
    const k = `${r.src}\u0000${r.dst}`;
    let p = pairs.get(k);
    if (!p) { p = { src: r.src, dst: r.dst, bytes: 0, ipv4: 0, ipv6: 0, other: 0, samples: 0, error: null }; pairs.set(k, p); }
    p.bytes += r.bytes; p.samples += r.samples;
    if (r.ip === 'ipv4') p.ipv4 += r.bytes;
    else if (r.ip === 'ipv6') { p.ipv6 += r.bytes; v6 += r.bytes; v6n += r.samples; }
    else p.other += r.bytes;
    total += r.bytes; samples += r.samples;
    if (r.src === UNKNOWN || r.dst === UNKNOWN) { unk += r.bytes; unkn += r.samples; }
    if (content.has(r.src) && r.dst !== r.src) { cont += r.bytes; contn += r.samples; }
    for (const [label, dir] of [[r.src, 'sent'], [r.dst, 'received']] as const) {
      if (label === UNKNOWN) continue;
      const m = memberFig(label);
      m[dir] += r.bytes; m.samples += r.samples;
      if (r.ip === 'ipv4') m.ipv4 += r.bytes;
      else if (r.ip === 'ipv6') { m.ipv6 += r.bytes; v6samples.set(label, v6samples.get(label)! + r.samples); }
    }
  }
  for (const p of pairs.values()) p.error = err(p.samples);
  for (const m of per.values()) {
    const n6 = v6samples.get(m.label)!;
    const s = shareOf(m.ipv6, n6, m.sent + m.received - m.ipv6, m.samples - n6);
    m.ipv6Share = s.share; m.ipv6Error = s.error;
  }
  return {
    totalBytes: total, samples,
    pairs: [...pairs.values()].sort((a, b) => b.bytes - a.bytes || a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst)),
    members: [...per.values()].sort((a, b) => b.sent + b.received - (a.sent + a.received) || a.label.localeCompare(b.label)),
    ipv6: shareOf(v6, v6n, total - v6, samples - v6n),
    unknown: shareOf(unk, unkn, total - unk, samples - unkn),
    localContent: shareOf(cont, contn, total - cont, samples - contn),
  };
}
