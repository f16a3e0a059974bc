// The rate engine's truth table: each case is (prev, cur, options) and the rates or gaps it must
// give. Data only; compute.test.ts runs every row. Counters are bigint, times in ms.
import type { IfSample, Sample, GapReason } from '../../../collector/rates/types.ts';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
export const TWO_32 = 2n ** 32n;
export const TWO_60 = 2n ** 60n;

/** An interface with HC counters, 10G, up; override what a case needs. */
export function iface(over: Partial<IfSample> = {}): IfSample {
  return {
    ifIndex: 1, name: 'Ethernet1', descr: 'Ethernet1', alias: 'AS65001 Raajje Online',
    speedMbps: 10_000, operStatus: 1, adminStatus: 1, ifType: 6, hc: true,
    inOctets: 1_000_000n, outOctets: 2_000_000n, inPkts: 1000n, outPkts: 2000n, pktsHc: true,
    inErrors: 0n, outErrors: 0n, inDiscards: 0n, outDiscards: 0n, discontinuityTime: 0,
    ...over,
  };
}

export function sample(over: Partial<Sample> & { interfaces: IfSample[] }, dtSeconds = 0): Sample {
  return { switch: 'sw1', time: T0 + dtSeconds * 1000, mono: 5_000_000 + dtSeconds * 1000, sysUpTime: 100_000_000 + dtSeconds * 100, ...over };
}

/** The expected outcome of one interface: a gap reason, or some rate fields (others unchecked). */
export type Expect = { ifIndex: number } & ({ gap: GapReason } | { rate: Record<string, number | boolean | bigint | null> });

export interface Case {
  name: string;
  prev: Sample;
  cur: Sample;
  maxIntervalSeconds?: number;
  expect: Expect[];
  /** Expected interval in seconds, when the case is about the clock. */
  interval?: number;
}

