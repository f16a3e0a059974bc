// The IXP lab through `ixmeter discover` (and `poll` for credentials): the real snmpd in the switch
// namespace, v2c and v3 authPriv. Names, aliases and counters must be the lab's; wrong credentials fail clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from './lab.ts';
import { ixmeter, v2c, v3 } from './cli.ts';

interface DiscoverIf { ifIndex: number; name: string; descr: string; alias: string; speedMbps: number | null; operStatus: number | null; adminStatus: number | null; hc: boolean; inOctets: string | null; outOctets: string | null }
interface Discover { sysName: string; sysDescr: string; sysUpTime: number; interfaces: DiscoverIf[] }

let lab: Lab;
beforeAll(async () => { lab = await createLab({ members: 4 }); });
afterAll(async () => { await lab?.destroy(); });

describe('discover against the lab switch', () => {
  for (const version of ['v2c', 'v3'] as const) {
    it(`shows the lab's names, aliases and kernel counters over ${version}`, async () => {
      const portNames = lab.ports.map((p) => p.name);
      const before = await lab.kernelCounters(portNames);
      const res = await ixmeter(['discover', ...(version === 'v2c' ? v2c(lab) : v3(lab)), '--json']);
      const after = await lab.kernelCounters(portNames);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const d = JSON.parse(res.stdout) as Discover;
      expect(d.sysName).toBe(lab.sysName);
      expect(d.sysDescr).toContain(lab.id);
      expect(d.sysUpTime).toBeGreaterThan(0);
      // Every interface of the switch namespace, by the kernel's own ifindex and name.
      expect(new Map(d.interfaces.map((i) => [i.name, i.ifIndex]))).toEqual(lab.interfaces);
      for (const p of lab.ports) {
        const i = d.interfaces.find((x) => x.ifIndex === p.ifIndex)!;
        expect(i, p.name).toMatchObject({ name: p.name, descr: p.name, alias: p.alias, hc: true, speedMbps: 10_000, operStatus: 1, adminStatus: 1 });
        // Idle ports: the counters did not move during the walk, so they must equal the kernel's exactly.
        const b = before.get(p.name)!, a = after.get(p.name)!;
        if (a.rxBytes === b.rxBytes && a.txBytes === b.txBytes) {
          expect([i.inOctets, i.outOctets], p.name).toEqual([String(a.rxBytes), String(a.txBytes)]);
        }
      }
      // Interfaces without an alias report an empty one, not another port's.
      expect(d.interfaces.find((i) => i.name === 'mgmt0')!.alias).toBe('');
    });
  }

  it('prints a readable table with the aliases without --json', async () => {
    const res = await ixmeter(['discover', ...v2c(lab)]);
    expect(res.code).toBe(0);
    for (const p of lab.ports) expect(res.stdout).toMatch(new RegExp(`\\b${p.name}\\b.*${p.alias}`));
  });
});

describe.concurrent('wrong credentials', () => {
  // Every case through discover; the two commonest also through poll (each CLI start costs ~1 s of CPU).
  const cases: { what: string; args: (lab: Lab) => string[]; secret?: string; mention?: RegExp; poll?: boolean }[] = [
    { what: 'wrong community', args: (l) => v2c(l, 'not-the-community'), secret: 'not-the-community', poll: true },
    { what: 'wrong v3 auth key', args: (l) => v3(l, { authKey: 'wrong-auth-key-123' }), secret: 'wrong-auth-key-123', mention: /auth|digest|key/i, poll: true },
    { what: 'wrong v3 priv key', args: (l) => v3(l, { privKey: 'wrong-priv-key-123' }), secret: 'wrong-priv-key-123' },
    { what: 'unknown v3 user', args: (l) => v3(l, { user: 'nosuchuser' }), mention: /user/i },
  ];
  for (const c of cases) {
    for (const cmd of c.poll ? ['discover', 'poll'] as const : ['discover'] as const) {
      it(`${cmd} with a ${c.what} exits 1 with a clear line naming the switch`, async () => {
        // poll: 2 polls, each failing; it says so per poll (stderr, and {"t","error"} with --json) and exits 1.
        const extra = cmd === 'poll' ? ['--interval', '1', '--count', '1', '--json'] : ['--json'];
        const res = await ixmeter([cmd, ...c.args(lab), '--timeout', '0.5', '--retries', '1', ...extra]);
        expect(res.code, res.stderr).toBe(1);
        const lines = res.stderr.trim().split('\n');
        expect(lines.length, res.stderr).toBe(cmd === 'poll' ? 2 : 1);
        for (const line of lines) {
          expect(line).toContain(lab.host);
          if (c.mention) expect(line).toMatch(c.mention);
        }
        if (cmd === 'discover') expect(res.stdout.trim()).toBe('');
        else {
          const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { t: string; error?: string; ports?: unknown });
          expect(records).toHaveLength(2);
          for (const r of records) {
            expect(r.ports).toBeUndefined();
            expect(r.error).toContain(lab.host);
            expect(Number.isNaN(Date.parse(r.t))).toBe(false);
          }
        }
        const all = res.stdout + res.stderr;
        expect(all).not.toMatch(/\n\s+at /); // no stack trace
        if (c.secret) expect(all).not.toContain(c.secret);
        expect(all).not.toContain(lab.v3.authKey);
        expect(all).not.toContain(lab.v3.privKey);
      });
    }
  }
});
