// `ixmeter sflow --json` over a real UDP socket on loopback: datagrams built by the test encoder (good,
// garbage, from an unknown agent) and the printed contract, with and without a config mapping MACs.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { freeUdpPort } from '../../helpers/ports.ts';
import { REPO } from '../../lab/cli.ts';
import { encodeDatagram, type FlowSpec } from '../../unit/sflow/encode.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-sflow-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const A = '02:00:5e:00:00:01', B = '02:00:5e:00:00:02';

/** Runs the CLI; once it says it listens, `send(port)` runs. Resolves with exit code, stdout, stderr. */
function runSflow(args: string[], send: (port: number) => Promise<void>, port: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/ixmeter.mjs', 'sflow', '--listen', `127.0.0.1:${port}`, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    createInterface({ input: child.stderr }).on('line', (l) => {
      stderr += l + '\n';
      if (l.includes('listening on')) send(port).catch(reject);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function sendAll(port: number, bufs: Buffer[]): Promise<void> {
  const s = createSocket('udp4');
  for (const b of bufs) await new Promise<void>((r, j) => s.send(b, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  s.close();
}

const flow = (sequence: number, pool: number, over: Partial<FlowSpec> = {}): FlowSpec => ({
  sequence, sourceIndex: 5, rate: 10, pool, input: 5, frameLength: 1000, frame: { dst: B, src: A, etype: 0x0800 }, ...over,
});

describe('ixmeter sflow --json', () => {
  it('prints renormalised totals per MAC pair and EtherType, and counts garbage as dropped', async () => {
    const port = await freeUdpPort();
    const res = await runSflow(['--seconds', '2', '--json'], (p) => sendAll(p, [
      encodeDatagram({ agent: '192.0.2.1', sequence: 1, samples: [{ kind: 'flow', flow: flow(1, 10) }, { kind: 'flow', flow: flow(2, 30, { frame: { dst: B, src: A, etype: 0x86dd }, frameLength: 500 }) }] }),
      encodeDatagram({ agent: '192.0.2.1', sequence: 2, samples: [{ kind: 'raw', tag: 2, length: 16 }, { kind: 'flow', flow: flow(3, 35) }] }),
      Buffer.from('not sflow at all'),
    ]), port);
    expect(res.code, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j).toEqual({
      datagrams: 3, samples: 3, dropped: 1, unknownAgents: 0, agents: ['192.0.2.1'],
      pairs: [
        { srcMac: A, dstMac: B, etype: '800', bytes: 10 * 1000 + 5 * 1000, packets: 15, samples: 2 },
        { srcMac: A, dstMac: B, etype: '86dd', bytes: 20 * 500, packets: 20, samples: 1 },
      ],
    });
    expect(res.stderr).toMatch(/dropped a datagram from 127\.0\.0\.1: datagram: version \d+ is not sFlow v5/);
  });

  it('with a config: members by MAC, agents not listed counted and logged once', async () => {
    const cfgFile = path.join(tmp, 'sflow.yaml');
    writeFileSync(cfgFile, [
      'switches:', '  - { name: sw1, host: 192.0.2.1, snmp: { version: "2c", community: c } }',
      'members:', '  - { asn: 65001, name: One, category: isp, ports: [] }', '  - { asn: 65002, name: Two, category: content, ports: [] }',
      'sflow:', '  agents: [{ address: 192.0.2.1, switch: sw1 }]',
      `  macs: [{ mac: "${A.toUpperCase()}", asn: 65001 }, { mac: "0200.5e00.0002", asn: 65002 }]`, '',
    ].join('\n'));
    const port = await freeUdpPort();
    const stranger = encodeDatagram({ agent: '198.51.100.9', samples: [{ kind: 'flow', flow: flow(1, 10) }] });
    const res = await runSflow(['--seconds', '2', '--json', '--config', cfgFile], (p) => sendAll(p, [
      encodeDatagram({ agent: '192.0.2.1', samples: [
        { kind: 'flow', flow: flow(1, 10) },
        { kind: 'flow', flow: flow(2, 12, { frame: { dst: A, src: B, etype: 0x86dd }, frameLength: 100 }) },
        { kind: 'flow', flow: flow(3, 13, { frame: { dst: A, src: '02:00:5e:00:00:99', etype: 0x0800 }, frameLength: 64 }) },
      ] }),
      stranger, stranger,
    ]), port);
    expect(res.code, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j.unknownAgents).toBe(2);
    expect(j.agents).toEqual(['192.0.2.1']);
    expect(j.members).toEqual([
      { src: 'AS65001', dst: 'AS65002', ipVersion: 'ipv4', bytes: 10_000, packets: 10, samples: 1 },
      { src: 'AS65002', dst: 'AS65001', ipVersion: 'ipv6', bytes: 200, packets: 2, samples: 1 },
      { src: 'unknown', dst: 'AS65001', ipVersion: 'ipv4', bytes: 64, packets: 1, samples: 1 },
    ]);
    expect(res.stderr.match(/agent 198\.51\.100\.9 .* is not in sflow\.agents/g)).toHaveLength(1);
  });

  it('refuses a config whose sflow section names unknown switches and members, listing each', async () => {
    const cfgFile = path.join(tmp, 'bad.yaml');
    writeFileSync(cfgFile, [
      'switches:', '  - { name: sw1, host: 192.0.2.1, snmp: { version: "2c", community: c } }',
      'members:', '  - { asn: 65001, name: One, category: isp, ports: [] }',
      'sflow:', '  agents: [{ address: 192.0.2.1, switch: nosuch }]', '  macs: [{ mac: "02:00:5e:00:00:01", asn: 65099 }]', '',
    ].join('\n'));
    const res = await runSflow(['--seconds', '1', '--config', cfgFile], async () => undefined, await freeUdpPort());
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/\/sflow\/agents\/0\/switch: no switch named "nosuch"/);
    expect(res.stderr).toMatch(/\/sflow\/macs\/0\/asn: no member AS65099/);
    expect(res.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('says which address it cannot listen on, without a stack trace', async () => {
    const port = await freeUdpPort();
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(port, '127.0.0.1', () => r()));
    try {
      const res = await runSflow(['--seconds', '1'], async () => undefined, port);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      expect(res.stderr).not.toMatch(/at .*:\d+:\d+/);
    } finally { holder.close(); }
  });
});
