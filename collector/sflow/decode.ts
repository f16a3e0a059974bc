// Pure sFlow v5 datagram decoder (sflow.org sflow_version_5.txt, XDR big-endian). It reads the datagram
// header, compact (0,1) and expanded (0,3) flow samples and their sampled_header (0,1) Ethernet records;
// everything else is skipped by its length. No I/O, no clock, no logging, and it never throws: a datagram
// that does not parse is returned as an error naming the field where it went wrong.

/** One Ethernet frame header as the agent sampled it, read through 802.1Q / 802.1ad tags. */
export interface SampledFrame {
  /** Length of the whole frame on the wire, as the agent reports it (bytes; sfacctd counts this). */
  frameLength: number;
  /** Bytes the agent removed from the frame before sampling it (e.g. the FCS). */
  stripped: number;
  /** Lower-case, colon-separated. */
  srcMac: string;
  dstMac: string;
  /** EtherType after the VLAN tags (0x0800 IPv4, 0x86dd IPv6); a value below 0x0600 is an 802.3 length. */
  etype: number;
  /** VLAN ids of the tags passed, outer first. */
  vlans: number[];
}

export interface FlowSample {
  /** Flow sample sequence number of its source (counts samples generated). */
  sequence: number;
  /** sFlowDataSource type (0 ifIndex, 1 smonVlanDataSource, 2 entPhysicalEntry) and index. */
  sourceType: number;
  sourceIndex: number;
  samplingRate: number;
  /** Packets that could have been sampled at the source so far (wraps at 2^32). */
  samplePool: number;
  drops: number;
  /** Input / output interface: ifIndex when format is 0; 0x3FFFFFFF is "unknown". */
  inputFormat: number;
  input: number;
  outputFormat: number;
  output: number;
  /** The first sampled_header record of Ethernet type, or null when the sample has none. */
  frame: SampledFrame | null;
}

export interface Datagram {
  /** Agent address in its usual text form (dotted quad or RFC 5952 IPv6). */
  agent: string;
  subAgentId: number;
  sequence: number;
  uptimeMs: number;
  flows: FlowSample[];
  /** Counter samples and samples of unknown formats, skipped by their length. */
  skippedSamples: number;
  /** Flow records that were not a readable Ethernet sampled_header, skipped by their length. */
  skippedRecords: number;
}

export type DecodeResult = { ok: true; datagram: Datagram } | { ok: false; error: string };

/** Largest payload of one UDP datagram over IPv4: anything longer is not one sFlow datagram. */
export const MAX_DATAGRAM = 65_507;

class Truncated extends Error {}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function mac(b: Uint8Array, o: number): string {
  return `${HEX[b[o]]}:${HEX[b[o + 1]]}:${HEX[b[o + 2]]}:${HEX[b[o + 3]]}:${HEX[b[o + 4]]}:${HEX[b[o + 5]]}`;
}

function ipv6(b: Uint8Array, o: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[o + 2 * i] << 8) | b[o + 2 * i + 1]);
  // RFC 5952: the longest run (>= 2) of zero groups becomes "::", the first one on a tie.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const TPIDS = new Set([0x8100, 0x88a8, 0x9100]);

/** Reads an Ethernet header (with any VLAN tags) from a sampled header; null when too short for one. */
export function parseEthernet(b: Uint8Array, o: number, len: number): Omit<SampledFrame, 'frameLength' | 'stripped'> | null {
  if (len < 14) return null;
  const end = o + len;
  const dstMac = mac(b, o);
  const srcMac = mac(b, o + 6);
  let p = o + 12;
  let etype = (b[p] << 8) | b[p + 1];
  const vlans: number[] = [];
  while (TPIDS.has(etype)) {
    if (p + 6 > end) return null;
    vlans.push(((b[p + 2] << 8) | b[p + 3]) & 0x0fff);
    p += 4;
    etype = (b[p] << 8) | b[p + 1];
  }
  return { srcMac, dstMac, etype, vlans };
}

