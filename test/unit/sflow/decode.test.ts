// Table tests of the sFlow v5 decoder: every field it reads, both sample forms, VLAN tags, skipping by
// length, and each way a datagram can be broken (each must come back as an error, never a throw).
import { describe, expect, it } from 'vitest';
import { decodeDatagram, MAX_DATAGRAM } from '../../../collector/sflow/decode.ts';
import { encodeDatagram, type FlowSpec } from './encode.ts';

const A = '02:00:00:00:00:0a', B = '02:00:00:00:00:0b';
const flow = (over: Partial<FlowSpec> = {}): FlowSpec => ({
  sequence: 7, sourceIndex: 3, rate: 10, pool: 700, drops: 2, input: 3, output: 5, frameLength: 1042,
  frame: { dst: B, src: A, etype: 0x0800 }, ...over,
});

describe('decodeDatagram: what it reads', () => {
  it('reads the header of an IPv4 agent and a compact flow sample', () => {
    const r = decodeDatagram(encodeDatagram({ agent: '192.0.2.7', subAgentId: 3, sequence: 99, uptime: 123456, samples: [{ kind: 'flow', flow: flow() }] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.datagram).toMatchObject({ agent: '192.0.2.7', subAgentId: 3, sequence: 99, uptimeMs: 123456, skippedSamples: 0, skippedRecords: 0 });
    expect(r.datagram.flows).toEqual([{
      sequence: 7, sourceType: 0, sourceIndex: 3, samplingRate: 10, samplePool: 700, drops: 2,
      inputFormat: 0, input: 3, outputFormat: 0, output: 5,
      frame: { frameLength: 1042, stripped: 4, srcMac: A, dstMac: B, etype: 0x0800, vlans: [] },
    }]);
  });

  it.each([
    ['2001:db8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('writes the IPv6 agent %s as %s (RFC 5952)', (agent, text) => {
    const r = decodeDatagram(encodeDatagram({ agent, samples: [{ kind: 'flow', flow: flow() }] }));
    expect(r.ok && r.datagram.agent).toBe(text);
  });

  it('reads the expanded flow sample (0,3) with 32-bit source index and interfaces', () => {
    const r = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [{ kind: 'flow', flow: flow({ expanded: true, sourceType: 0, sourceIndex: 0x1234567, input: 0x2345678, output: 9 }) }] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.datagram.flows[0]).toMatchObject({ sourceIndex: 0x1234567, input: 0x2345678, output: 9, inputFormat: 0 });
  });

  it('splits the compact source id into type and index and the interface into format and value', () => {
    const r = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [{ kind: 'flow', flow: flow({ sourceType: 1, sourceIndex: 0xabcdef, input: 0x3fffffff, output: (2 << 30) | 4 }) }] }));
    expect(r.ok && r.datagram.flows[0]).toMatchObject({ sourceType: 1, sourceIndex: 0xabcdef, inputFormat: 0, input: 0x3fffffff, outputFormat: 2, output: 4 });
  });

  it.each([
    ['one 802.1Q tag', [{ tpid: 0x8100, vid: 100 }], 0x86dd, [100]],
    ['802.1ad outer and 802.1Q inner', [{ tpid: 0x88a8, vid: 10 }, { tpid: 0x8100, vid: 200 }], 0x0800, [10, 200]],
    ['the old 0x9100 QinQ tag', [{ tpid: 0x9100, vid: 4000 }], 0x0806, [4000]],
    ['no tag', [], 0x86dd, []],
  ])('reads through %s to the inner EtherType', (_n, tags, etype, vlans) => {
    const r = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [{ kind: 'flow', flow: flow({ frame: { dst: B, src: A, etype, tags } }) }] }));
    expect(r.ok && r.datagram.flows[0].frame).toMatchObject({ etype, vlans, srcMac: A, dstMac: B });
  });

  it('skips counter samples, unknown samples and enterprise samples by their length', () => {
    const r = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [
      { kind: 'raw', tag: 2, length: 24 }, { kind: 'raw', tag: 4, length: 36 },
      { kind: 'flow', flow: flow({ sequence: 1 }) },
      { kind: 'raw', tag: (4413 << 12) | 1, length: 8 }, { kind: 'raw', tag: 77, length: 0 },
      { kind: 'flow', flow: flow({ sequence: 2, expanded: true }) },
    ] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.datagram.skippedSamples).toBe(4);
    expect(r.datagram.flows.map((f) => f.sequence)).toEqual([1, 2]);
  });

  it('skips other flow records (extended_switch, extended_router) by their length and still finds the header', () => {
    const r = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [{ kind: 'flow', flow: flow({ extraRecords: [{ tag: 1001, length: 16 }, { tag: 1002, length: 28 }] }) }] }));
    expect(r.ok && r.datagram.skippedRecords).toBe(2);
    expect(r.ok && r.datagram.flows[0].frame?.srcMac).toBe(A);
  });

  it('keeps a sample without an Ethernet header (frame null): its pool still counts for scaling', () => {
    const none = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [{ kind: 'flow', flow: flow({ frame: null }) }] }));
    expect(none.ok && none.datagram.flows[0].frame).toBeNull();
    const ip = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [{ kind: 'flow', flow: flow({ headerProtocol: 11 }) }] }));
    expect(ip.ok && ip.datagram.flows[0].frame).toBeNull();
    expect(ip.ok && ip.datagram.skippedRecords).toBe(1);
    const short = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [{ kind: 'flow', flow: flow({ frame: { dst: B, src: A, etype: 0x8100, payload: 0 } }) }] }));
    expect(short.ok && short.datagram.flows[0].frame).toBeNull();
  });

  it('reads a datagram with no samples', () => {
    const r = decodeDatagram(encodeDatagram({ agent: '192.0.2.1', samples: [] }));
    expect(r.ok && r.datagram.flows).toEqual([]);
  });
});

