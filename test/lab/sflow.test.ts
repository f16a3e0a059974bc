// sFlow end to end in the IXP lab: pmacctd's sfprobe samples the member ports of the lab switch on ingress
// at 1:1, 1:10 and 1:100 while three members send known IPv4 and IPv6 traffic. The captured datagrams are
// replayed to `ixmeter sflow --json` and to pmacct's own collector sfacctd: both must agree to the byte at
// every rate; at 1:1 the matrix must equal the kernel's counts of each port (plus the 4-byte FCS per frame);
// at 1:10 each member's total must be within 5 % of its port's SNMP octets.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort } from '../helpers/ports.ts';
import { REPO } from './cli.ts';
import type { KernelCounters } from './lab.ts';
import { createSflowLab, replay, sfacctdTotals, type Flow, type SflowLab } from './sflowlab.ts';

const run = promisify(execFile);
const RATES = [1, 10, 100];
/** Different sizes and families per pair, so a pair mixed up with another cannot pass. */
const FLOWS: Flow[] = [
  { from: 1, to: 2, family: 4, size: 1000, count: 3000 },
  { from: 1, to: 3, family: 6, size: 800, count: 2500 },
  { from: 2, to: 3, family: 4, size: 1200, count: 2000 },
  { from: 2, to: 1, family: 6, size: 500, count: 3000 },
  { from: 3, to: 1, family: 4, size: 300, count: 2000 },
  { from: 3, to: 2, family: 6, size: 1400, count: 2500 },
];
const frameBytes = (f: Flow) => f.size + 8 + (f.family === 4 ? 20 : 40) + 14;
const HC_IN_OCTETS = '1.3.6.1.2.1.31.1.1.1.6';

interface CliOut {
  datagrams: number; samples: number; dropped: number; unknownAgents: number; agents: string[];
  pairs: { srcMac: string; dstMac: string; etype: string; bytes: number; packets: number; samples: number }[];
  members: { src: string; dst: string; ipVersion: string; bytes: number; packets: number; samples: number }[];
}

let sl: SflowLab;
let before: Map<string, KernelCounters>, after: Map<string, KernelCounters>;
let snmpBefore: number[], snmpAfter: number[];
const cli = new Map<number, CliOut>();
/** Datagrams per rate of phase 1; -10: the 1:10 run of phase 2. */
const captured = new Map<number, Buffer[]>();
const sfacctd = new Map<number, Map<string, { bytes: number; packets: number }>>();

async function snmpInOctets(): Promise<number[]> {
  const { stdout } = await run('snmpget', ['-v2c', '-c', sl.lab.community, '-t', '2', '-r', '2', '-Oqv', sl.lab.host,
    ...sl.members.map((m) => `${HC_IN_OCTETS}.${m.ifIndex}`)], { env: { ...process.env, MIBS: '' } });
  return stdout.trim().split('\n').map(Number);
}

