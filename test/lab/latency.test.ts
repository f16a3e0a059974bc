// `ixmeter latency` in the IXP lab: real fping in a collector namespace on the peering LAN, member routers
// over the bridge (IPv4 and IPv6), a slow "international" host (userspace responder, 150 ms), loss from
// nftables, a silent router, bad addresses and a run without a raw socket.
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLatencyLab, type LatencyLab } from './latencyLab.ts';
import type { LatencyJson } from '../../cli/commands/latency.ts';

let ll: LatencyLab;
let noCap: string;

beforeAll(async () => {
  ll = await createLatencyLab({ members: 3, delayMs: 150 });
  // A copy of fping without Debian's file capability, for a run that has no raw socket.
  noCap = mkdtempSync(path.join(tmpdir(), 'ixmeter-fping-nocap-'));
  chmodSync(noCap, 0o755);
  copyFileSync('/usr/bin/fping', path.join(noCap, 'fping'));
  chmodSync(path.join(noCap, 'fping'), 0o755);
});
afterAll(async () => {
  await ll?.destroy();
  if (noCap) rmSync(noCap, { recursive: true, force: true });
});

function parse(stdout: string): LatencyJson {
  const j = JSON.parse(stdout) as LatencyJson;
  expect(Object.keys(j)).toEqual(['targets']);
  return j;
}

const byTarget = (j: LatencyJson, t: string) => {
  const r = j.targets.find((x) => x.target === t);
  if (!r) throw new Error(`no result for ${t} in ${JSON.stringify(j)}`);
  return r;
};

function expectWellFormed(r: LatencyJson['targets'][number]) {
  expect(Object.keys(r)).toEqual(['target', 'sent', 'received', 'loss', 'medianMs', 'minMs', 'maxMs', 'rttsMs']);
  expect(r.rttsMs.length).toBe(r.received);
  expect([...r.rttsMs].sort((a, b) => a - b)).toEqual(r.rttsMs);
  expect(r.loss).toBeCloseTo((r.sent - r.received) / r.sent, 10);
  if (r.received) {
    expect(r.minMs).toBe(r.rttsMs[0]);
    expect(r.maxMs).toBe(r.rttsMs[r.rttsMs.length - 1]);
    expect(r.medianMs!).toBeGreaterThanOrEqual(r.minMs!);
    expect(r.medianMs!).toBeLessThanOrEqual(r.maxMs!);
  }
}

