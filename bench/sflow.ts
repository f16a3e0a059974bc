// Benchmark: sFlow decode and aggregate rate of ixmeter (collector/sflow decode.ts + matrix.ts, one core,
// in process) against pmacct's sfacctd (renormalise on; aggregate src_mac, dst_mac, etype; print plugin)
// reading the very same datagrams from a pcap savefile, in one run; both totals are compared. Then the
// collector's memory for one 5-minute window holding the matrix of 200 members (every pair, IPv4 and IPv6).
// Run: node bin/tsx-run.mjs bench/sflow.ts [--datagrams N] [--no-write]   (not a test: nothing asserts)
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeDatagram } from '../collector/sflow/decode.ts';
import { Matrix, Renormaliser, etypeHex } from '../collector/sflow/matrix.ts';
import { encodeDatagram, type FlowSpec } from '../test/unit/sflow/encode.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { datagrams: { type: 'string', default: '100000' }, 'no-write': { type: 'boolean' } } });

if (!(globalThis as { gc?: () => void }).gc) {
  // Re-run with --expose-gc, so the memory figure is measured after a full collection.
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(here, '../bin/tsx-run.mjs'), fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const gc = (globalThis as unknown as { gc: () => void }).gc;

/** mulberry32: the same data every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const MEMBERS = 200;
/** Members whose ports send in the decode run (sfacctd's print cache then holds every MAC pair). */
const SENDERS = 40;
const mac = (i: number) => `02:00:5e:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

/** Datagrams as a 1:1024 switch exports them: 7 flow samples of 128-byte headers each, a counter sample every 10th. */
function makeDatagrams(n: number): Buffer[] {
  const r = rng(7);
  const out: Buffer[] = [];
  const seq = new Map<number, { s: number; pool: number }>();
  for (let d = 0; d < n; d++) {
    const samples: Parameters<typeof encodeDatagram>[0]['samples'] = [];
    for (let k = 0; k < 7; k++) {
      const src = Math.floor(r() ** 2 * SENDERS), dst = (src + 1 + Math.floor(r() * (SENDERS - 1))) % SENDERS;
      const port = src + 1;
      const st = seq.get(port) ?? { s: 0, pool: 0 };
      st.s++; st.pool += 512 + Math.floor(r() * 1024);
      seq.set(port, st);
      const f: FlowSpec = { sequence: st.s, sourceIndex: port, rate: 1024, pool: st.pool, input: port, output: dst + 1,
        frameLength: 64 + Math.floor(r() * 1455), frame: { src: mac(src), dst: mac(dst), etype: r() < 0.3 ? 0x86dd : 0x0800,
          tags: r() < 0.2 ? [{ tpid: 0x8100, vid: 100 }] : [], payload: 114 } };
      samples.push({ kind: 'flow', flow: f });
    }
    out.push(encodeDatagram({ agent: '192.0.2.1', sequence: d + 1, uptime: d, samples }));
  }
  return out;
}

/** CPU seconds (user+sys) of a process and its direct children, from /proc (clock ticks of 1/100 s). */
function cpuOf(pid: number): number {
  const ticks = (p: number) => { try { const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } };
  let kids: number[] = [];
  try { kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { /* gone */ }
  return (ticks(pid) + kids.reduce((a, k) => a + ticks(k), 0)) / 100;
}

/**
 * sfacctd live on a loopback port (its pcap_savefile mode did not exit here): the datagrams are replayed in
 * bursts it can keep up with, and its CPU (daemon + plugin, from /proc) is read once it is idle again.
 */
async function sfacctd(work: string, dgs: Buffer[]): Promise<{ cpu: number; wall: number; bytes: number; rows: number; idlePerS: number }> {
  const out = path.join(work, 'sfacctd.json');
  const port = await new Promise<number>((resolve) => { const s = createSocket('udp4'); s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  writeFileSync(path.join(work, 'sfacctd.conf'), [
    'daemonize: false', 'sfacctd_ip: 127.0.0.1', `sfacctd_port: ${port}`, 'sfacctd_renormalize: true', `logfile: ${path.join(work, 'sfacctd.log')}`,
    'sfacctd_pipe_size: 16777216',
    'plugins: print[p]', 'aggregate[p]: src_mac, dst_mac, etype', 'print_output[p]: json', `print_output_file[p]: ${out}`,
    'print_output_file_append[p]: true', 'print_refresh_time[p]: 1', '',
  ].join('\n'));
  const child = spawn('sfacctd', ['-f', path.join(work, 'sfacctd.conf')], { stdio: 'ignore' });
  try {
    const log = () => (existsSync(path.join(work, 'sfacctd.log')) ? readFileSync(path.join(work, 'sfacctd.log'), 'utf8') : '');
    for (let i = 0; i < 200 && !/object handlers|waiting for/.test(log()); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    // sfacctd's CPU while nothing arrives: it should be ~0; a daemon that spins while idle makes its CPU meaningless.
    const idle0 = cpuOf(child.pid!);
    await new Promise((r) => setTimeout(r, 3000));
    const idlePerS = (cpuOf(child.pid!) - idle0) / 3;
    const cpu0 = cpuOf(child.pid!);
    const t0 = performance.now();
    const s = createSocket('udp4');
    for (let i = 0; i < dgs.length; i++) {
      s.send(dgs[i], port, '127.0.0.1');
      if (i % 25 === 24) await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise<void>((r) => s.close(() => r()));
    // Idle again: CPU unchanged over 1.5 s (its 1 s refresh has written the last rows).
    let last = -1, now = cpuOf(child.pid!);
    for (let k = 0; now !== last && k < 40; k++) { last = now; await new Promise((r) => setTimeout(r, 1500)); now = cpuOf(child.pid!); }
    const wall = (performance.now() - t0) / 1000 - 1.5;
    let bytes = 0, rows = 0;
    const agg = new Map<string, number>();
    if (existsSync(out)) for (const l of readFileSync(out, 'utf8').split('\n')) if (l.startsWith('{')) {
      const j = JSON.parse(l) as { mac_src: string; mac_dst: string; etype: string; bytes: number };
      const k = `${j.mac_src}|${j.mac_dst}|${j.etype}`;
      agg.set(k, (agg.get(k) ?? 0) + j.bytes);
      bytes += j.bytes;
    }
    rows = agg.size;
    return { cpu: now - cpu0, wall, bytes, rows, idlePerS };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function ours(dgs: Buffer[]): { cpu: number; wall: number; bytes: number; rows: number; samples: number } {
  const lookup = new Map(Array.from({ length: MEMBERS }, (_, i) => [mac(i), `AS${65000 + i}`]));
  const m = new Matrix(new Renormaliser(), (x) => lookup.get(x));
  let samples = 0;
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (const d of dgs) {
    const r = decodeDatagram(d);
    if (r.ok) { samples += r.datagram.flows.length; m.add(r.datagram); }
  }
  const c = process.cpuUsage(c0), wall = (performance.now() - t0) / 1000;
  const pairs = m.pairRows();
  void etypeHex;
  return { cpu: (c.user + c.system) / 1e6, wall, bytes: pairs.reduce((a, p) => a + p.bytes, 0), rows: pairs.length, samples };
}

function memory(): { heapMb: number; rssMb: number; rows: number } {
  gc();
  const h0 = process.memoryUsage().heapUsed, r0 = process.memoryUsage().rss;
  const lookup = new Map(Array.from({ length: MEMBERS }, (_, i) => [mac(i), `AS${65000 + i}`]));
  const m = new Matrix(new Renormaliser(), (x) => lookup.get(x));
  let seqn = 0;
  for (let s = 0; s < MEMBERS; s++) for (let d = 0; d < MEMBERS; d++) for (const etype of [0x0800, 0x86dd]) {
    if (s === d) continue;
    m.addSample('192.0.2.1', 0, { sequence: ++seqn, sourceType: 0, sourceIndex: s + 1, samplingRate: 1024, samplePool: seqn * 1024, drops: 0,
      inputFormat: 0, input: s + 1, outputFormat: 0, output: d + 1, frame: { frameLength: 1000, stripped: 4, srcMac: mac(s), dstMac: mac(d), etype, vlans: [] } });
  }
  gc();
  const heapMb = (process.memoryUsage().heapUsed - h0) / 2 ** 20, rssMb = (process.memoryUsage().rss - r0) / 2 ** 20;
  return { heapMb, rssMb, rows: m.memberRows().length + m.pairRows().length };
}

const n = Number(values.datagrams);
const work = mkdtempSync(path.join(tmpdir(), 'ixm-bench-sflow-'));
try {
  const dgs = makeDatagrams(n);
  const sf = await sfacctd(work, dgs);
  const me = ours(dgs);
  const mem = memory();
  const rate = (samples: number, cpu: number) => Math.round(samples / cpu);
  const md = [
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} CPU(s) (${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}), load average ${loadavg()[0].toFixed(1)} at the end. bench/sflow.ts.`,
    `Data: ${n.toLocaleString('en')} sFlow v5 datagrams (${me.samples.toLocaleString('en')} flow samples: 7 per datagram, 128-byte Ethernet headers, 20 % with an 802.1Q tag, 30 % IPv6`,
    `) from ${SENDERS} member ports at 1:1024, generated with a fixed seed. sfacctd 1.7.7 receives them on loopback`,
    '(replayed in bursts of 25 a millisecond apart; renormalise on; aggregate src_mac, dst_mac, etype; print plugin); its CPU is read from /proc once idle; ixmeter decodes and aggregates the same datagrams in process on one core',
    '(decode.ts + matrix.ts: renormalisation, MAC-pair and member-pair sums). CPU is user+sys seconds (sfacctd: daemon and plugin). Goal: at least half of sfacctd\'s samples per CPU second.',
    '',
    '| collector | CPU s | wall s | samples / CPU s | rows | renormalised bytes |',
    '|---|---|---|---|---|---|',
    `| sfacctd | ${sf.cpu.toFixed(2)} | ${sf.wall.toFixed(2)} | ${rate(me.samples, sf.cpu).toLocaleString('en')} | ${sf.rows} | ${sf.bytes.toLocaleString('en')} |`,
    `| ixmeter | ${me.cpu.toFixed(2)} | ${me.wall.toFixed(2)} | ${rate(me.samples, me.cpu).toLocaleString('en')} | ${me.rows} | ${me.bytes.toLocaleString('en')} |`,
    '',
    sf.idlePerS > 0.2
      ? `**No valid comparison in this run**: sfacctd used ${sf.idlePerS.toFixed(2)} CPU seconds per second while no datagram arrived, so its CPU is not its decode cost.`
      : `ixmeter / sfacctd samples per CPU second: ${(sf.cpu / me.cpu).toFixed(2)} (goal ≥ 0.5: ${sf.cpu / me.cpu >= 0.5 ? 'met' : 'missed'}). `
        + (sf.bytes === me.bytes ? 'Totals agree to the byte.'
          : `Totals differ by ${(((me.bytes - sf.bytes) / me.bytes) * 100).toFixed(1)} % (sfacctd ${sf.bytes.toLocaleString('en')}, ixmeter ${me.bytes.toLocaleString('en')} bytes, same ${sf.rows} rows): `
            + 'not resolved in this run; datagrams lost at sfacctd\'s socket under the replay would explain a shortfall (its CPU then covers fewer datagrams). '
            + 'On the lab\'s pmacctd datagrams (test/lab/sflow.test.ts) the two agree to the byte at every rate.'),
    '',
    `Memory for one 5-minute window with the full matrix of ${MEMBERS} members (every ordered pair, IPv4 and IPv6: ${mem.rows.toLocaleString('en')} MAC-pair and member-pair rows): `
      + `${mem.heapMb.toFixed(1)} MiB of JS heap after a full GC (RSS grew ${mem.rssMb.toFixed(1)} MiB).`,
  ].join('\n');
  process.stdout.write(md + '\n');
  if (!values['no-write']) writeSection(path.join(here, 'RESULTS.md'), '## sFlow decode and aggregate', md);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Replaces (or appends) one `## Title` section of RESULTS.md, leaving every other section as it is. */
function writeSection(file: string, title: string, body: string): void {
  const old = readFileSync(file, 'utf8');
  const lines = old.split('\n');
  const start = lines.findIndex((l) => l.trim() === title);
  const section = [title, '', body.trimEnd(), ''];
  if (start < 0) { writeFileSync(file, old.trimEnd() + '\n\n' + section.join('\n')); return; }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  writeFileSync(file, [...lines.slice(0, start), ...section, ...lines.slice(end)].join('\n').trimEnd() + '\n');
}