export const cases: Case[] = [
  {
    name: '64-bit counters: bits per second over the interval',
    prev: sample({ interfaces: [iface()] }),
    cur: sample({ interfaces: [iface({ inOctets: 1_000_000n + 7_500_000n, outOctets: 2_000_000n + 75_000n, inPkts: 1600n, outPkts: 2060n, inErrors: 6n, outDiscards: 120n })] }, 60),
    expect: [{ ifIndex: 1, rate: { inBps: 1_000_000, outBps: 10_000, inPps: 10, outPps: 1, inErrors: 0.1, outErrors: 0, inDiscards: 0, outDiscards: 2, utilIn: 1e-4, utilOut: 1e-6, operUp: true } }],
  },
  {
    name: 'counters above 2^53 stay exact (2^60 + n)',
    prev: sample({ interfaces: [iface({ inOctets: TWO_60 + 1n, outOctets: TWO_60 * 3n + 7n })] }),
    cur: sample({ interfaces: [iface({ inOctets: TWO_60 + 1n + 1001n, outOctets: TWO_60 * 3n + 7n + 3n })] }, 8),
    expect: [{ ifIndex: 1, rate: { inBps: 1001, outBps: 3, inOctets: TWO_60 + 1002n, outOctets: TWO_60 * 3n + 10n } }],
  },
  {
    name: '32-bit counter wrapped once, rate fits the port speed',
    prev: sample({ interfaces: [iface({ hc: false, inOctets: TWO_32 - 1000n, outOctets: 10n, speedMbps: 100 })] }),
    cur: sample({ interfaces: [iface({ hc: false, inOctets: 500n, outOctets: 20n, speedMbps: 100 })] }, 10),
    expect: [{ ifIndex: 1, rate: { inBps: 1200, outBps: 8 } }],
  },
  {
    name: '32-bit counter went down further than the speed allows: a reset, not a wrap',
    prev: sample({ interfaces: [iface({ hc: false, inOctets: 3_000_000_000n, outOctets: 10n, speedMbps: 100 })] }),
    cur: sample({ interfaces: [iface({ hc: false, inOctets: 5n, outOctets: 20n, speedMbps: 100 })] }, 10),
    expect: [{ ifIndex: 1, gap: 'counter-reset' }],
  },
  {
    name: '32-bit wrap with unknown speed: plausible below half the counter range',
    prev: sample({ interfaces: [iface({ hc: false, inOctets: TWO_32 - 100n, outOctets: 3_000_000_000n, speedMbps: null }), iface({ ifIndex: 2, name: 'e2', descr: 'e2', hc: false, inOctets: 4000n, outOctets: 5n, speedMbps: 0 })] }),
    cur: sample({ interfaces: [iface({ hc: false, inOctets: 100n, outOctets: 3_000_000_100n, speedMbps: null }), iface({ ifIndex: 2, name: 'e2', descr: 'e2', hc: false, inOctets: 10n, outOctets: 5n, speedMbps: 0 })] }, 10),
    expect: [{ ifIndex: 1, rate: { inBps: 160, outBps: 80, utilIn: null, utilOut: null } }, { ifIndex: 2, gap: 'counter-reset' }],
  },
  {
    name: '64-bit counter that went down is a reset',
    prev: sample({ interfaces: [iface({ outOctets: TWO_60 })] }),
    cur: sample({ interfaces: [iface({ outOctets: 1000n })] }, 60),
    expect: [{ ifIndex: 1, gap: 'counter-reset' }],
  },
  {
    name: 'sysUpTime went backwards: agent restart, a gap for every interface',
    prev: sample({ interfaces: [iface(), iface({ ifIndex: 2, name: 'e2', descr: 'e2' })] }),
    cur: sample({ sysUpTime: 3000, interfaces: [iface({ inOctets: 2_000_000n }), iface({ ifIndex: 2, name: 'e2', descr: 'e2', inOctets: 5n })] }, 60),
    expect: [{ ifIndex: 1, gap: 'agent-restart' }, { ifIndex: 2, gap: 'agent-restart' }],
  },
  {
    name: 'agent booted inside the interval (uptime shorter than the interval): restart',
    prev: sample({ sysUpTime: 1000, interfaces: [iface()] }),
    cur: sample({ sysUpTime: 3000, interfaces: [iface({ inOctets: 9_000_000n })] }, 60),
    expect: [{ ifIndex: 1, gap: 'agent-restart' }],
  },
  {
    name: 'sysUpTime wrapped at 2^32 ticks after 497 days: not a restart',
    prev: sample({ sysUpTime: 2 ** 32 - 1000, interfaces: [iface()] }),
    cur: sample({ sysUpTime: 5000, interfaces: [iface({ inOctets: 1_000_000n + 600n })] }, 60),
    expect: [{ ifIndex: 1, rate: { inBps: 80 } }],
  },
  {
    name: 'ifCounterDiscontinuityTime changed: a gap even though counters grew',
    prev: sample({ interfaces: [iface({ discontinuityTime: 100 })] }),
    cur: sample({ interfaces: [iface({ discontinuityTime: 99_000_000, inOctets: 9_000_000n })] }, 60),
    expect: [{ ifIndex: 1, gap: 'counter-discontinuity' }],
  },
  {
    name: 'ifCounterDiscontinuityTime absent in one sample: no gap',
    prev: sample({ interfaces: [iface({ discontinuityTime: null })] }),
    cur: sample({ interfaces: [iface({ discontinuityTime: 500, inOctets: 1_000_000n + 75n })] }, 60),
    expect: [{ ifIndex: 1, rate: { inBps: 10 } }],
  },
  {
    name: 'ifIndex now names another interface: ifindex-reused; a new ifAlias alone is fine',
    prev: sample({ interfaces: [iface(), iface({ ifIndex: 2, name: 'e2', descr: 'e2', alias: 'AS1 Old' })] }),
    cur: sample({ interfaces: [iface({ name: 'Ethernet9', descr: 'Ethernet9' }), iface({ ifIndex: 2, name: 'e2', descr: 'e2', alias: 'AS2 New', inOctets: 1_000_000n + 750n })] }, 60),
    expect: [{ ifIndex: 1, gap: 'ifindex-reused' }, { ifIndex: 2, rate: { inBps: 100 } }],
  },
  {
    name: 'interval longer than maxIntervalSeconds: a gap',
    maxIntervalSeconds: 300,
    prev: sample({ interfaces: [iface()] }),
    cur: sample({ interfaces: [iface({ inOctets: 2_000_000n })] }, 301),
    expect: [{ ifIndex: 1, gap: 'interval-too-long' }],
  },
  {
    name: 'octet counters switched between 64-bit and 32-bit: a gap',
    prev: sample({ interfaces: [iface({ hc: false, inOctets: 500n, outOctets: 500n })] }),
    cur: sample({ interfaces: [iface({ hc: true, inOctets: 900n, outOctets: 900n })] }, 60),
    expect: [{ ifIndex: 1, gap: 'counter-discontinuity' }],
  },
  {
    name: 'new interface: a new-interface gap; a vanished one: nothing',
    prev: sample({ interfaces: [iface({ ifIndex: 7, name: 'old', descr: 'old' })] }),
    cur: sample({ interfaces: [iface({ ifIndex: 8, name: 'new', descr: 'new' })] }, 60),
    expect: [{ ifIndex: 8, gap: 'new-interface' }],
  },
  {
    name: 'missing HC columns: 32-bit fallback interface, packets absent give null pps',
    prev: sample({ interfaces: [iface({ hc: false, pktsHc: false, inOctets: 1000n, outOctets: 1000n, inPkts: null, outPkts: 10n, speedMbps: 1000 })] }),
    cur: sample({ interfaces: [iface({ hc: false, pktsHc: false, inOctets: 1250n, outOctets: 1000n, inPkts: null, outPkts: 30n, speedMbps: 1000 })] }, 10),
    expect: [{ ifIndex: 1, rate: { inBps: 200, outBps: 0, inPps: null, outPps: 2, utilIn: 2e-7 } }],
  },
  {
    name: 'a counter column present in one sample only: null for that rate, not a gap',
    prev: sample({ interfaces: [iface({ outOctets: null, inErrors: null })] }),
    cur: sample({ interfaces: [iface({ inOctets: 1_000_000n + 10n, inErrors: 4n })] }, 10),
    expect: [{ ifIndex: 1, rate: { inBps: 8, outBps: null, inErrors: null, outErrors: 0 } }],
  },
  {
    name: 'no octet counters at all (a VLAN interface): a PortRate with null rates and its status',
    prev: sample({ interfaces: [iface({ inOctets: null, outOctets: null, inPkts: null, outPkts: null, operStatus: 2 })] }),
    cur: sample({ interfaces: [iface({ inOctets: null, outOctets: null, inPkts: null, outPkts: null, operStatus: 2 })] }, 10),
    expect: [{ ifIndex: 1, rate: { inBps: null, outBps: null, inPps: null, operUp: false } }],
  },
  {
    name: 'summed 32-bit packet counters: up to three wraps; a drop beyond the speed is a null pps',
    prev: sample({ interfaces: [iface({ pktsHc: false, inPkts: 3n * TWO_32 - 30n, outPkts: 100n, speedMbps: 1000 })] }),
    cur: sample({ interfaces: [iface({ pktsHc: false, inPkts: 70n, outPkts: 50n, speedMbps: 1000 })] }, 10),
    expect: [{ ifIndex: 1, rate: { inPps: 10, outPps: null, inBps: 0 } }],
  },
  {
    name: 'summed 32-bit packet counters: two components wrapped in one interval',
    prev: sample({ interfaces: [iface({ pktsHc: false, inPkts: 2n * TWO_32 - 30n, speedMbps: 1000 })] }),
    cur: sample({ interfaces: [iface({ pktsHc: false, inPkts: 70n, speedMbps: 1000 })] }, 10),
    expect: [{ ifIndex: 1, rate: { inPps: 10 } }],
  },
  {
    name: 'utilisation is capped at 1 when timing jitter pushes a full port a little over',
    prev: sample({ interfaces: [iface({ speedMbps: 1 })] }),
    cur: sample({ interfaces: [iface({ speedMbps: 1, inOctets: 1_000_000n + 1_300_000n })] }, 10),
    expect: [{ ifIndex: 1, rate: { inBps: 1_040_000, utilIn: 1 } }],
  },
  {
    name: 'monotonic clock preferred when the wall clock stepped back (NTP)',
    prev: sample({ interfaces: [iface()] }),
    cur: sample({ time: Date.UTC(2026, 10, 29, 11, 0, 0), mono: 5_000_000 + 10_000, sysUpTime: 100_000_000 + 1000, interfaces: [iface({ inOctets: 1_000_000n + 1250n })] }),
    interval: 10,
    expect: [{ ifIndex: 1, rate: { inBps: 1000 } }],
  },
  {
    name: 'monotonic clock from another process (went back): the wall clock is used',
    prev: sample({ interfaces: [iface()] }),
    cur: sample({ mono: 1234, interfaces: [iface({ inOctets: 1_000_000n + 2500n })] }, 20),
    interval: 20,
    expect: [{ ifIndex: 1, rate: { inBps: 1000 } }],
  },
  {
    name: 'both clocks moved but disagree: the longer interval (never a spike)',
    prev: sample({ interfaces: [iface()] }),
    cur: sample({ mono: 5_000_000 + 5_000, interfaces: [iface({ inOctets: 1_000_000n + 2500n })] }, 20),
    interval: 20,
    expect: [{ ifIndex: 1, rate: { inBps: 1000 } }],
  },
];
