// A small IXP data set for the browser tests, written through the real store (createStore/writePoll):
// one switch, four member ports over a few days of 5-minute polls, one port down for a while, and a
// member whose name and ifAlias are an HTML-injection attempt. Test data only; never touches the network.
import type { IfSample, PortRate, Sample } from '../../collector/rates/types.ts';
import type { IxpConfig, MemberConfig } from '../../collector/config/types.ts';
import { createStore } from '../../collector/store/index.ts';
import { rebuildFigures } from '../../collector/store/figures.ts';

/** The injection string used as a member name and an ifAlias. */
export const EVIL = '<img src=x onerror=alert(1)>';

/** The fixture's ports and members. */
export const PORTS = [
  { ifIndex: 1, name: 'xe-0/0/1', alias: 'AS65001 Raajje Online', speed: 10_000, asn: 65001, peakIn: 2.4e9, peakOut: 2.1e9 },
  { ifIndex: 2, name: 'xe-0/0/2', alias: 'AS65002 Island Mobile', speed: 1_000, asn: 65002, peakIn: 0.6e9, peakOut: 0.9e9 },
  { ifIndex: 3, name: 'xe-0/0/3', alias: 'AS65003 Akamai cache', speed: 10_000, asn: 65003, peakIn: 3.2e9, peakOut: 0.3e9 },
  { ifIndex: 4, name: 'xe-0/0/4', alias: EVIL, speed: 1_000, asn: 65004, peakIn: 0.2e9, peakOut: 0.25e9 },
] as const;

export const IXP: IxpConfig = {
  id: 'tix', name: 'Test IX', country: 'MV', timezone: 'Indian/Maldives', currency: 'USD',
  transitPricePerMbps: 20, launched: '2026-01-01', public: true,
};

export const MEMBERS: MemberConfig[] = [
  { asn: 65001, name: 'Raajje Online', category: 'isp', buysTransit: true, portFeePerMonth: 300, ports: [{ switch: 'sw1', port: 'xe-0/0/1' }] },
  { asn: 65002, name: 'Island Mobile', category: 'isp', buysTransit: true, portFeePerMonth: 150, ports: [{ switch: 'sw1', port: 'xe-0/0/2' }] },
  { asn: 65003, name: 'Akamai cache', category: 'content', ports: [{ switch: 'sw1', port: 'xe-0/0/3' }] },
  { asn: 65004, name: EVIL, category: 'isp', buysTransit: true, ports: [{ switch: 'sw1', port: 'xe-0/0/4' }] },
];

/** A second IXP for the selector and the side-by-side impact view (the SQLite reader serves one store). */
export const IXP2: IxpConfig = {
  id: 'cvix', name: 'Cabo Verde IX', country: 'CV', timezone: 'Atlantic/Cape_Verde', currency: 'EUR',
  transitPricePerMbps: 18, public: true,
};

const STEP = 300_000;

/** Daily shape 0.2..1.0 peaking at 21:00 local (UTC+5). */
function shape(t: number): number {
  const h = ((t / 3_600_000) + 5) % 24;
  return 0.6 + 0.4 * Math.cos(((h - 21) / 24) * 2 * Math.PI);
}

/**
 * Writes `days` of 5-minute polls ending at `end` (ms) into a new store at `file`.
 * Port 4 is down for the 6 hours before the last 2 hours. `simulated` marks the store as demo data.
 * Returns the time of the last poll, once the member figures are computed.
 */
export async function writeFixture(file: string, end: number, days = 4, simulated = false): Promise<number> {
  const store = createStore({ path: file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } }, { now: () => end, simulated });
  store.open();
  const last = Math.floor(end / STEP) * STEP;
  const first = last - days * 86_400_000;
  const octets = PORTS.map(() => ({ in: 10n ** 12n, out: 10n ** 12n, pin: 10n ** 9n, pout: 10n ** 9n }));
  for (let t = first, k = 0; t <= last; t += STEP, k++) {
    const interfaces: IfSample[] = [];
    const rates: PortRate[] = [];
    PORTS.forEach((p, i) => {
      const down = p.ifIndex === 4 && t > last - 8 * 3_600_000 && t <= last - 2 * 3_600_000;
      const wobble = 1 + 0.08 * Math.sin(k * 0.7 + i);
      const inBps = down ? 0 : p.peakIn * shape(t) * wobble;
      const outBps = down ? 0 : p.peakOut * shape(t + 3_600_000) * wobble;
      const c = octets[i];
      c.in += BigInt(Math.round((inBps / 8) * 300));
      c.out += BigInt(Math.round((outBps / 8) * 300));
      c.pin += BigInt(Math.round((inBps / 8 / 900) * 300));
      c.pout += BigInt(Math.round((outBps / 8 / 900) * 300));
      interfaces.push({
        ifIndex: p.ifIndex, name: p.name, descr: p.name, alias: p.alias, speedMbps: p.speed, operStatus: down ? 2 : 1, adminStatus: 1,
        ifType: 6, hc: true, inOctets: c.in, outOctets: c.out, inPkts: c.pin, outPkts: c.pout, pktsHc: true,
        inErrors: 0n, outErrors: 0n, inDiscards: 0n, outDiscards: 0n, discontinuityTime: 0,
      });
      if (t === first) return;
      rates.push({
        ifIndex: p.ifIndex, name: p.name, alias: p.alias, time: t, interval: 300, inBps, outBps,
        inPps: inBps / 8 / 900, outPps: outBps / 8 / 900,
        inErrors: p.ifIndex === 2 && k % 37 === 0 ? 0.5 : 0, outErrors: 0,
        inDiscards: p.ifIndex === 2 && k % 23 === 0 ? 1.5 : 0, outDiscards: 0,
        utilIn: inBps / (p.speed * 1e6), utilOut: outBps / (p.speed * 1e6),
        operUp: !down, speedMbps: p.speed, inOctets: c.in, outOctets: c.out,
      });
    });
    const sample: Sample = { switch: 'sw1', time: t, mono: t - first, sysUpTime: (t - first) / 10 + 1000, interfaces };
    store.writePoll({ switch: 'sw1', t, durationMs: 40, ok: true, ports: PORTS.length }, sample, { rates, gaps: [] });
  }
  // The member figures, as the collector computes them at its first start over this store.
  try { await rebuildFigures(store.db, { ixp: IXP, members: MEMBERS, memberSources: { ifAlias: true } }, { pause: async () => {} }); } finally { store.close(); }
  return last;
}
