// Test data for the store and forwarder: Samples of a switch whose interfaces (ifIndex, ifName,
// ifAlias, speed, starting octet counters) come from a recorded real switch in shared/data/snmprec,
// advanced by known traffic each poll. Rates come from the real rate engine. No I/O after load.
import { readFileSync } from 'node:fs';
import type { IfSample, Sample, RateResult } from '../../../collector/rates/types.ts';
import { computeRates } from '../../../collector/rates/compute.ts';
import type { PollRecord } from '../../../collector/store/index.ts';

export const RECORDING = '/work/shared/data/snmprec/iosxe_c9500x-svl.snmprec';

interface RecIf { ifIndex: number; name: string; alias: string; speed: number; inOctets: bigint; outOctets: bigint }

/** Interfaces of a recording (those with an ifName), in ifIndex order. */
export function recordedInterfaces(file = RECORDING): RecIf[] {
  const col = new Map<string, Map<number, string>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.(\d+)\.(\d+)\|\d+\|(.*)$/.exec(line);
    if (!m) continue;
    if (!col.has(m[1])) col.set(m[1], new Map());
    col.get(m[1])!.set(Number(m[2]), m[3]);
  }
  const names = col.get('1') ?? new Map();
  return [...names.keys()].sort((a, b) => a - b).map((i) => ({
    ifIndex: i,
    name: names.get(i)!,
    alias: col.get('18')?.get(i) ?? '',
    speed: Number(col.get('15')?.get(i) ?? 10000) || 10000,
    inOctets: BigInt(col.get('6')?.get(i) ?? '0'),
    outOctets: BigInt(col.get('10')?.get(i) ?? '0'),
  }));
}

/** A switch that produces Samples with `nPorts` ports (the recording's, repeated with suffixes when short). */
export class SynthSwitch {
  readonly ifs: RecIf[];
  private prev: Sample | null = null;
  private counters: { in: bigint; out: bigint; pin: bigint; pout: bigint }[];
  private polls = 0;
  private t0: number | undefined;
  constructor(readonly name: string, nPorts: number, opts: { bigCounters?: boolean; seed?: number } = {}) {
    const rec = recordedInterfaces();
    this.ifs = Array.from({ length: nPorts }, (_, k) => {
      const r = rec[k % rec.length];
      const round = Math.floor(k / rec.length);
      return { ...r, ifIndex: r.ifIndex + round * 100_000, name: round ? `${r.name}/${round}` : r.name };
    });
    // Counters above 2^53 (and one above 2^63, where InfluxDB 1.x integers end) when asked.
    this.counters = this.ifs.map((f, k) => ({
      in: opts.bigCounters ? (k === 1 ? 2n ** 63n + 12345n : 2n ** 53n + BigInt(k) * 1_000_003n + 1n) : f.inOctets,
      out: opts.bigCounters ? 2n ** 60n + BigInt(k * 7 + 1) : f.outOctets,
      pin: 1000n * BigInt(k), pout: 2000n * BigInt(k),
    }));
  }
  /** Bytes per second port k sends/receives in poll p (deterministic). */
  static traffic(k: number, p: number): bigint { return BigInt(1_000_000 + ((k * 7919 + p * 104729) % 9_000_000)); }

  /** The next poll at wall time `time` (ms): the Sample, its rates (null for the first) and the poll record. */
  poll(time: number): { sample: Sample; result: RateResult | null; poll: PollRecord } {
    const seconds = this.prev ? (time - this.prev.time) / 1000 : 60;
    const p = this.polls++;
    const interfaces: IfSample[] = this.ifs.map((f, k) => {
      const c = this.counters[k];
      if (this.prev) {
        const bytes = SynthSwitch.traffic(k, p) * BigInt(Math.round(seconds));
        c.in += bytes; c.out += bytes / 2n; c.pin += bytes / 1000n; c.pout += bytes / 2000n;
      }
      return {
        ifIndex: f.ifIndex, name: f.name, descr: f.name, alias: f.alias, speedMbps: f.speed, operStatus: 1, adminStatus: 1,
        ifType: 6, hc: true, inOctets: c.in, outOctets: c.out, inPkts: c.pin, outPkts: c.pout, pktsHc: true,
        inErrors: 0n, outErrors: 0n, inDiscards: BigInt(p), outDiscards: 0n, discontinuityTime: 0,
      };
    });
    const sample: Sample = { switch: this.name, time, mono: time, sysUpTime: 100_000 + Math.floor((time - (this.t0 ??= time)) / 10), interfaces };
    const result = this.prev ? computeRates(this.prev, sample, { maxIntervalSeconds: 300 }) : null;
    this.prev = sample;
    return { sample, result, poll: { switch: this.name, t: time, durationMs: 120 + (p % 50), ok: true, ports: interfaces.length } };
  }
}