describe('decodeDatagram: what it refuses', () => {
  const good = encodeDatagram({ agent: '192.0.2.9', samples: [{ kind: 'flow', flow: flow() }, { kind: 'raw', tag: 2, length: 8 }] });
  const set32 = (b: Buffer, at: number, v: number) => { const c = Buffer.from(b); c.writeUInt32BE(v >>> 0, at); return c; };
  // Offsets in `good`: header 28 bytes (IPv4 agent), then sample 0 tag at 28, its length at 32, body from 36.
  const cases: [string, Buffer, RegExp][] = [
    ['an empty datagram', Buffer.alloc(0), /truncated at version/],
    ['version 4', set32(good, 0, 4), /version 4 is not sFlow v5/],
    ['an unknown agent address type', set32(good, 4, 3), /agent address type 3/],
    ['a datagram cut in the header', good.subarray(0, 18), /truncated at sequence_number/],
    ['a sample count that cannot fit', set32(good, 24, 1_000_000), /1000000 samples cannot fit/],
    ['a sample longer than the datagram', set32(good, 32, 10_000), /sample 0 length 10000 runs past/],
    ['a sample length not a multiple of 4', set32(good, 32, 65), /sample 0 length 65/],
    ['a datagram cut inside a sample', good.subarray(0, 60), /sample 0 length \d+ runs past/],
    ['a record count that cannot fit', set32(good, 36 + 28, 5000), /5000 records cannot fit/],
    ['a record longer than its sample', set32(good, 36 + 36, 4096), /record 0 length 4096 runs past its sample/],
    ['bytes after the last sample', Buffer.concat([good, Buffer.alloc(8)]), /8 bytes after the last sample/],
    ['more than one UDP datagram', Buffer.alloc(MAX_DATAGRAM + 1), /more than one UDP datagram/],
  ];
  it.each(cases)('refuses %s with an error naming the field', (_n, buf, msg) => {
    const r = decodeDatagram(buf);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
  });

  it('the unbroken datagram of that table decodes (so each row breaks exactly one thing)', () => {
    const r = decodeDatagram(good);
    expect(r.ok && r.datagram.flows.length).toBe(1);
  });
});
