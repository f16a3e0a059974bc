// Fuzz test of the sFlow decoder: random bytes and mutated real datagrams (captured from pmacctd's
// sfprobe in the lab, see fixtures/) must never make it throw; each one is either decoded or refused.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeDatagram } from '../../../collector/sflow/decode.ts';
import { encodeDatagram } from './encode.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const real = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort().map((f) => ({ name: f, buf: readFileSync(path.join(dir, f)) }));

/** mulberry32: a seeded generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 2, 3, 4, 5, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc, 65536, 0x3fffffff];

function mutate(src: Buffer, r: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const op = Math.floor(r() * 6);
    const at = Math.floor(r() * Math.max(1, b.length));
    if (op === 0 && b.length) b[at] ^= 1 << Math.floor(r() * 8);
    else if (op === 1) b = b.subarray(0, at);
    else if (op === 2 && b.length >= 4) b.writeUInt32BE(INTERESTING[Math.floor(r() * INTERESTING.length)], Math.min(at & ~3, b.length - 4));
    else if (op === 3) b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256), 0, 0, 0]), b.subarray(at)]);
    else if (op === 4 && b.length) b[at] = Math.floor(r() * 256);
    else b = Buffer.concat([b, b.subarray(0, Math.floor(r() * 64))]);
  }
  return b;
}

function check(buf: Buffer, label: string): boolean {
  let res;
  try { res = decodeDatagram(buf); } catch (e) { throw new Error(`decoder threw on ${label} (${buf.toString('hex')}): ${(e as Error).message}`); }
  if (res.ok) {
    for (const f of res.datagram.flows) {
      if (f.frame) expect(f.frame.srcMac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    }
    return true;
  }
  expect(res.error).toMatch(/^datagram/);
  return false;
}

describe('sFlow decoder fuzz', () => {
  it('has real datagrams to mutate, and decodes each of them', () => {
    expect(real.length).toBeGreaterThanOrEqual(3);
    for (const r of real) {
      const d = decodeDatagram(r.buf);
      expect(d.ok, r.name).toBe(true);
      if (d.ok) {
        expect(d.datagram.agent).toBe('192.0.2.10');
        expect(d.datagram.flows.every((f) => f.frame !== null && (f.input === 3 || f.input === 4) && f.samplingRate === 1)).toBe(true);
      }
    }
    const v6 = decodeDatagram(real.find((r) => r.name === 'pmacctd-ipv6.bin')!.buf);
    expect(v6.ok && v6.datagram.flows.some((f) => f.frame!.etype === 0x86dd)).toBe(true);
  });

  it('never throws on 20,000 random buffers', () => {
    const r = rng(12);
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const len = Math.floor(r() * 300);
      const b = Buffer.alloc(len);
      for (let j = 0; j < len; j++) b[j] = Math.floor(r() * 256);
      // Half of them start like a v5 datagram, so the fuzz reaches past the version check.
      if (i % 2 === 0 && len >= 8) { b.writeUInt32BE(5, 0); b.writeUInt32BE(1 + (i % 4 === 0 ? 1 : 0), 4); }
      if (check(b, `random #${i}`)) decoded++;
    }
    expect(decoded).toBeLessThan(20_000);
  });

  it('never throws on 40,000 mutations of real and encoded datagrams, refusing a good share of them', () => {
    const seeds = [...real.map((x) => x.buf), encodeDatagram({ agent: '2001:db8::5', samples: [
      { kind: 'flow', flow: { expanded: true, sequence: 3, sourceIndex: 9, rate: 100, pool: 300, input: 9, frameLength: 1518,
        frame: { dst: '02:00:00:00:00:01', src: '02:00:00:00:00:02', etype: 0x86dd, tags: [{ tpid: 0x88a8, vid: 5 }, { tpid: 0x8100, vid: 6 }] } } },
      { kind: 'raw', tag: 2, length: 88 },
    ] })];
    const r = rng(99);
    let decoded = 0, refused = 0;
    for (let i = 0; i < 40_000; i++) {
      const src = seeds[i % seeds.length];
      if (check(mutate(src, r), `mutation #${i}`)) decoded++; else refused++;
    }
    expect(refused).toBeGreaterThan(decoded / 10);
    expect(decoded).toBeGreaterThan(0);
  });
});
