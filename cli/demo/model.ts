// The demo IXP: a small island exchange with a dozen member ports whose counters follow a daily
// traffic pattern, as a pure function of time. The same model feeds the live SNMP agent and the
// 35 days of back-filled history, so both line up. Pure: no clock, no I/O.
import type { IfSample, Sample } from '../../collector/rates/types.ts';
import type { MemberConfig } from '../../collector/config/types.ts';

export interface DemoPort {
  ifIndex: number;
  name: string;
  alias: string;
  speedMbps: number;
  /** Share of the exchange's traffic this member sends into the IXP (switch ifInOctets). */
  send: number;
  /** Share of the exchange's traffic this member receives from the IXP (switch ifOutOctets). */
  receive: number;
  up: boolean;
  member: MemberConfig;
}

const member = (asn: number, name: string, category: MemberConfig['category'], port: string, extra: Partial<MemberConfig> = {}): MemberConfig =>
  ({ asn, name, category, ports: [{ switch: DEMO_SWITCH, port }], ...extra });

export const DEMO_SWITCH = 'demo-sw1';
/** Documentation ASNs (RFC 5398) and invented names: the demo names no real network. */
export const DEMO_PORTS: DemoPort[] = [
  { ifIndex: 1, name: 'swp1', alias: 'AS64496 Island Telecom', speedMbps: 10_000, send: 0.10, receive: 0.30, up: true, member: member(64496, 'Island Telecom', 'isp', 'swp1', { portFeePerMonth: 400, joined: '2024-03-01' }) },
  { ifIndex: 2, name: 'swp2', alias: 'AS64497 Lagoon Mobile', speedMbps: 10_000, send: 0.08, receive: 0.25, up: true, member: member(64497, 'Lagoon Mobile', 'isp', 'swp2', { portFeePerMonth: 400, joined: '2024-03-01' }) },
  { ifIndex: 3, name: 'swp3', alias: 'AS64498 Atoll Broadband', speedMbps: 1_000, send: 0.03, receive: 0.08, up: true, member: member(64498, 'Atoll Broadband', 'isp', 'swp3', { portFeePerMonth: 150, joined: '2024-05-15' }) },
  { ifIndex: 4, name: 'swp4', alias: 'AS64499 Reef Networks', speedMbps: 1_000, send: 0.02, receive: 0.06, up: true, member: member(64499, 'Reef Networks', 'isp', 'swp4', { portFeePerMonth: 150, transitPricePerMbps: 32, joined: '2024-09-01' }) },
  { ifIndex: 5, name: 'swp5', alias: 'AS64500 Government Network', speedMbps: 1_000, send: 0.03, receive: 0.04, up: true, member: member(64500, 'Government Network', 'government', 'swp5', { portFeePerMonth: 0, joined: '2024-06-01' }) },
  { ifIndex: 6, name: 'swp6', alias: 'AS64501 University of the Islands', speedMbps: 1_000, send: 0.02, receive: 0.05, up: true, member: member(64501, 'University of the Islands', 'education', 'swp6', { portFeePerMonth: 0, joined: '2024-10-01' }) },
  { ifIndex: 7, name: 'swp7', alias: 'AS64502 StreamCache CDN', speedMbps: 10_000, send: 0.38, receive: 0.01, up: true, member: member(64502, 'StreamCache CDN', 'content', 'swp7', { joined: '2024-04-01' }) },
  { ifIndex: 8, name: 'swp8', alias: 'AS64503 SearchCo Cache', speedMbps: 10_000, send: 0.22, receive: 0.01, up: true, member: member(64503, 'SearchCo Cache', 'content', 'swp8', { joined: '2024-07-01' }) },
  { ifIndex: 9, name: 'swp9', alias: 'AS64504 Local Hosting', speedMbps: 1_000, send: 0.06, receive: 0.02, up: true, member: member(64504, 'Local Hosting', 'content', 'swp9', { portFeePerMonth: 100, joined: '2025-01-10' }) },
  { ifIndex: 10, name: 'swp10', alias: 'AS64505 Harbour Bank', speedMbps: 1_000, send: 0, receive: 0, up: false, member: member(64505, 'Harbour Bank', 'enterprise', 'swp10', { portFeePerMonth: 100, joined: '2025-02-01' }) },
  { ifIndex: 11, name: 'swp11', alias: 'AS64506 IXP Route Server', speedMbps: 1_000, send: 0.002, receive: 0.002, up: true, member: member(64506, 'IXP Route Server', 'route-server', 'swp11') },
  { ifIndex: 12, name: 'swp12', alias: 'AS64507 Coral Wireless', speedMbps: 1_000, send: 0.058, receive: 0.178, up: true, member: member(64507, 'Coral Wireless', 'isp', 'swp12', { portFeePerMonth: 150, joined: '2025-03-01' }) },
];

