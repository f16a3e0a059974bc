// The IXP lab with sFlow: IPv6 on the member namespaces (documentation prefix 2001:db8:99::/64, static
// neighbours so no ARP/ND runs), pmacctd with one sfprobe plugin per sampling rate in the switch namespace
// capturing the member ports on ingress (pcap_interfaces_map, direction=in, each port's kernel ifindex),
// exporting to a capture process on the switch namespace's loopback, and sfacctd runs on replays of the
// captured datagrams. All of it inside namespaces and temp folders this file (or lab.ts) creates.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLab, type Lab } from './lab.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface SflowLabMember { n: number; ns: string; port: string; ifIndex: number; mac: string; v4: string; v6: string }
export interface Flow { from: number; to: number; family: 4 | 6; size: number; count: number }

export interface SflowLab {
  lab: Lab;
  members: SflowLabMember[];
  work: string;
  /** Starts pmacctd (one sfprobe per rate, agent 192.0.2.<i+1>) and the capture; resolves once pcap is open. */
  startProbe(rates: number[]): Promise<void>;
  /** Sends every flow (all members at once, `pps` each), resolves when all are sent. */
  sendFlows(flows: Flow[], pps: number): Promise<void>;
  /** Datagrams captured so far per rate. */
  datagrams(rate: number): Buffer[];
  stopProbe(): Promise<void>;
  destroy(): Promise<void>;
}

function spawnTracked(children: Set<ChildProcess>, args: string[]): ChildProcess {
  const c = spawn('ip', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(c);
  c.once('exit', () => children.delete(c));
  c.once('error', () => children.delete(c));
  return c;
}

async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const done = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(t);
}

function waitLine(c: ChildProcess, re: RegExp, what: string, ms = 20_000, log?: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`${what}: not ready after ${ms} ms: ${out} ${log?.() ?? ''}`)), ms);
    const rl = createInterface({ input: c.stdout! });
    // Not rl.close(): that pauses the stream, and other readers of the same stdout would stall.
    let done = false;
    rl.on('line', (l) => { if (done) return; out += l + '\n'; if (re.test(l)) { done = true; clearTimeout(t); resolve(); } });
    c.stderr!.on('data', (d) => { out += d; });
    c.once('exit', (code) => { if (done) return; clearTimeout(t); reject(new Error(`${what} exited ${code}: ${out} ${log?.() ?? ''}`)); });
  });
}

