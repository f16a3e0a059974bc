// Pure sFlow aggregation: scales each flow sample by the packets its source saw since its previous sample
// (sample_pool delta, the way pmacct's sfacctd renormalises) and sums bytes and packets per
// (source MAC, destination MAC, EtherType) and per (source member, destination member, IP version).
// No I/O and no clock: the caller owns the state objects and decides when a window closes.
import type { Datagram, FlowSample } from './decode.ts';

/** Where a source's previous sample left its counters. */
interface SourceState { sequence: number; pool: number }

/** A sequence jump larger than this is a restart of the source, not lost samples (pmacct's XFLOW_RESET_BOUNDARY). */
export const RESET_BOUNDARY = 50;

/**
 * Packets each sample stands for, per source (agent, sub-agent, data source). With the previous sample of
 * the same source: (pool - previous pool) / (sequence - previous sequence), integer division, so lost samples
 * share the gap. For a source's first sample, after a reset (sequence or pool not increasing) and for
 * out-of-order samples: the sample's own sampling_rate.
 */
export class Renormaliser {
  private readonly sources = new Map<string, SourceState>();
  /** Samples scaled by their sampling_rate because there was no usable previous sample. */
  fallbacks = 0;

  scale(agent: string, subAgentId: number, fs: FlowSample): number {
    const key = `${agent}/${subAgentId}/${fs.sourceType}:${fs.sourceIndex}`;
    const s = this.sources.get(key);
    if (!s) {
      this.sources.set(key, { sequence: fs.sequence, pool: fs.samplePool });
    } else if (fs.sequence > s.sequence && fs.samplePool > s.pool) {
      const eff = Math.floor((fs.samplePool - s.pool) / (fs.sequence - s.sequence));
      s.sequence = fs.sequence;
      s.pool = fs.samplePool;
      return eff;
    } else if (Math.max(fs.sequence, s.sequence) > Math.min(fs.sequence, s.sequence) + RESET_BOUNDARY) {
      s.sequence = fs.sequence;
      s.pool = fs.samplePool;
    }
    this.fallbacks++;
    return fs.samplingRate;
  }

  /** Sources known (for memory accounting and tests). */
  get size(): number { return this.sources.size; }
}

export type IpVersion = 'ipv4' | 'ipv6' | 'other';

export function ipVersion(etype: number): IpVersion {
  return etype === 0x0800 ? 'ipv4' : etype === 0x86dd ? 'ipv6' : 'other';
}

export interface Totals { bytes: number; packets: number; samples: number }

export interface PairRow extends Totals { srcMac: string; dstMac: string; etype: number }
export interface MemberRow extends Totals { src: string; dst: string; ipVersion: IpVersion }

/** The member that owns a MAC address, or undefined. */
export type MacLookup = (mac: string) => string | undefined;

/** The name used for traffic whose MAC no source maps to a member. */
export const UNKNOWN = 'unknown';

/** What an agent's samples count for: which input ifIndexes are member ports (all when undefined). */
export interface AgentFilter { memberIfIndexes?: ReadonlySet<number> }

export interface MatrixCounts {
  /** Flow samples counted into the matrix. */
  samples: number;
  /** Flow samples without a readable Ethernet header. */
  noFrame: number;
  /** Flow samples whose input was not a member port (egress or trunk samples): never counted twice. */
  notIngress: number;
}

const key3 = (a: string, b: string, c: string | number) => `${a}|${b}|${c}`;

/** One window's peer-to-peer matrix. */
export class Matrix {
  private readonly pairs = new Map<string, PairRow>();
  private readonly members = new Map<string, MemberRow>();
  readonly counts: MatrixCounts = { samples: 0, noFrame: 0, notIngress: 0 };
  /** Scaled bytes and samples per input ifIndex of counted samples (for the check against SNMP octets). */
  readonly byInput = new Map<number, { bytes: number; samples: number }>();
  /** Lowest and highest sampling_rate seen (1:N), null before the first sample. */
  rateMin: number | null = null;
  rateMax: number | null = null;

  constructor(private readonly renorm: Renormaliser, private readonly lookup?: MacLookup) {}

  /** Adds every flow sample of a decoded datagram. */
  add(d: Datagram, filter?: AgentFilter): void {
    for (const fs of d.flows) this.addSample(d.agent, d.subAgentId, fs, filter);
  }