const DAY = 86_400;
/** Mean exchange traffic (bits/s) at the model's epoch, growing by GROWTH per day. */
const BASE_BPS = 2.2e9;
const GROWTH = 0.004;
const AMP = 0.55; // daily swing
const W = (2 * Math.PI) / DAY;
/** Busiest at 21:00 in UTC+5 (16:00 UTC): sin peaks where W*t + PHASE = pi/2. */
const PHASE = Math.PI / 2 - W * 16 * 3600;
/** Exchange-wide bytes sent from the model epoch to `t` seconds after it: closed-form integral of the rate. */
function exchangeBytes(t: number): number {
  // rate(t) = B (1 + g t) (1 + A sin(W t + PHASE)), integrated exactly.
  const g = GROWTH / DAY;
  const s = Math.sin(W * t + PHASE), c = Math.cos(W * t + PHASE);
  const c0 = Math.cos(PHASE), s0 = Math.sin(PHASE);
  const lin = t + (g * t * t) / 2;
  const osc = AMP * ((-(1 + g * t) * c + c0) / W + (g * (s - s0)) / (W * W));
  return (BASE_BPS / 8) * (lin + osc);
}

/** Periods (s) and amplitudes of a per-port wobble: incommensurate, so ports never move in lockstep. */
const WOBBLE: [number, number][] = [[23 * 60, 0.035], [61 * 60, 0.05], [157 * 60, 0.04]];
/** A small per-port, per-direction wobble (closed-form integral of a sum of sines) on top of the daily curve. */
function wobbleBytes(t: number, port: DemoPort, dir: 'in' | 'out', shareBps: number): number {
  let bytes = 0;
  WOBBLE.forEach(([period, amp], k) => {
    const w = (2 * Math.PI) / period;
    const phi = port.ifIndex * 1.3 + k * 2.1 + (dir === 'out' ? 0.9 : 0);
    bytes += (amp * (Math.cos(phi) - Math.cos(w * t + phi))) / w;
  });
  return (shareBps / 8) * bytes;
}

/** The model's origin: counters are 0 plus a large offset there (they pass 2^53, as real 100G ports do). */
export interface DemoClock { epochMs: number }
const OFFSET = 2n ** 53n - 10n ** 12n;

function octets(port: DemoPort, dir: 'in' | 'out', t: number): bigint {
  const share = dir === 'in' ? port.send : port.receive;
  if (share === 0) return OFFSET / 2n + BigInt(port.ifIndex) * 1000n;
  const bytes = exchangeBytes(t) * share + wobbleBytes(t, port, dir, BASE_BPS * share);
  return OFFSET + BigInt(port.ifIndex) * 10n ** 9n + BigInt(Math.max(0, Math.floor(bytes)));
}

/** The demo switch's interfaces as read at wall time `timeMs`. */
export function demoInterfaces(clock: DemoClock, timeMs: number): IfSample[] {
  const t = Math.max(0, (timeMs - clock.epochMs) / 1000);
  return DEMO_PORTS.map((p) => {
    const inOctets = octets(p, 'in', t);
    const outOctets = octets(p, 'out', t);
    return {
      ifIndex: p.ifIndex, name: p.name, descr: p.name, alias: p.alias, speedMbps: p.speedMbps,
      operStatus: p.up ? 1 : 2, adminStatus: 1, ifType: 6, hc: true,
      inOctets, outOctets,
      inPkts: inOctets / 900n, outPkts: outOctets / 900n, pktsHc: true,
      inErrors: BigInt(Math.floor(t / 3600)) * BigInt(p.ifIndex % 3), outErrors: 0n,
      inDiscards: BigInt(Math.floor(t / 600)) * BigInt(p.ifIndex % 2), outDiscards: BigInt(Math.floor(t / 1800)),
      discontinuityTime: 0,
    };
  });
}

/** A whole Sample of the demo switch at `timeMs` (sysUpTime counts from the model epoch). */
export function demoSample(clock: DemoClock, timeMs: number, mono = timeMs): Sample {
  return {
    switch: DEMO_SWITCH,
    time: timeMs,
    mono,
    sysUpTime: Math.floor((timeMs - clock.epochMs) / 10) % 2 ** 32,
    sysName: 'demo-sw1.ixp.example',
    sysDescr: 'ixmeter demo peering switch (simulated)',
    interfaces: demoInterfaces(clock, timeMs),
  };
}
