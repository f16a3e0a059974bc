// `ixmeter sflow`: listens for sFlow v5 for N seconds and prints the renormalised totals per MAC pair and
// EtherType (and per member pair and IP version when a config maps MACs). Decoding and maths live in
// collector/sflow; this file only wires the socket, the config and the output.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { ConfigError, loadConfig } from '../../collector/config/load.ts';
import type { Config } from '../../collector/config/types.ts';
import { parseListen, sflowProblems, SFLOW_DEFAULTS } from '../../collector/sflow/config.ts';
import { buildMacTable, macsFromIxf, type MacSource, type MacTable } from '../../collector/sflow/macs.ts';
import { etypeHex, Matrix, Renormaliser } from '../../collector/sflow/matrix.ts';
import { openReceiver } from '../../collector/sflow/receiver.ts';
import { printable, table } from '../../collector/snmp/cli-target.ts';

export const summary = 'Receive sFlow for a while and print who exchanged with whom';

export const help = `Usage: ixmeter sflow [--listen HOST:PORT] [--seconds N] [--config FILE] [--json]

Listens for sFlow v5 datagrams for N seconds, then prints the traffic of the flow samples, each
sample scaled by the packets its source saw since its previous sample (the sample_pool delta, as
pmacct's sfacctd renormalises; a source's first sample counts its sampling_rate). Bytes are the
sampled frames' frame_length (with the FCS where the agent counts it).
With --json one object:
  {"datagrams","samples","dropped","unknownAgents","agents":[...],
   "pairs":[{"srcMac","dstMac","etype","bytes","packets","samples"}],
   "members":[{"src","dst","ipVersion","bytes","packets","samples"}]}
etype is lower-case hex without leading zeros ("800", "86dd"); members (AS numbers, "unknown" for
MACs no source maps) only when the config maps MACs (sflow.macs, memberSources.ixf mac_addresses).
With a config listing sflow.agents, datagrams from other agents are counted in unknownAgents only.

Options:
  --listen HOST:PORT   address to listen on (IPv6 as [addr]:port); default the config's
                       sflow.listen, else ${SFLOW_DEFAULTS.listen}
  --seconds N          how long to listen (default 10)
  --config FILE        config file for agents and member MACs
  --json               one JSON object instead of tables

Exit codes: 0 done (also when nothing arrived), 1 cannot listen, 2 bad usage or config.`;

function macSources(cfg: Config | undefined): MacSource[] {
  if (!cfg) return [];
  const out: MacSource[] = (cfg.sflow?.macs ?? []).map((m) => ({ mac: m.mac, asn: m.asn, from: 'config' as const }));
  const ixf = cfg.memberSources.ixf;
  if (ixf) {
    let doc: unknown;
    try { doc = JSON.parse(readFileSync(ixf, 'utf8')); } catch (e) {
      throw new ConfigError(ixf, [`memberSources.ixf: cannot read the IX-F export for its mac_addresses: ${(e as Error).message}`]);
    }
    out.push(...macsFromIxf(doc).macs);
  }
  return out;
}

export async function run(argv: string[], deps: { out?: (s: string) => void; err?: (s: string) => void } = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { listen: { type: 'string' }, seconds: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
    strict: true, allowPositionals: false,
  });
  const out = deps.out ?? ((s: string) => { process.stdout.write(s); });
  const err = deps.err ?? ((s: string) => { process.stderr.write(s); });
  const seconds = values.seconds === undefined ? 10 : Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--seconds: ${JSON.stringify(values.seconds)} is not a positive number`);
  const cfg = values.config ? loadConfig(values.config) : undefined;
  if (cfg) {
    const problems = sflowProblems(cfg);
    if (problems.length) throw new ConfigError(values.config!, problems);
  }
  const listenText = values.listen ?? cfg?.sflow?.listen ?? SFLOW_DEFAULTS.listen;
  const listen = parseListen(listenText);
  if (!listen) throw new UsageError(`--listen: ${JSON.stringify(listenText)} is not HOST:PORT (IPv6 as [addr]:port)`);

  const sources = macSources(cfg);
  const macs: MacTable | undefined = sources.length ? buildMacTable(sources) : undefined;
  for (const c of macs?.conflicts ?? []) err(`ixmeter sflow: MAC ${c.mac}: ${c.kept.from} says AS${c.kept.asn}, ${c.dropped.from} says AS${c.dropped.asn}; keeping AS${c.kept.asn}\n`);
  const agents = cfg?.sflow?.agents ?? [];
  const known = new Set(agents.map((a) => a.address));
  const matrix = new Matrix(new Renormaliser(), macs?.lookup);
  const seen = new Set<string>();
  const unknownLogged = new Set<string>();
  const droppedLogged = new Set<string>();

  let rx;
  try {
    rx = await openReceiver({
      host: listen.host, port: listen.port, receiveBuffer: cfg?.sflow?.receiveBuffer ?? SFLOW_DEFAULTS.receiveBuffer,
      accept: known.size ? (a) => known.has(a) : undefined,
      onDatagram: (d) => { seen.add(d.agent); matrix.add(d); },
      onDropped: (e, from) => { if (!droppedLogged.has(from.address)) { droppedLogged.add(from.address); err(`ixmeter sflow: dropped a datagram from ${from.address}: ${e} (further ones only counted)\n`); } },
      onUnknownAgent: (a, from) => { if (!unknownLogged.has(a)) { unknownLogged.add(a); err(`ixmeter sflow: agent ${printable(a)} (from ${from.address}) is not in sflow.agents: counted, not used\n`); } },
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  err(`ixmeter sflow: listening on ${rx.address.address}:${rx.address.port} for ${seconds} s (receive buffer ${rx.receiveBuffer} bytes)\n`);
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, seconds * 1000);
    process.once('SIGINT', () => { clearTimeout(t); resolve(); });
  });
  await rx.close();

  const pairs = matrix.pairRows().map((p) => ({ srcMac: p.srcMac, dstMac: p.dstMac, etype: etypeHex(p.etype), bytes: p.bytes, packets: p.packets, samples: p.samples }));
  const result: Record<string, unknown> = {
    datagrams: rx.stats.datagrams, samples: rx.stats.samples, dropped: rx.stats.dropped, unknownAgents: rx.stats.unknownAgent,
    agents: [...seen].sort(), pairs,
  };
  if (macs) result.members = matrix.memberRows();
  if (values.json) { out(JSON.stringify(result) + '\n'); return 0; }

  out(`${rx.stats.datagrams} datagrams, ${rx.stats.samples} flow samples, ${rx.stats.dropped} dropped, ${rx.stats.unknownAgent} from unknown agents; agents: ${[...seen].sort().join(', ') || '-'}\n`);
  out(table([['src MAC', 'dst MAC', 'etype', 'bytes', 'packets', 'samples'], ...pairs.map((p) => [p.srcMac, p.dstMac, p.etype, String(p.bytes), String(p.packets), String(p.samples)])],
    [false, false, false, true, true, true]) + '\n');
  if (macs) {
    out(table([['src', 'dst', 'IP', 'bytes', 'packets', 'samples'], ...matrix.memberRows().map((m) => [m.src, m.dst, m.ipVersion, String(m.bytes), String(m.packets), String(m.samples)])],
      [false, false, false, true, true, true]) + '\n');
  }
  return 0;
}