describe('one round to every router and the slow host, IPv4 and IPv6', () => {
  it('routers answer in well under 10 ms, the international host at 150 ms ± 10 %', async () => {
    const targets = [...ll.routers.flatMap((h) => [h.v4, h.v6]), ll.remote.v4, ll.remote.v6];
    const res = await ll.ixmeter(['latency', ...targets.flatMap((t) => ['--target', t]), '--pings', '20', '--period-ms', '100', '--timeout-ms', '1000', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const j = parse(res.stdout);
    expect(j.targets.map((t) => t.target)).toEqual(targets);
    for (const r of j.targets) {
      expectWellFormed(r);
      expect(r.sent, r.target).toBe(20);
    }
    for (const h of ll.routers) for (const t of [h.v4, h.v6]) {
      const r = byTarget(j, t);
      expect(r.received, t).toBe(20);
      expect(r.loss).toBe(0);
      expect(r.medianMs!, t).toBeLessThan(10);
    }
    for (const t of [ll.remote.v4, ll.remote.v6]) {
      const r = byTarget(j, t);
      expect(r.received, t).toBe(20);
      expect(r.medianMs!, t).toBeGreaterThan(135);
      expect(r.medianMs!, t).toBeLessThan(165);
      expect(r.minMs!, t).toBeGreaterThanOrEqual(149);
    }
  });

  it('a timeout below the slowest RTT reads that target as lost, which is why the timeout is explicit', async () => {
    const res = await ll.ixmeter(['latency', '--target', ll.routers[0].v4, '--target', ll.remote.v4, '--pings', '5', '--period-ms', '100', '--timeout-ms', '100', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const j = parse(res.stdout);
    expect(byTarget(j, ll.routers[0].v4).received).toBe(5);
    expect(byTarget(j, ll.remote.v4)).toMatchObject({ received: 0, loss: 1, medianMs: null, rttsMs: [] });
  });

  it('IPv6 addresses are printed in their canonical form', async () => {
    const res = await ll.ixmeter(['latency', '--target', 'FD99:0:0:0:0:0:0:1', '--pings', '3', '--period-ms', '50', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(parse(res.stdout).targets.map((t) => [t.target, t.received])).toEqual([['fd99::1', 3]]);
  });
});

describe('loss', () => {
  it('30 % of echo requests dropped by nftables at one router: loss 30 % ± 10 points over 200 pings, exactly the drops', async () => {
    const r1 = ll.routers[0];
    await ll.dropEchoRequests(r1.ns, 30);
    try {
      const res = await ll.ixmeter(['latency', '--target', r1.v4, '--target', ll.routers[1].v4, '--pings', '200', '--period-ms', '10', '--timeout-ms', '500', '--json']);
      expect(res.code, res.stderr).toBe(0);
      const j = parse(res.stdout);
      const lossy = byTarget(j, r1.v4);
      expectWellFormed(lossy);
      expect(lossy.sent).toBe(200);
      expect(lossy.loss).toBeGreaterThan(0.2);
      expect(lossy.loss).toBeLessThan(0.4);
      expect(200 - lossy.received, 'lost pings = echo requests nftables dropped').toBe(await ll.dropped(r1.ns));
      expect(byTarget(j, ll.routers[1].v4).received).toBe(200);
    } finally {
      await ll.clear(r1.ns);
    }
  });

  it('a router that never answers: 100 % loss and no median; alone it is exit 1 with a message', async () => {
    const r2 = ll.routers[1];
    await ll.blackhole(r2.ns, true);
    try {
      const res = await ll.ixmeter(['latency', '--target', r2.v4, '--target', r2.v6, '--target', ll.routers[2].v6, '--pings', '5', '--period-ms', '50', '--timeout-ms', '300', '--json']);
      expect(res.code, res.stderr).toBe(0);
      const j = parse(res.stdout);
      for (const t of [r2.v4, r2.v6]) expect(byTarget(j, t)).toEqual({ target: t, sent: 5, received: 0, loss: 1, medianMs: null, minMs: null, maxMs: null, rttsMs: [] });
      expect(byTarget(j, ll.routers[2].v6).received).toBe(5);

      const alone = await ll.ixmeter(['latency', '--target', r2.v4, '--pings', '3', '--period-ms', '50', '--timeout-ms', '300', '--json']);
      expect(alone.code).toBe(1);
      expect(byTarget(parse(alone.stdout), r2.v4).received).toBe(0);
      expect(alone.stderr).toContain(`no target answered (${r2.v4})`);
    } finally {
      await ll.blackhole(r2.ns, false);
    }
  });
});

describe('clear errors', () => {
  it('a name or an unparsable address is bad usage (exit 2) naming the value, nothing probed', async () => {
    for (const bad of ['10.0.0.256', 'router1.example', '2001:db8::g']) {
      const res = await ll.ixmeter(['latency', '--target', ll.routers[0].v4, '--target', bad, '--json']);
      expect(res.code, bad).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain(`--target: ${JSON.stringify(bad)} is not an IPv4 or IPv6 address`);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('an address fping itself cannot use (fping exit 2: an unknown IPv6 zone) is exit 2 too', async () => {
    const res = await ll.ixmeter(['latency', '--target', 'fe80::1%nosuch0', '--pings', '2', '--json']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('fe80::1%nosuch0');
    expect(res.stderr).toContain('(exit 2)');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('a run of an fping without CAP_NET_RAW (fping exit 4) names the fix, never a 100 % loss', async () => {
    const res = await ll.ixmeter(['latency', '--target', ll.routers[0].v4, '--pings', '2', '--json', '--fping', path.join(noCap, 'fping')], { withoutNetRaw: true });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('raw ICMP socket (exit 4)');
    expect(res.stderr).toContain('CAP_NET_RAW');
    expect(res.stderr).toContain('AmbientCapabilities=CAP_NET_RAW');
  });

  it('a missing fping says how to install it', async () => {
    const res = await ll.ixmeter(['latency', '--target', ll.routers[0].v4, '--json', '--fping', path.join(noCap, 'no-such-fping')]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('not found: install Debian\'s fping (`apt-get install fping`)');
  });
});