/** Decodes one sFlow v5 datagram. Never throws. */
export function decodeDatagram(buf: Uint8Array): DecodeResult {
  if (buf.length > MAX_DATAGRAM) return { ok: false, error: `datagram: ${buf.length} bytes is more than one UDP datagram holds (${MAX_DATAGRAM})` };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let field = 'version';
  let pos = 0;
  const u32 = (name: string): number => {
    field = name;
    if (pos + 4 > buf.length) throw new Truncated();
    const v = dv.getUint32(pos);
    pos += 4;
    return v;
  };
  try {
    const version = u32('version');
    if (version !== 5) return { ok: false, error: `datagram: version ${version} is not sFlow v5` };
    const addrType = u32('agent address type');
    let agent: string;
    field = 'agent address';
    if (addrType === 1) {
      if (pos + 4 > buf.length) throw new Truncated();
      agent = `${buf[pos]}.${buf[pos + 1]}.${buf[pos + 2]}.${buf[pos + 3]}`;
      pos += 4;
    } else if (addrType === 2) {
      if (pos + 16 > buf.length) throw new Truncated();
      agent = ipv6(buf, pos);
      pos += 16;
    } else {
      return { ok: false, error: `datagram: agent address type ${addrType} is neither IPv4 (1) nor IPv6 (2)` };
    }
    const subAgentId = u32('sub_agent_id');
    const sequence = u32('sequence_number');
    const uptimeMs = u32('uptime');
    const numSamples = u32('num_samples');
    // Each sample takes at least its 8-byte tag and length: a larger count cannot be real.
    if (numSamples * 8 > buf.length - pos) return { ok: false, error: `datagram from ${agent}: ${numSamples} samples cannot fit in ${buf.length - pos} bytes` };
    const flows: FlowSample[] = [];
    let skippedSamples = 0, skippedRecords = 0;
    for (let s = 0; s < numSamples; s++) {
      const tag = u32(`sample ${s} data_format`);
      const length = u32(`sample ${s} length`);
      if (length % 4 !== 0 || pos + length > buf.length) {
        return { ok: false, error: `datagram from ${agent}: sample ${s} length ${length} runs past the datagram's ${buf.length} bytes or is not a multiple of 4` };
      }
      const end = pos + length;
      const enterprise = tag >>> 12, format = tag & 0xfff;
      if (enterprise !== 0 || (format !== 1 && format !== 3)) { skippedSamples++; pos = end; continue; }
      const expanded = format === 3;
      const p = `sample ${s}`;
      const fs: FlowSample = {
        sequence: u32(`${p} sequence_number`), sourceType: 0, sourceIndex: 0, samplingRate: 0, samplePool: 0, drops: 0,
        inputFormat: 0, input: 0, outputFormat: 0, output: 0, frame: null,
      };
      if (expanded) {
        fs.sourceType = u32(`${p} source_id_type`);
        fs.sourceIndex = u32(`${p} source_id_index`);
      } else {
        const src = u32(`${p} source_id`);
        fs.sourceType = src >>> 24;
        fs.sourceIndex = src & 0xffffff;
      }
      fs.samplingRate = u32(`${p} sampling_rate`);
      fs.samplePool = u32(`${p} sample_pool`);
      fs.drops = u32(`${p} drops`);
      if (expanded) {
        fs.inputFormat = u32(`${p} input format`);
        fs.input = u32(`${p} input value`);
        fs.outputFormat = u32(`${p} output format`);
        fs.output = u32(`${p} output value`);
      } else {
        const i = u32(`${p} input`), o = u32(`${p} output`);
        fs.inputFormat = i >>> 30; fs.input = i & 0x3fffffff;
        fs.outputFormat = o >>> 30; fs.output = o & 0x3fffffff;
      }
      const numRecords = u32(`${p} num_records`);
      if (numRecords * 8 > end - pos) return { ok: false, error: `datagram from ${agent}: ${p}: ${numRecords} records cannot fit in ${end - pos} bytes` };
      for (let r = 0; r < numRecords; r++) {
        const rtag = u32(`${p} record ${r} data_format`);
        const rlen = u32(`${p} record ${r} length`);
        if (rlen % 4 !== 0 || pos + rlen > end) {
          return { ok: false, error: `datagram from ${agent}: ${p} record ${r} length ${rlen} runs past its sample or is not a multiple of 4` };
        }
        const rend = pos + rlen;
        // sampled_header (0,1) with header_protocol 1 (ETHERNET-ISO88023).
        if (rtag === 1 && fs.frame === null && rlen >= 16) {
          const proto = dv.getUint32(pos);
          const frameLength = dv.getUint32(pos + 4);
          const stripped = dv.getUint32(pos + 8);
          const hlen = dv.getUint32(pos + 12);
          const eth = proto === 1 && hlen <= rlen - 16 ? parseEthernet(buf, pos + 16, hlen) : null;
          if (eth) fs.frame = { frameLength, stripped, ...eth };
          else skippedRecords++;
        } else {
          skippedRecords++;
        }
        pos = rend;
      }
      if (pos !== end) return { ok: false, error: `datagram from ${agent}: ${p}: records end ${end - pos} bytes before the sample does` };
      flows.push(fs);
    }
    if (pos !== buf.length) return { ok: false, error: `datagram from ${agent}: ${buf.length - pos} bytes after the last sample` };
    return { ok: true, datagram: { agent, subAgentId, sequence, uptimeMs, flows, skippedSamples, skippedRecords } };
  } catch (e) {
    if (e instanceof Truncated) return { ok: false, error: `datagram: truncated at ${field} (byte ${pos} of ${buf.length})` };
    return { ok: false, error: `datagram: ${field}: ${(e as Error).message}` };
  }
}