export async function createSflowLab(memberCount = 3): Promise<SflowLab> {
  const lab = await createLab({ members: memberCount });
  const work = mkdtempSync(path.join(tmpdir(), `ixmeter-${lab.id}-sflow-`));
  const children = new Set<ChildProcess>();
  const members: SflowLabMember[] = [];
  const captured = new Map<number, Buffer[]>();
  let pmacctd: ChildProcess | undefined, capture: ChildProcess | undefined;
  const portOf = new Map<number, number>();
  const ns = (n: string, ...a: string[]) => run('ip', ['netns', 'exec', n, ...a]);

  const sl: SflowLab = {
    lab, members, work,
    async startProbe(rates) {
      const base = 20_000 + Math.floor(Math.random() * 20_000);
      rates.forEach((r, i) => { portOf.set(r, base + i); captured.set(r, []); });
      capture = spawnTracked(children, ['netns', 'exec', lab.switchNs, process.execPath, path.join(here, 'sflow-capture.mjs'), ...rates.flatMap((r) => ['--port', String(portOf.get(r))])]);
      const byPort = new Map(rates.map((r) => [portOf.get(r)!, r]));
      const ready = waitLine(capture, /^ready$/, 'sflow capture');
      createInterface({ input: capture.stdout! }).on('line', (l) => {
        const [p, hex] = l.split(' ');
        if (hex) captured.get(byPort.get(Number(p))!)!.push(Buffer.from(hex, 'hex'));
      });
      await ready;
      writeFileSync(path.join(work, 'interfaces.map'), members.map((m) => `ifindex=${m.ifIndex} ifname=${m.port} direction=in`).join('\n') + '\n');
      const conf = [
        'daemonize: false', 'promisc: true', `pcap_interfaces_map: ${path.join(work, 'interfaces.map')}`, 'pcap_ifindex: map',
        `logfile: ${path.join(work, 'pmacctd.log')}`, `pidfile: ${path.join(work, 'pmacctd.pid')}`,
        `plugins: ${rates.map((r) => `sfprobe[r${r}]`).join(', ')}`,
        ...rates.flatMap((r, i) => [`sfprobe_receiver[r${r}]: 127.0.0.1:${portOf.get(r)}`, `sfprobe_agentip[r${r}]: 192.0.2.${i + 1}`, `sampling_rate[r${r}]: ${r}`]),
        '',
      ].join('\n');
      writeFileSync(path.join(work, 'pmacctd.conf'), conf);
      pmacctd = spawnTracked(children, ['netns', 'exec', lab.switchNs, 'pmacctd', '-f', path.join(work, 'pmacctd.conf')]);
      const log = () => (existsSync(path.join(work, 'pmacctd.log')) ? readFileSync(path.join(work, 'pmacctd.log'), 'utf8') : '');
      const end = Date.now() + 20_000;
      // Ready once every plugin says so and every port's pcap is open.
      while (!(rates.every((r) => log().includes(`( r${r}/sfprobe ): Sampling at: 1/${r}`)) && members.every((m) => log().includes(`[${m.port},${m.ifIndex}] link type`)))) {
        if (pmacctd.exitCode !== null) throw new Error(`pmacctd exited: ${log()}`);
        if (Date.now() > end) throw new Error(`pmacctd not ready after 20 s: ${log()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 500));
    },
    async sendFlows(flows, pps) {
      const procs: Promise<void>[] = [];
      const started: ChildProcess[] = [];
      for (const m of members) {
        const mine = flows.filter((f) => f.from === m.n).map((f) => ({ to: f.family === 4 ? members[f.to - 1].v4 : members[f.to - 1].v6, size: f.size, count: f.count }));
        const c = spawnTracked(children, ['netns', 'exec', m.ns, process.execPath, path.join(here, 'sflow-traffic.mjs'), '--bind4', m.v4, '--bind6', m.v6, '--flows', JSON.stringify(mine), '--pps', String(pps)]);
        started.push(c);
        await waitLine(c, /^ready$/, `traffic source ${m.ns}`);
      }
      try {
        for (const c of started) {
          procs.push(waitLine(c, /^done /, 'traffic', 300_000));
          c.stdin!.write('go\n');
        }
        await Promise.all(procs);
      } finally {
        // Sinks stay up a moment so the last datagrams find their socket.
        await new Promise((r) => setTimeout(r, 300));
        await Promise.all(started.map(stop));
      }
    },
    datagrams: (rate) => captured.get(rate) ?? [],
    async stopProbe() {
      if (pmacctd) await stop(pmacctd);
      if (capture) await stop(capture);
    },
    async destroy() {
      await Promise.all([...children].map(stop));
      await lab.destroy();
      rmSync(work, { recursive: true, force: true });
    },
  };

  try {
    for (const [i, p] of lab.ports.entries()) {
      const n = i + 1;
      const links = JSON.parse((await run('ip', ['-n', p.memberNs, '-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[];
      members.push({ n, ns: p.memberNs, port: p.name, ifIndex: p.ifIndex, mac: links[0].address, v4: p.address, v6: `2001:db8:99::${n}` });
    }
    for (const m of members) {
      await ns(m.ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.eth0.disable_ipv6=0', 'net.ipv6.conf.eth0.router_solicitations=0', 'net.ipv6.conf.eth0.accept_dad=0');
      await ns(m.ns, 'ip', 'addr', 'add', `${m.v6}/64`, 'dev', 'eth0', 'nodad');
      for (const o of members) if (o !== m) {
        await ns(m.ns, 'ip', 'neigh', 'replace', o.v4, 'lladdr', o.mac, 'dev', 'eth0', 'nud', 'permanent');
        await ns(m.ns, 'ip', '-6', 'neigh', 'replace', o.v6, 'lladdr', o.mac, 'dev', 'eth0', 'nud', 'permanent');
      }
    }
    // IPv6 coming up sends MLD reports for a few seconds (robustness 2, 1 s interval): let them pass.
    await new Promise((r) => setTimeout(r, 3500));
  } catch (e) {
    await sl.destroy();
    throw e;
  }
  return sl;
}

/** Datagrams the kernel dropped at the UDP socket bound to 127.0.0.1:`port` (the last column of /proc/net/udp). */
function udpDrops(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const line = readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1] === local);
  return line ? Number(line.trim().split(/\s+/).at(-1)) : 0;
}

/**
 * One sfacctd (renormalise on; aggregate src_mac, dst_mac, etype) fed `datagrams`; returns its rows. A run in which
 * the kernel dropped datagrams at sfacctd's socket (a loaded machine: it reads slower than the replay sends) is not a
 * comparison: it is run again with a fresh sfacctd and a slower replay, three times at most, then an error says so.
 */
export async function sfacctdTotals(work: string, datagrams: Buffer[], label: string): Promise<Map<string, { bytes: number; packets: number }>> {
  const drops: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await sfacctdOnce(work, datagrams, `${label}-${attempt}`, 10 >> attempt);
    if (r.drops === 0) return r.rows;
    drops.push(r.drops);
  }
  throw new Error(`sfacctd: its socket dropped ${drops.join(', ')} of ${datagrams.length} datagrams in three runs; no comparison possible on this load`);
}

async function sfacctdOnce(work: string, datagrams: Buffer[], label: string, burst: number): Promise<{ rows: Map<string, { bytes: number; packets: number }>; drops: number }> {
  const dir = mkdtempSync(path.join(work, `sfacctd-${label}-`));
  const port = await new Promise<number>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  const out = path.join(dir, 'out.json');
  writeFileSync(path.join(dir, 'sfacctd.conf'), [
    'daemonize: false', `sfacctd_ip: 127.0.0.1`, `sfacctd_port: ${port}`, 'sfacctd_renormalize: true',
    `logfile: ${path.join(dir, 'sfacctd.log')}`, `pidfile: ${path.join(dir, 'sfacctd.pid')}`,
    'plugins: print[p]', 'aggregate[p]: src_mac, dst_mac, etype', 'print_output[p]: json',
    `print_output_file[p]: ${out}`, 'print_output_file_append[p]: true', 'print_refresh_time[p]: 1', '',
  ].join('\n'));
  const c = spawn('sfacctd', ['-f', path.join(dir, 'sfacctd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let drops = 0;
  try {
    const log = () => (existsSync(path.join(dir, 'sfacctd.log')) ? readFileSync(path.join(dir, 'sfacctd.log'), 'utf8') : '');
    const end = Date.now() + 20_000;
    // Ready once the print plugin is set up and the socket is bound (the port is in /proc/net/udp).
    const bound = () => readFileSync('/proc/net/udp', 'utf8').includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} `);
    while (!log().includes('setting object handlers') || !bound()) {
      if (c.exitCode !== null) throw new Error(`sfacctd exited: ${log()}`);
      if (Date.now() > end) throw new Error(`sfacctd not ready: ${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    await replay(datagrams, port, burst);
    // sfacctd may still be working through its queue: wait until its output has not grown for 3 s (refresh is 1 s).
    let size = -1;
    for (let still = 0, waited = 0; (still < 6 || size <= 0) && waited < 60; waited++) {
      await new Promise((r) => setTimeout(r, 500));
      const s = existsSync(out) ? readFileSync(out).length : 0;
      if (s === size) still++; else { still = 0; size = s; }
    }
    drops = udpDrops(port);
  } finally {
    await stop(c);
  }
  const rows = new Map<string, { bytes: number; packets: number }>();
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const j = JSON.parse(line) as { mac_src: string; mac_dst: string; etype: string; bytes: number; packets: number };
    const k = `${j.mac_src}|${j.mac_dst}|${j.etype}`;
    const r = rows.get(k) ?? { bytes: 0, packets: 0 };
    r.bytes += j.bytes; r.packets += j.packets;
    rows.set(k, r);
  }
  return { rows, drops };
}

/** Sends the datagrams in order to 127.0.0.1:port, ten at a time, so no receive buffer overflows. */
export async function replay(datagrams: Buffer[], port: number, burst = 10): Promise<void> {
  const s = createSocket('udp4');
  try {
    for (const [i, d] of datagrams.entries()) {
      await new Promise<void>((r, j) => s.send(d, port, '127.0.0.1', (e) => (e ? j(e) : r())));
      // About 10,000 datagrams a second (`burst` per millisecond): faster, sfacctd's socket overflows on this machine
      // (bench/sflow.ts saw it).
      if (i % burst === burst - 1) await new Promise((r) => setTimeout(r, 1));
    }
  } finally { s.close(); }
}
