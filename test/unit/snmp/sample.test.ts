// pollSwitch on FakeSnmp: interfaces from whatever columns answered, HC preferred with 32-bit
// fallback per interface, duplicate names, include/exclude, errors naming the switch and step.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { FakeSnmp } from '../../fakes/FakeSnmp.ts';
import { pollSwitch, SnmpError, type SnmpValue } from '../../../collector/snmp/index.ts';
import { IF, IFX, SYS, IF_FALLBACK_COLUMNS } from '../../../collector/snmp/oids.ts';
import { SNMPREC_DIR } from '../../helpers/snmpsim.ts';

const clock = { now: () => 1_700_000_000_000, mono: () => 42 };
const sw = { name: 'sw1', maxRepetitions: 25 };

function agent(ifs: Record<number, Partial<Record<string, SnmpValue>>>, sys: Record<string, SnmpValue> = { [SYS.sysUpTime]: 1000 }) {
  const m: Record<string, SnmpValue> = { ...sys };
  for (const [i, cols] of Object.entries(ifs)) for (const [col, v] of Object.entries(cols)) if (v !== undefined) m[`${col}.${i}`] = v;
  return m;
}

describe('pollSwitch', () => {
  it('reads HC counters, names, alias, speed and status', async () => {
    const big = (1n << 60n) + 7n;
    const fake = new FakeSnmp(agent({
      1: { [IFX.ifName]: 'et1', [IF.ifDescr]: 'Ethernet1', [IFX.ifAlias]: Buffer.from('AS65001 Raajje\\x'), [IFX.ifHighSpeed]: 10000,
        [IFX.ifHCInOctets]: big, [IFX.ifHCOutOctets]: 5n, [IFX.ifHCInUcastPkts]: 10n, [IFX.ifHCInMulticastPkts]: 2n, [IFX.ifHCInBroadcastPkts]: 1n,
        [IFX.ifHCOutUcastPkts]: 4n, [IF.ifOperStatus]: 1, [IF.ifAdminStatus]: 1, [IF.ifType]: 6, [IF.ifInErrors]: 3, [IF.ifOutDiscards]: 9,
        [IFX.ifCounterDiscontinuityTime]: 77 },
    }, { [SYS.sysUpTime]: 123456, [SYS.sysName]: Buffer.from('sw-a'), [SYS.sysDescr]: 'desc' }));
    const s = await pollSwitch(fake, sw, clock);
    expect(s).toMatchObject({ switch: 'sw1', time: clock.now(), mono: 42, sysUpTime: 123456, sysName: 'sw-a', sysDescr: 'desc' });
    expect(s.interfaces).toHaveLength(1);
    expect(s.interfaces[0]).toEqual({
      ifIndex: 1, name: 'et1', descr: 'Ethernet1', alias: 'AS65001 Raajje\\x', speedMbps: 10000, operStatus: 1, adminStatus: 1, ifType: 6,
      hc: true, inOctets: big, outOctets: 5n, inPkts: 13n, outPkts: 4n, pktsHc: true,
      inErrors: 3n, outErrors: null, inDiscards: null, outDiscards: 9n, discontinuityTime: 77,
    });
    // All HC present: the 32-bit columns were not asked for.
    const asked = fake.calls.flatMap((c) => c.oids);
    expect(asked).not.toContain(IF.ifInOctets);
  });

  it('takes a packet counter of 0 beside moving octets as unknown (agent just restarted), not as a count', async () => {
    // net-snmp 5.9 answers 0 unicast packets on its first interface load after a restart while its
    // octet counters are right; counting from 0 would make a packet-rate spike in the next interval.
    const fake = new FakeSnmp(agent({
      1: { [IFX.ifName]: 'et1', [IFX.ifHCInOctets]: 5_000_000n, [IFX.ifHCOutOctets]: 0n, [IFX.ifHCInUcastPkts]: 0n, [IFX.ifHCOutUcastPkts]: 0n },
      2: { [IFX.ifName]: 'et2', [IFX.ifHCInOctets]: 9000n, [IFX.ifHCOutOctets]: 700n, [IFX.ifHCInUcastPkts]: 12n, [IFX.ifHCOutUcastPkts]: 0n },
    }));
    const s = await pollSwitch(fake, sw, clock);
    const [a, b] = s.interfaces;
    expect(a.inPkts).toBeNull();     // bytes in, 0 packets in: not a count
    expect(a.outPkts).toBe(0n);      // no bytes, no packets: a real 0
    expect(b.inPkts).toBe(12n);
    expect(b.outPkts).toBeNull();
  });

  it('finds interfaces from any column (no ifIndex, no ifName) and falls back to ifDescr', async () => {
    const fake = new FakeSnmp(agent({ 5: { [IF.ifDescr]: 'ge5', [IF.ifOperStatus]: 2 }, 7: { [IF.ifInErrors]: 1 } }));
    const s = await pollSwitch(fake, sw, clock);
    expect(s.interfaces.map((i) => [i.ifIndex, i.name])).toEqual([[5, 'ge5'], [7, 'ifIndex 7']]);
    expect(s.interfaces[0].inOctets).toBeNull();
  });

  it('without ifXTable uses 32-bit counters and ifSpeed, walking ifTable for many interfaces', async () => {
    const ifs: Record<number, Record<string, SnmpValue>> = {};
    for (let i = 1; i <= 12; i++) ifs[i] = { [IF.ifDescr]: `port${i}`, [IF.ifSpeed]: 100_000_000, [IF.ifInOctets]: 4266608880, [IF.ifOutOctets]: i, [IF.ifInUcastPkts]: 5, [IF.ifInNUcastPkts]: 6 };
    const fake = new FakeSnmp(agent(ifs));
    const s = await pollSwitch(fake, sw, clock);
    expect(s.interfaces).toHaveLength(12);
    expect(s.interfaces[0]).toMatchObject({ name: 'port1', hc: false, inOctets: 4266608880n, outOctets: 1n, speedMbps: 100, inPkts: 11n, pktsHc: false, outPkts: null });
    expect(fake.calls.filter((c) => c.op === 'bulk' && c.oids.includes(IF.ifInOctets))).toHaveLength(1);
    // The next poll asks for the 32-bit columns in the first walk: no extra walk.
    fake.calls.length = 0;
    await pollSwitch(fake, sw, clock);
    expect(fake.calls.filter((c) => c.op === 'bulk')).toHaveLength(2);
    expect(fake.calls.some((c) => c.oids.includes(IF.ifInOctets) && c.oids.includes(IF.ifDescr))).toBe(true);
  });

  it('mixes HC and 32-bit per interface, GETting the few that lack HC', async () => {
    const fake = new FakeSnmp(agent({
      1: { [IFX.ifName]: 'Gi0/0', [IF.ifInOctets]: 6184406, [IF.ifOutOctets]: 11967584, [IF.ifSpeed]: 1_000_000_000 },
      2: { [IFX.ifName]: 'Hu1/0/1', [IFX.ifHCInOctets]: 10n, [IFX.ifHCOutOctets]: 20n, [IFX.ifHighSpeed]: 100000 },
      3: { [IFX.ifName]: 'Vlan1' },
    }));
    const s = await pollSwitch(fake, sw, clock);
    expect(s.interfaces.map((i) => [i.name, i.hc, i.inOctets, i.outOctets, i.speedMbps])).toEqual([
      ['Gi0/0', false, 6184406n, 11967584n, 1000], ['Hu1/0/1', true, 10n, 20n, 100000], ['Vlan1', false, null, null, null],
    ]);
    const gets = fake.calls.filter((c) => c.op === 'get' && c.oids[0].startsWith(IF.ifSpeed));
    expect(gets).toHaveLength(1);
    expect(gets[0].oids).toHaveLength(2 * IF_FALLBACK_COLUMNS.length);
  });

  it('makes duplicate names unique, the lowest ifIndex keeping the plain name', async () => {
    const fake = new FakeSnmp(agent({
      201334784: { [IFX.ifName]: 'Ethernet 0/1' }, 201335104: { [IFX.ifName]: 'Ethernet 0/1' }, 3: { [IFX.ifName]: 'Ethernet 0/2' },
    }));
    const s = await pollSwitch(fake, sw, clock);
    expect(s.interfaces.map((i) => i.name)).toEqual(['Ethernet 0/2', 'Ethernet 0/1', 'Ethernet 0/1 (201335104)']);
  });

  it('applies include and exclude patterns to names', async () => {
    const fake = new FakeSnmp(agent({ 1: { [IFX.ifName]: 'et1' }, 2: { [IFX.ifName]: 'et2' }, 3: { [IFX.ifName]: 'lo0' }, 4: { [IFX.ifName]: 'et40' } }));
    const s = await pollSwitch(fake, { ...sw, include: ['^et'], exclude: ['^et4'] }, clock);
    expect(s.interfaces.map((i) => i.name)).toEqual(['et1', 'et2']);
    await expect(pollSwitch(fake, { ...sw, include: ['('] }, clock)).rejects.toThrow(/switch sw1: include pattern "\(" is not a valid/);
  });

  it('keeps the other columns when one fails', async () => {
    const fake = new FakeSnmp(agent({ 1: { [IFX.ifName]: 'et1', [IFX.ifHCInOctets]: 1n, [IFX.ifHCOutOctets]: 2n, [IFX.ifHighSpeed]: 10, [IFX.ifAlias]: 'x' } }), { failColumns: [IFX.ifAlias] });
    const s = await pollSwitch(fake, sw, clock);
    expect(s.interfaces[0]).toMatchObject({ name: 'et1', alias: '', inOctets: 1n, outOctets: 2n });
  });

  it('names the switch, address and step in errors', async () => {
    const fake = new FakeSnmp({}, { fail: new SnmpError('no answer (wrong community or unreachable)', 'timeout'), target: '127.0.0.1:16161' });
    const err = (await pollSwitch(fake, sw, clock).then(() => undefined, (e: unknown) => e)) as SnmpError;
    expect(err).toBeInstanceOf(SnmpError);
    expect(err.message).toMatch(/^switch sw1 \(127\.0\.0\.1:16161\): (get system|walk ifXTable|walk ifTable): no answer \(wrong community or unreachable\)$/);
    expect(err.kind).toBe('timeout');
    const noUptime = new FakeSnmp(agent({ 1: { [IFX.ifName]: 'et1' } }, {}));
    await expect(pollSwitch(noUptime, sw, clock)).rejects.toThrow(/switch sw1 \(.*\): get system: agent has no sysUpTime/);
  });

  it('reads a real recording (slxos: duplicate names, no ifCounterDiscontinuityTime)', async () => {
    const fake = FakeSnmp.fromSnmprec(readFileSync(`${SNMPREC_DIR}/slxos_slx9150.snmprec`, 'utf8'));
    const s = await pollSwitch(fake, sw, clock);
    expect(s.interfaces).toHaveLength(115);
    const names = s.interfaces.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    const e01 = s.interfaces.filter((i) => i.name.startsWith('Ethernet 0/1'));
    expect(e01.slice(0, 2).map((i) => [i.ifIndex, i.name])).toEqual([[201334784, 'Ethernet 0/1'], [201335104, 'Ethernet 0/1 (201335104)']]);
    expect(s.interfaces.every((i) => i.discontinuityTime === null && i.hc)).toBe(true);
  });
});
