// A real SNMP agent (net-snmp's) on loopback that serves the demo switch: system group, ifTable
// and ifXTable, with counters read from the demo model at the moment of each request.
// It is the demo's stand-in for a peering switch; nothing else in ixmeter talks to it specially.
import { createRequire } from 'node:module';
import { DEMO_PORTS, demoSample, type DemoClock } from './model.ts';

// net-snmp ships no types. The collector's SNMP client (collector/snmp/client.ts) is the only
// importer on the polling side; this file uses net-snmp's *agent*, which only the demo needs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped CommonJS module
const snmp: any = createRequire(import.meta.url)('net-snmp');
const O = snmp.ObjectType;
const RO = snmp.MaxAccess['read-only'];

function c64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v & 0xffff_ffff_ffff_ffffn);
  return b;
}

export interface DemoAgent { port: number; close(): Promise<void> }

/** Start the agent on 127.0.0.1:port (community `community`, SNMPv2c). */
export async function startDemoAgent(opts: { port: number; community: string; clock: DemoClock; now?: () => number }): Promise<DemoAgent> {
  const now = opts.now ?? Date.now;
  const agent = snmp.createAgent({ port: opts.port, address: '127.0.0.1', disableAuthorization: false }, (err: Error | null) => {
    if (err) process.stderr.write(`demo agent: ${err.message}\n`);
  });
  agent.getAuthorizer().addCommunity(opts.community);
  const mib = agent.getMib();
  let refreshedAt = -Infinity;
  const refresh = () => {
    const t = now();
    if (t - refreshedAt < 50) return;
    refreshedAt = t;
    const s = demoSample(opts.clock, t);
    mib.setScalarValue('sysUpTime', s.sysUpTime);
    for (const i of s.interfaces) {
      const ix = i.ifIndex;
      mib.setTableSingleCell('ifEntry', 8, [ix], i.operStatus);
      mib.setTableSingleCell('ifEntry', 10, [ix], Number(i.inOctets! % 2n ** 32n));
      mib.setTableSingleCell('ifEntry', 16, [ix], Number(i.outOctets! % 2n ** 32n));
      mib.setTableSingleCell('ifEntry', 13, [ix], Number(i.inDiscards!));
      mib.setTableSingleCell('ifEntry', 14, [ix], Number(i.inErrors!));
      mib.setTableSingleCell('ifEntry', 19, [ix], Number(i.outDiscards!));
      mib.setTableSingleCell('ifEntry', 20, [ix], Number(i.outErrors!));
      mib.setTableSingleCell('ifXEntry', 6, [ix], c64(i.inOctets!));
      mib.setTableSingleCell('ifXEntry', 7, [ix], c64(i.inPkts!));
      mib.setTableSingleCell('ifXEntry', 10, [ix], c64(i.outOctets!));
      mib.setTableSingleCell('ifXEntry', 11, [ix], c64(i.outPkts!));
    }
  };
  const handler = (req: { done: () => void }) => { refresh(); req.done(); };
  const scalar = (name: string, oid: string, type: number, h?: typeof handler) =>
    mib.registerProvider({ name, type: snmp.MibProviderType.Scalar, oid, scalarType: type, maxAccess: RO, handler: h });
  scalar('sysDescr', '1.3.6.1.2.1.1.1', O.OctetString);
  scalar('sysUpTime', '1.3.6.1.2.1.1.3', O.TimeTicks, handler);
  scalar('sysName', '1.3.6.1.2.1.1.5', O.OctetString);
  const col = (number: number, name: string, type: number) => ({ number, name, type, maxAccess: RO });
  mib.registerProvider({
    name: 'ifEntry', type: snmp.MibProviderType.Table, oid: '1.3.6.1.2.1.2.2.1', maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      col(1, 'ifIndex', O.Integer), col(2, 'ifDescr', O.OctetString), col(3, 'ifType', O.Integer), col(5, 'ifSpeed', O.Gauge32),
      col(7, 'ifAdminStatus', O.Integer), col(8, 'ifOperStatus', O.Integer), col(10, 'ifInOctets', O.Counter32),
      col(13, 'ifInDiscards', O.Counter32), col(14, 'ifInErrors', O.Counter32), col(16, 'ifOutOctets', O.Counter32),
      col(19, 'ifOutDiscards', O.Counter32), col(20, 'ifOutErrors', O.Counter32),
    ],
    tableIndex: [{ columnName: 'ifIndex' }],
    handler,
  });
  mib.registerProvider({
    name: 'ifXEntry', type: snmp.MibProviderType.Table, oid: '1.3.6.1.2.1.31.1.1.1', maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      col(1, 'ifName', O.OctetString), col(6, 'ifHCInOctets', O.Counter64), col(7, 'ifHCInUcastPkts', O.Counter64),
      col(10, 'ifHCOutOctets', O.Counter64), col(11, 'ifHCOutUcastPkts', O.Counter64), col(15, 'ifHighSpeed', O.Gauge32),
      col(18, 'ifAlias', O.OctetString), col(19, 'ifCounterDiscontinuityTime', O.TimeTicks),
    ],
    tableAugments: 'ifEntry',
    handler,
  });
  const s = demoSample(opts.clock, now());
  mib.setScalarValue('sysDescr', s.sysDescr);
  mib.setScalarValue('sysName', s.sysName);
  mib.setScalarValue('sysUpTime', s.sysUpTime);
  for (const p of DEMO_PORTS) {
    const i = s.interfaces.find((x) => x.ifIndex === p.ifIndex)!;
    mib.addTableRow('ifEntry', [p.ifIndex, p.name, 6, Math.min(p.speedMbps * 1e6, 2 ** 32 - 1), 1, i.operStatus, 0, 0, 0, 0, 0, 0]);
    mib.addTableRow('ifXEntry', [p.ifIndex, p.name, c64(0n), c64(0n), c64(0n), c64(0n), p.speedMbps, p.alias, 0]);
  }
  refreshedAt = -Infinity;
  refresh();
  return {
    port: opts.port,
    close: () => new Promise<void>((resolve) => { agent.close(); resolve(); }),
  };
}
