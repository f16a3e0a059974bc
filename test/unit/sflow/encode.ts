// Test-only sFlow v5 encoder: builds datagrams field by field (XDR big-endian) so the decoder's tables
// can state every input. Independent of collector/sflow so a shared mistake cannot hide.

export interface FrameSpec { dst: string; src: string; etype: number; tags?: { tpid: number; vid: number }[]; payload?: number }
export interface FlowSpec {
  expanded?: boolean;
  sequence: number;
  sourceType?: number;
  sourceIndex: number;
  rate: number;
  pool: number;
  drops?: number;
  input: number;
  output?: number;
  frameLength: number;
  stripped?: number;
  frame?: FrameSpec | null;
  /** Extra records before the header (tag, body length in bytes). */
  extraRecords?: { tag: number; length: number }[];
  headerProtocol?: number;
}
export interface DatagramSpec {
  agent: string;
  subAgentId?: number;
  sequence?: number;
  uptime?: number;
  samples: ({ kind: 'flow'; flow: FlowSpec } | { kind: 'raw'; tag: number; length: number })[];
}

class W {
  parts: number[] = [];
  u32(v: number) { this.parts.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); }
  bytes(b: number[]) { this.parts.push(...b); }
  pad() { while (this.parts.length % 4) this.parts.push(0); }
}

const macBytes = (m: string) => m.split(':').map((h) => parseInt(h, 16));

export function frameBytes(f: FrameSpec): number[] {
  const b = [...macBytes(f.dst), ...macBytes(f.src)];
  for (const t of f.tags ?? []) b.push(t.tpid >> 8, t.tpid & 255, (t.vid >> 8) & 15, t.vid & 255);
  b.push(f.etype >> 8, f.etype & 255);
  for (let i = 0; i < (f.payload ?? 46); i++) b.push(i & 255);
  return b;
}

function flowBody(f: FlowSpec): number[] {
  const w = new W();
  w.u32(f.sequence);
  if (f.expanded) { w.u32(f.sourceType ?? 0); w.u32(f.sourceIndex); } else w.u32(((f.sourceType ?? 0) << 24) | f.sourceIndex);
  w.u32(f.rate); w.u32(f.pool); w.u32(f.drops ?? 0);
  if (f.expanded) { w.u32(0); w.u32(f.input); w.u32(0); w.u32(f.output ?? 0); } else { w.u32(f.input); w.u32(f.output ?? 0); }
  const records: number[][] = [];
  for (const r of f.extraRecords ?? []) { const rw = new W(); rw.u32(r.tag); rw.u32(r.length); rw.bytes(new Array(r.length).fill(7)); records.push(rw.parts); }
  if (f.frame !== null) {
    const hdr = frameBytes(f.frame ?? { dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01', etype: 0x0800 });
    const rw = new W();
    rw.u32(1);
    const body = new W();
    body.u32(f.headerProtocol ?? 1); body.u32(f.frameLength); body.u32(f.stripped ?? 4); body.u32(hdr.length); body.bytes(hdr); body.pad();
    rw.u32(body.parts.length); rw.bytes(body.parts);
    records.push(rw.parts);
  }
  w.u32(records.length);
  for (const r of records) w.bytes(r);
  return w.parts;
}

export function encodeDatagram(d: DatagramSpec): Buffer {
  const w = new W();
  w.u32(5);
  if (d.agent.includes(':')) {
    w.u32(2);
    // Expand "::" for the test's own addresses.
    const [head, tail] = d.agent.split('::');
    const h = head ? head.split(':') : [], t = tail !== undefined && tail ? tail.split(':') : [];
    const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) { const v = parseInt(g, 16); w.bytes([v >> 8, v & 255]); }
  } else {
    w.u32(1);
    w.bytes(d.agent.split('.').map(Number));
  }
  w.u32(d.subAgentId ?? 0); w.u32(d.sequence ?? 1); w.u32(d.uptime ?? 1000);
  w.u32(d.samples.length);
  for (const s of d.samples) {
    if (s.kind === 'raw') { w.u32(s.tag); w.u32(s.length); w.bytes(new Array(s.length).fill(9)); continue; }
    const body = flowBody(s.flow);
    w.u32(s.flow.expanded ? 3 : 1); w.u32(body.length); w.bytes(body);
  }
  return Buffer.from(w.parts);
}