  addSample(agent: string, subAgentId: number, fs: FlowSample, filter?: AgentFilter): void {
    // Every sample advances its source's pool state, counted or not, so the next one is scaled right.
    const eff = this.renorm.scale(agent, subAgentId, fs);
    if (this.rateMin === null || fs.samplingRate < this.rateMin) this.rateMin = fs.samplingRate;
    if (this.rateMax === null || fs.samplingRate > this.rateMax) this.rateMax = fs.samplingRate;
    if (!fs.frame) { this.counts.noFrame++; return; }
    if (filter?.memberIfIndexes && (fs.inputFormat !== 0 || !filter.memberIfIndexes.has(fs.input))) { this.counts.notIngress++; return; }
    this.counts.samples++;
    const f = fs.frame;
    const bytes = f.frameLength * eff;
    const k = key3(f.srcMac, f.dstMac, f.etype);
    let p = this.pairs.get(k);
    if (!p) { p = { srcMac: f.srcMac, dstMac: f.dstMac, etype: f.etype, bytes: 0, packets: 0, samples: 0 }; this.pairs.set(k, p); }
    p.bytes += bytes; p.packets += eff; p.samples++;
    const inp = this.byInput.get(fs.input);
    if (inp) { inp.bytes += bytes; inp.samples++; } else this.byInput.set(fs.input, { bytes, samples: 1 });
    if (this.lookup) {
      const src = this.lookup(f.srcMac) ?? UNKNOWN, dst = this.lookup(f.dstMac) ?? UNKNOWN, v = ipVersion(f.etype);
      const mk = key3(src, dst, v);
      let m = this.members.get(mk);
      if (!m) { m = { src, dst, ipVersion: v, bytes: 0, packets: 0, samples: 0 }; this.members.set(mk, m); }
      m.bytes += bytes; m.packets += eff; m.samples++;
    }
  }

  pairRows(): PairRow[] {
    return [...this.pairs.values()].sort((a, b) => b.bytes - a.bytes || a.srcMac.localeCompare(b.srcMac) || a.dstMac.localeCompare(b.dstMac) || a.etype - b.etype);
  }

  memberRows(): MemberRow[] {
    return [...this.members.values()].sort((a, b) => b.bytes - a.bytes || a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst) || a.ipVersion.localeCompare(b.ipVersion));
  }
}

/**
 * Relative standard error of a sampled total made of `samples` samples: about 1/sqrt(samples)
 * (sFlow's packet sampling is close to Bernoulli; sflow.org "Packet Sampling Basics"). null without samples.
 */
export function relativeError(samples: number): number | null {
  return samples > 0 ? 1 / Math.sqrt(samples) : null;
}

/** EtherType as the JSON contract writes it: lower-case hex without leading zeros ("800", "86dd"). */
export function etypeHex(etype: number): string {
  return etype.toString(16);
}

/** A MAC address in the canonical form the decoder emits (lower case, colons); null when it is not one. */
export function normaliseMac(s: string): string | null {
  const hex = s.trim().toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.\-\s]+$/i.test(s.trim())) return null;
  return hex.match(/../g)!.join(':');
}

/**
 * Ports whose sFlow bytes are far above their SNMP received octets over the same span: the switch samples
 * them in both directions (or egress too), so each frame would count twice. Pure; at least `minSamples`
 * samples and a ratio of `maxRatio` (default 1.5: sampling error at 100 samples is about 10 %).
 */
export function doubleSampled(sflow: ReadonlyMap<number, { bytes: number; samples: number }>, snmpInOctets: ReadonlyMap<number, number>,
  opts: { minSamples?: number; maxRatio?: number } = {}): { ifIndex: number; ratio: number }[] {
  const out: { ifIndex: number; ratio: number }[] = [];
  for (const [ifIndex, s] of sflow) {
    const snmp = snmpInOctets.get(ifIndex);
    if (!snmp || s.samples < (opts.minSamples ?? 100)) continue;
    const ratio = s.bytes / snmp;
    if (ratio > (opts.maxRatio ?? 1.5)) out.push({ ifIndex, ratio: Math.round(ratio * 100) / 100 });
  }
  return out;
}