async function ixmeterOn(datagrams: Buffer[], cfg: string): Promise<CliOut> {
  const port = await freeUdpPort();
  const child = spawn(process.execPath, ['bin/ixmeter.mjs', 'sflow', '--listen', `127.0.0.1:${port}`, '--seconds', String(8 + datagrams.length / 4000), '--config', cfg, '--json'],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  // Replay once the CLI says it listens.
  const listening = new Promise<void>((resolve) => child.stderr.on('data', (d) => { stderr += d; if (stderr.includes('listening on')) resolve(); }));
  const done = new Promise<number | null>((resolve) => child.once('close', resolve));
  await Promise.race([listening, done]);
  await replay(datagrams, port);
  const code = await done;
  if (code !== 0) throw new Error(`ixmeter sflow exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as CliOut;
}

beforeAll(async () => {
  sl = await createSflowLab(3);
  try {
    const names = sl.members.map((m) => m.port);
    // Phase 1, exact: every rate at once, a volume pmacctd samples at 1:1 without losing a sample.
    before = await sl.lab.kernelCounters(names);
    await sl.startProbe(RATES);
    await sl.sendFlows(FLOWS, 1500);
    // sfprobe sends a part-filled datagram after a moment: wait for the last ones.
    await new Promise((r) => setTimeout(r, 4000));
    after = await sl.lab.kernelCounters(names);
    await sl.stopProbe();
    for (const r of RATES) captured.set(r, [...sl.datagrams(r)]);
    // Phase 2, statistical: 1:10 alone and 8 times the volume (~4,000 samples a member, a sampling error near
    // 1.6 %), against the SNMP octet counters of the same span.
    snmpBefore = await snmpInOctets();
    await sl.startProbe([10]);
    await sl.sendFlows(FLOWS.map((f) => ({ ...f, count: f.count * 8 })), 2000);
    await new Promise((r) => setTimeout(r, 4000));
    snmpAfter = await snmpInOctets();
    await sl.stopProbe();
    captured.set(-10, [...sl.datagrams(10)]);

    const cfg = path.join(sl.work, 'ixmeter.yaml');
    writeFileSync(cfg, [
      'switches:', `  - { name: lab, host: "${sl.lab.host}", snmp: { version: "2c", community: "${sl.lab.community}" } }`,
      'members:', ...sl.members.map((m) => `  - { asn: ${65000 + m.n}, name: "Member ${m.n}", category: isp, ports: [{ switch: lab, port: ${m.port} }] }`),
      'sflow:', `  agents: [${RATES.map((_, i) => `{ address: 192.0.2.${i + 1}, switch: lab }`).join(', ')}]`,
      `  macs: [${sl.members.map((m) => `{ mac: "${m.mac}", asn: ${65000 + m.n} }`).join(', ')}]`, '',
    ].join('\n'));
    for (const r of RATES) {
      // One after the other: a node start-up beside sfacctd's replay is what made sfacctd's socket overflow.
      const c = await ixmeterOn(captured.get(r)!, cfg);
      const s = await sfacctdTotals(sl.work, captured.get(r)!, `r${r}`);
      cli.set(r, c);
      sfacctd.set(r, s);
    }
    cli.set(-10, await ixmeterOn(captured.get(-10)!, cfg));
  } catch (e) {
    await sl.destroy();
    throw e;
  }
}, 300_000);

afterAll(async () => { await sl?.destroy(); });

const memberOf = (mac: string) => sl.members.find((m) => m.mac === mac);

describe('sFlow from pmacctd sfprobe on the lab switch', () => {
  it.each(RATES)('at 1:%i every datagram decodes and ixmeter equals sfacctd to the byte for every (src MAC, dst MAC, etype)', (rate) => {
    const c = cli.get(rate)!, s = sfacctd.get(rate)!;
    expect(captured.get(rate)!.length).toBeGreaterThan(0);
    expect(c.datagrams).toBe(captured.get(rate)!.length);
    expect(c.dropped).toBe(0);
    expect(c.unknownAgents).toBe(0);
    expect(c.agents).toEqual([`192.0.2.${RATES.indexOf(rate) + 1}`]);
    const ours = Object.fromEntries(c.pairs.map((p) => [`${p.srcMac}|${p.dstMac}|${p.etype}`, { bytes: p.bytes, packets: p.packets }]));
    expect(ours).toEqual(Object.fromEntries(s));
    // Every member pair with traffic is there, in both families where the flows say so.
    for (const f of FLOWS) expect(ours[`${sl.members[f.from - 1].mac}|${sl.members[f.to - 1].mac}|${f.family === 4 ? '800' : '86dd'}`]).toBeDefined();
  });

  // The probe's own duplicates: pcap may hand pmacctd a frame twice under load, and sfprobe then samples it twice
  // (seen once in a full-suite run: 2,501 samples of a flow of 2,500 frames, the same in sfacctd, the kernel counting
  // 2,500). The counts below allow that many whole frames of the flow's own size, at most one in a thousand, and
  // never fewer than sent: a decoding, scaling or attribution error still shows (bytes not whole frames of that flow,
  // or a flow short of what it sent).
  const dupsOf = (f: Flow, packets: number) => packets - f.count;
  const rowOf = (f: Flow) => cli.get(1)!.members.find((m) => m.src === `AS${65000 + f.from}` && m.dst === `AS${65000 + f.to}` && m.ipVersion === (f.family === 4 ? 'ipv4' : 'ipv6'));

  it('at 1:1 each port\'s matrix row equals the kernel\'s received bytes plus 4 bytes FCS per frame, and its packets', () => {
    const c = cli.get(1)!;
    for (const m of sl.members) {
      const rxBytes = after.get(m.port)!.rxBytes - before.get(m.port)!.rxBytes;
      const rxPackets = after.get(m.port)!.rxPackets - before.get(m.port)!.rxPackets;
      const mine = c.pairs.filter((p) => p.srcMac === m.mac);
      const flows = FLOWS.filter((f) => f.from === m.n);
      const dupPackets = flows.reduce((a, f) => a + dupsOf(f, rowOf(f)?.packets ?? 0), 0);
      const dupBytes = flows.reduce((a, f) => a + dupsOf(f, rowOf(f)?.packets ?? 0) * (frameBytes(f) + 4), 0);
      expect({ port: m.port, bytes: mine.reduce((a, p) => a + p.bytes, 0), packets: mine.reduce((a, p) => a + p.packets, 0) })
        .toEqual({ port: m.port, bytes: rxBytes + 4 * rxPackets + dupBytes, packets: rxPackets + dupPackets });
    }
  });

  it('at 1:1 the member matrix holds exactly the sent flows, IPv4 and IPv6 apart', () => {
    const c = cli.get(1)!;
    for (const f of FLOWS) {
      const row = rowOf(f);
      expect(row, JSON.stringify(f)).toBeDefined();
      const dups = dupsOf(f, row!.packets);
      expect(dups, `${JSON.stringify(f)}: ${row!.packets} packets`).toBeGreaterThanOrEqual(0);
      expect(dups, `${JSON.stringify(f)}: ${row!.packets} packets`).toBeLessThanOrEqual(Math.max(1, f.count / 1000));
      expect(row!.bytes, JSON.stringify(f)).toBe(row!.packets * (frameBytes(f) + 4));
    }
    // Nothing between members that the flows did not send (the lab is quiet: static neighbours, no DAD, no RS).
    const member = c.members.filter((m) => m.src !== 'unknown' && m.dst !== 'unknown');
    expect(member).toHaveLength(FLOWS.length);
  });

  it('at 1:10 each member\'s sFlow total is within 5 % of the SNMP ifHCInOctets of its port', () => {
    const c = cli.get(-10)!;
    for (const [i, m] of sl.members.entries()) {
      const snmp = snmpAfter[i] - snmpBefore[i];
      const sflow = c.pairs.filter((p) => memberOf(p.srcMac) === m).reduce((a, p) => a + p.bytes, 0);
      expect(snmp).toBeGreaterThan(1_000_000);
      expect(Math.abs(sflow - snmp) / snmp, `${m.port}: sFlow ${sflow}, SNMP ${snmp}`).toBeLessThan(0.05);
    }
  });

  it('scales by the sample_pool delta: at 1:100 the scaled packets of all ports add up to the pool the agent reports', () => {
    const c = cli.get(100)!;
    const total = c.pairs.reduce((a, p) => a + p.packets, 0);
    const sent = FLOWS.reduce((a, f) => a + f.count, 0);
    // Telescoping: sum of pool deltas = last pool - first pool + first sampling rate; within one sampling interval per end.
    expect(Math.abs(total - sent)).toBeLessThanOrEqual(200);
    expect(sent).toBe(15_000);
  });
});
