// The IXP lab: a Linux bridge in a network namespace is the peering switch, member namespaces attach
// through veth ports named like an IXP's (swp1..), and a real snmpd in the switch namespace answers over a
// management veth. Everything lives in namespaces this file creates and deletes: no traffic leaves them.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
/** Marker files: one per live lab, holding the owning process id, so a sweep can tell stale labs. */
const MARKERS = path.join(tmpdir(), 'ixmeter-lab');
/** Lab namespace names: `ixl` + 4 hex digits of the lab id + `-sw` / `-mN`. */
const NS_RE = /^(ixl[0-9a-f]{4})-(sw|m\d+)$/;

/** IF-MIB and friends, numeric: Debian ships no IF-MIB file. */
export const OID = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  ifAlias: '1.3.6.1.2.1.31.1.1.1.18',
  ifTable: '1.3.6.1.2.1.2.2',
  ifXTable: '1.3.6.1.2.1.31.1.1',
  /** NET-SNMP-AGENT-MIB nsCacheTimeout, indexed (IMPLIED) by the cached OID: here ifTable, whose cache ifXTable shares. */
  nsCacheTimeoutIfTable: '1.3.6.1.4.1.8072.1.5.3.1.2.1.3.6.1.2.1.2.2',
  /** SNMPv2-MIB snmp group (RFC 3418): snmpInPkts, snmpInGetRequests, snmpInGetNexts, snmpInSetRequests, snmpOutGetResponses. */
  snmpInPkts: '1.3.6.1.2.1.11.1.0',
  snmpInGetRequests: '1.3.6.1.2.1.11.15.0',
  snmpInGetNexts: '1.3.6.1.2.1.11.16.0',
  snmpInSetRequests: '1.3.6.1.2.1.11.17.0',
  snmpOutGetResponses: '1.3.6.1.2.1.11.28.0',
} as const;

/** The aliases members' ports get unless the caller names others: what an IXP types on its switch. */
export const DEFAULT_ALIASES = [
  'AS65001 Raajje Online',
  'AS65002 Dhiraagu',
  'AS65003 Ooredoo Maldives',
  'AS65004 Example CDN Cache',
  'AS65005 Island Hosting',
  'AS65006 MVIX Route Server',
];

/** One member port: the switch side of a member's veth. */
export interface LabPort {
  /** Interface name in the switch namespace (swp1..), = ifName/ifDescr in snmpd. */
  name: string;
  /** ifIndex as snmpd reports it (the kernel ifindex in the switch namespace). */
  ifIndex: number;
  alias: string;
  /** The member's namespace and its address on the lab subnet. */
  memberNs: string;
  address: string;
}

export interface LabOptions {
  /** Member namespaces, each on one switch port (default 4). */
  members?: number;
  /** ifAlias per member port (default DEFAULT_ALIASES). */
  aliases?: string[];
  /** Extra interfaces in the switch namespace (for benchmarks), named d1..dN; ifb devices, as this kernel has no dummy. */
  extraInterfaces?: number;
  /** nsCacheTimeout of ifTable in seconds: 0 (default) re-reads the kernel's counters for every request. */
  cacheTimeout?: number;
}

/** Counters of snmpd's own SNMPv2-MIB snmp group. */
export interface AgentStats {
  inPkts: number;
  inGetRequests: number;
  inGetNexts: number;
  inSetRequests: number;
  outGetResponses: number;
}

export interface KernelCounters { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number }

/** A ground-truth recorder: the kernel's counters of some switch interfaces, sampled every few ms. */
export interface Sampler {
  /** Counters at wall time `t` (epoch ms), linearly interpolated between the two nearest samples. */
  at(name: string, t: number): KernelCounters;
  /** Wall time of the newest sample. */
  latest(): number;
  stop(): Promise<void>;
}

export interface TrafficFlow {
  /** 1-based member numbers. */
  from: number;
  to: number;
  /** UDP payload bytes one burst sends. */
  bytes: number;
  /** Pace of a burst, UDP payload bytes per second. */
  rate: number;
  /** UDP payload bytes per datagram (default 1000). */
  size?: number;
}

export interface Traffic {
  burst(scale?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface Lab {
  id: string;
  switchNs: string;
  /** The switch's sysName. */
  sysName: string;
  /** snmpd's address on the management veth, reachable from the root namespace. */
  host: string;
  /** Root namespace's end of the management veth. */
  rootAddress: string;
  community: string;
  v3: { user: string; authProtocol: 'sha'; authKey: string; privProtocol: 'aes'; privKey: string };
  ports: LabPort[];
  /** All interfaces of the switch namespace by name, with their ifIndex. */
  interfaces: Map<string, number>;
  /** snmpd's log so far (for failure messages). */
  snmpdLog(): string;
  /**
   * Restarts snmpd (sysUpTime starts again) after `downMs` without an agent, and re-applies the cache
   * timeout and aliases, unless `settings` is false: then nothing touches the interface table before the
   * poller does, as after a real switch's restart (snmpd 5.9 reports 0 unicast packets from its first
   * interface load), and the cache timeout is snmpd's default (3 s) until `applySettings()`.
   */
  restartSnmpd(opts?: { downMs?: number; settings?: boolean }): Promise<void>;
  /** SNMP SET of the lab's cache timeout and aliases (done at start and by restartSnmpd). */
  applySettings(): Promise<void>;
  /** SNMP SET of nsCacheTimeout for ifTable (seconds). */
  setCacheTimeout(seconds: number): Promise<void>;
  agentStats(): Promise<AgentStats>;
  kernelCounters(names: string[]): Promise<Map<string, KernelCounters>>;
  startSampler(names: string[], everyMs?: number): Promise<Sampler>;
  /**
   * Starts one traffic source per member (at most one flow from each). Nothing is sent until `burst()`,
   * which sends every flow's `bytes` (times `scale`) at its pace and resolves when all are sent.
   */
  startTraffic(flows: TrafficFlow[]): Promise<Traffic>;
  /** Drops `percent` % of management packets, both directions (tc netem; nftables where the kernel has no netem). */
  setLoss(percent: number): Promise<void>;
  /** Management packets dropped by setLoss so far (both directions). */
  lossDropped(): Promise<number>;
  clearLoss(): Promise<void>;
  destroy(): Promise<void>;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try { process.kill(pid, signal); } catch { /* already gone */ }
}

function nsPidsSync(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch { return []; }
}

function listLabNamespacesSync(): string[] {
  try {
    const out = execFileSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8' }).trim();
    return out ? (JSON.parse(out) as { name: string }[]).map((n) => n.name).filter((n) => NS_RE.test(n)) : [];
  } catch { return []; }
}

/** Removes one lab's namespaces and the processes inside them, synchronously (also usable at process exit). */
function removeLabSync(id: string): void {
  for (const ns of listLabNamespacesSync().filter((n) => n.startsWith(`${id}-`))) {
    for (const pid of nsPidsSync(ns)) killPid(pid);
    try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* gone */ }
  }
  rmSync(path.join(MARKERS, id), { force: true });
}

/**
 * Deletes labs that older runs left behind: `ixl*` namespaces whose owning process is gone,
 * and the processes still running inside them (by their process ids).
 */
export function sweepStaleLabs(): string[] {
  const ids = new Set(listLabNamespacesSync().map((n) => NS_RE.exec(n)![1]));
  if (existsSync(MARKERS)) for (const f of readdirSync(MARKERS)) if (/^ixl[0-9a-f]{4}$/.test(f)) ids.add(f);
  const removed: string[] = [];
  for (const id of ids) {
    let owner = 0;
    try { owner = Number(readFileSync(path.join(MARKERS, id), 'utf8')); } catch { /* no marker: stale */ }
    if (owner && owner !== process.pid && alive(owner)) continue;
    if (owner === process.pid) continue;
    removeLabSync(id);
    removed.push(id);
  }
  return removed;
}

async function ip(...args: string[]): Promise<string> {
  try {
    return (await run('ip', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** The namespace's links once every named one reports operstate UP; an error naming the laggards after 10 s. */
async function waitForCarrier(ns: string, names: string[]): Promise<{ ifindex: number; ifname: string; operstate: string }[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const links = JSON.parse(await ip('-n', ns, '-j', 'link', 'show')) as { ifindex: number; ifname: string; operstate: string }[];
    const down = names.filter((n) => links.find((l) => l.ifname === n)?.operstate !== 'UP');
    if (down.length === 0) return links;
    if (Date.now() > deadline) throw new Error(`lab: links still not up in ${ns} after 10 s: ${down.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ipBatch(ns: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip -n ${ns} -batch: ${err.trim()}`))));
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** A /30 on the management veth no other interface of the root namespace uses. */
async function pickManagementNet(): Promise<{ root: string; sw: string }> {
  const used = new Set<string>();
  const out = JSON.parse(await ip('-j', '-4', 'addr', 'show')) as { addr_info?: { local: string }[] }[];
  for (const l of out) for (const a of l.addr_info ?? []) used.add(a.local.split('.').slice(0, 3).join('.') + '.' + (Number(a.local.split('.')[3]) & ~3));
  for (let tries = 0; tries < 100; tries++) {
    const b = 100 + Math.floor(Math.random() * 100);
    const base = Math.floor(Math.random() * 64) * 4;
    const key = `169.254.${b}.${base}`;
    if (!used.has(key)) return { root: `169.254.${b}.${base + 1}`, sw: `169.254.${b}.${base + 2}` };
  }
  throw new Error('no free 169.254.x.y/30 for the lab management veth');
}

function snmpEnv(mibDir: string): NodeJS.ProcessEnv {
  // No MIB loading: the tools and the agent then print numeric OIDs and no MIB warnings.
  return { ...process.env, MIBS: '', MIBDIRS: mibDir };
}

/** Creates an IXP lab: switch namespace with bridge and snmpd, member namespaces on swp ports. */
export async function createLab(opts: LabOptions = {}): Promise<Lab> {
  sweepStaleLabs();
  const members = opts.members ?? 4;
  const aliases = opts.aliases ?? DEFAULT_ALIASES;
  let cacheTimeout = opts.cacheTimeout ?? 0;
  const id = `ixl${randomBytes(2).toString('hex')}`;
  const switchNs = `${id}-sw`;
  const memberNs = Array.from({ length: members }, (_, i) => `${id}-m${i + 1}`);
  const rootVeth = `${id}mg`;
  mkdirSync(MARKERS, { recursive: true });
  writeFileSync(path.join(MARKERS, id), String(process.pid));
  const work = mkdtempSync(path.join(tmpdir(), `ixmeter-${id}-`));
  const mibDir = path.join(work, 'mibs');
  const persist = path.join(work, 'persist');
  mkdirSync(mibDir);
  mkdirSync(persist);

  const children = new Set<ChildProcess>();
  let destroyed = false;
  const onExit = () => { if (!destroyed) { for (const c of children) if (c.pid) killPid(c.pid); removeLabSync(id); rmSync(work, { recursive: true, force: true }); } };
  process.once('exit', onExit);

  const spawnChild = (args: string[], env?: NodeJS.ProcessEnv, stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess => {
    const child = spawn('ip', args, { stdio: [stdin, 'pipe', 'pipe'], env: env ?? process.env });
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.once('error', () => children.delete(child));
    return child;
  };
  const stopChild = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };

  const mgmt = await pickManagementNet();
  const community = `lab-${randomBytes(6).toString('hex')}`;
  const setupCommunity = `setup-${randomBytes(6).toString('hex')}`;
  const v3 = { user: 'labv3', authProtocol: 'sha' as const, authKey: `auth-${randomBytes(6).toString('hex')}`, privProtocol: 'aes' as const, privKey: `priv-${randomBytes(6).toString('hex')}` };
  const sysName = `${id}-switch`;
  const ports: LabPort[] = [];
  const interfaces = new Map<string, number>();
  let snmpd: ChildProcess | undefined;
  let snmpdLog = '';
  let lossMode: 'netem' | 'nft' | undefined;

  const nsExec = (ns: string, cmd: string, args: string[]) =>
    run('ip', ['netns', 'exec', ns, cmd, ...args], { env: snmpEnv(mibDir), maxBuffer: 64 * 1024 * 1024 });

  const snmpSet = async (sets: [string, 's' | 'i', string][]) => {
    // The setup-only read-write community answers on the switch namespace's loopback only.
    for (let i = 0; i < sets.length; i += 20) {
      const args = ['-v2c', '-c', setupCommunity, '-t', '2', '-r', '2', '127.0.0.1'];
      for (const [oid, type, value] of sets.slice(i, i + 20)) args.push(oid, type, value);
      await nsExec(switchNs, 'snmpset', args);
    }
  };

  const applyAgentSettings = async () => {
    await snmpSet([
      [OID.nsCacheTimeoutIfTable, 'i', String(cacheTimeout)],
      ...ports.map((p) => [`${OID.ifAlias}.${p.ifIndex}`, 's', p.alias] as [string, 's', string]),
    ]);
  };

  const startSnmpd = async (settings = true) => {
    snmpdLog = '';
    const child = spawnChild(['netns', 'exec', switchNs, 'snmpd', '-f', '-Lo', '-p', path.join(work, 'snmpd.pid')], {
      ...snmpEnv(mibDir), SNMPCONFPATH: work, SNMP_PERSISTENT_DIR: persist,
    });
    child.stdout!.on('data', (d) => { snmpdLog += d; });
    child.stderr!.on('data', (d) => { snmpdLog += d; });
    snmpd = child;
    // snmpd reads every interface at start: a few seconds at 2,000 interfaces, far more on a busy machine.
    const end = Date.now() + 20_000 + 30 * (opts.extraInterfaces ?? 0);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`snmpd in ${switchNs} exited: ${snmpdLog.trim()}`);
      try {
        await nsExec(switchNs, 'snmpget', ['-v2c', '-c', setupCommunity, '-t', '0.3', '-r', '0', '127.0.0.1', OID.sysUpTime]);
        break;
      } catch (e) {
        if (Date.now() > end) throw new Error(`snmpd in ${switchNs} did not answer: ${(e as Error).message} ${snmpdLog}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (settings) await applyAgentSettings();
  };

  const lab: Lab = {
    id, switchNs, sysName, host: mgmt.sw, rootAddress: mgmt.root, community, v3, ports, interfaces,
    snmpdLog: () => snmpdLog,

    async restartSnmpd(o: { downMs?: number; settings?: boolean } = {}) {
      if (snmpd) await stopChild(snmpd);
      if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
      await startSnmpd(o.settings ?? true);
    },

    applySettings: () => applyAgentSettings(),

    async setCacheTimeout(seconds: number) {
      cacheTimeout = seconds;
      await snmpSet([[OID.nsCacheTimeoutIfTable, 'i', String(seconds)]]);
    },

    async agentStats() {
      const { stdout } = await nsExec(switchNs, 'snmpget', ['-v2c', '-c', setupCommunity, '-t', '2', '-r', '2', '-Oqv', '127.0.0.1',
        OID.snmpInPkts, OID.snmpInGetRequests, OID.snmpInGetNexts, OID.snmpInSetRequests, OID.snmpOutGetResponses]);
      const v = stdout.trim().split('\n').map(Number);
      return { inPkts: v[0], inGetRequests: v[1], inGetNexts: v[2], inSetRequests: v[3], outGetResponses: v[4] };
    },

    async kernelCounters(names: string[]) {
      const all = JSON.parse(await ip('-n', switchNs, '-s', '-j', 'link', 'show')) as {
        ifname: string; stats64: { rx: { bytes: number; packets: number }; tx: { bytes: number; packets: number } };
      }[];
      const out = new Map<string, KernelCounters>();
      for (const l of all) if (names.includes(l.ifname)) {
        out.set(l.ifname, { rxBytes: l.stats64.rx.bytes, txBytes: l.stats64.tx.bytes, rxPackets: l.stats64.rx.packets, txPackets: l.stats64.tx.packets });
      }
      return out;
    },

    async startSampler(names: string[], everyMs = 20) {
      const child = spawnChild(['netns', 'exec', switchNs, process.execPath, path.join(here, 'sampler.mjs'), '--every', String(everyMs), ...names]);
      const rows: { t: number; c: Record<string, number[]> }[] = [];
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        const r = JSON.parse(line) as { t: number; c: Record<string, string[]> };
        rows.push({ t: r.t, c: Object.fromEntries(Object.entries(r.c).map(([k, v]) => [k, v.map(Number)])) });
      });
      const t0 = Date.now();
      while (rows.length === 0) {
        if (child.exitCode !== null || Date.now() - t0 > 10_000) throw new Error('lab counter sampler did not start');
        await new Promise((r) => setTimeout(r, 20));
      }
      return {
        latest: () => rows[rows.length - 1].t,
        at(name: string, t: number): KernelCounters {
          if (t < rows[0].t || t > rows[rows.length - 1].t) throw new Error(`no ground truth at ${new Date(t).toISOString()} (sampled ${new Date(rows[0].t).toISOString()}..${new Date(rows[rows.length - 1].t).toISOString()})`);
          let lo = 0, hi = rows.length - 1;
          while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (rows[mid].t <= t) lo = mid; else hi = mid; }
          const a = rows[lo], b = rows[hi];
          const f = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
          const v = (i: number) => a.c[name][i] + (b.c[name][i] - a.c[name][i]) * f;
          return { rxBytes: v(0), txBytes: v(1), rxPackets: v(2), txPackets: v(3) };
        },
        async stop() { rl.close(); await stopChild(child); },
      };
    },

    async startTraffic(flows: TrafficFlow[]) {
      const started: { child: ChildProcess; flow?: TrafficFlow; waiters: (() => void)[] }[] = [];
      try {
        for (let m = 1; m <= members; m++) {
          const flow = flows.find((f) => f.from === m);
          const args = ['netns', 'exec', memberNs[m - 1], process.execPath, path.join(here, 'blaster.mjs'), '--bind', `10.99.0.${m}`];
          if (flow) args.push('--to', `10.99.0.${flow.to}`, '--size', String(flow.size ?? 1000));
          const child = spawnChild(args, process.env, 'pipe');
          const entry = { child, flow, waiters: [] as (() => void)[] };
          started.push(entry);
          await new Promise<void>((resolve, reject) => {
            let out = '';
            const rl = createInterface({ input: child.stdout! });
            rl.on('line', (line) => {
              if (line === 'ready') resolve();
              else if (line.startsWith('done')) entry.waiters.shift()?.();
            });
            child.stderr!.on('data', (d) => { out += d; });
            child.once('exit', (code) => reject(new Error(`traffic source in ${memberNs[m - 1]} exited ${code}: ${out}`)));
          });
        }
      } catch (e) {
        await Promise.all(started.map((s) => stopChild(s.child)));
        throw e;
      }
      return {
        async burst(scale = 1) {
          await Promise.all(started.filter((s) => s.flow).map((s) => new Promise<void>((resolve) => {
            s.waiters.push(resolve);
            s.child.stdin!.write(`burst ${Math.round(s.flow!.bytes * scale)} ${s.flow!.rate}\n`);
          })));
        },
        async stop() { await Promise.all(started.map((s) => stopChild(s.child))); },
      };
    },

    async setLoss(percent: number) {
      await lab.clearLoss();
      try {
        await run('tc', ['qdisc', 'add', 'dev', rootVeth, 'root', 'netem', 'loss', `${percent}%`]);
        await run('ip', ['netns', 'exec', switchNs, 'tc', 'qdisc', 'add', 'dev', 'mgmt0', 'root', 'netem', 'loss', `${percent}%`]);
        lossMode = 'netem';
        return;
      } catch {
        await run('tc', ['qdisc', 'del', 'dev', rootVeth, 'root']).catch(() => undefined);
      }
      // This kernel has no sch_netem: drop the same share with nftables inside the switch namespace,
      // on the management veth only, requests in and responses out.
      const rules = `table inet ixlab {
  chain in { type filter hook input priority 0; policy accept; iifname "mgmt0" numgen random mod 100 < ${percent} counter drop; }
  chain out { type filter hook output priority 0; policy accept; oifname "mgmt0" numgen random mod 100 < ${percent} counter drop; }
}
`;
      const file = path.join(work, 'loss.nft');
      writeFileSync(file, rules);
      await run('ip', ['netns', 'exec', switchNs, 'nft', '-f', file]);
      lossMode = 'nft';
    },

    async lossDropped() {
      if (lossMode === 'netem') {
        let n = 0;
        for (const out of [(await run('tc', ['-s', 'qdisc', 'show', 'dev', rootVeth])).stdout,
          (await run('ip', ['netns', 'exec', switchNs, 'tc', '-s', 'qdisc', 'show', 'dev', 'mgmt0'])).stdout]) {
          for (const m of out.matchAll(/dropped (\d+)/g)) n += Number(m[1]);
        }
        return n;
      }
      if (lossMode === 'nft') {
        const out = (await run('ip', ['netns', 'exec', switchNs, 'nft', 'list', 'table', 'inet', 'ixlab'])).stdout;
        return [...out.matchAll(/counter packets (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
      }
      return 0;
    },

    async clearLoss() {
      if (lossMode === 'netem') {
        await run('tc', ['qdisc', 'del', 'dev', rootVeth, 'root']).catch(() => undefined);
        await run('ip', ['netns', 'exec', switchNs, 'tc', 'qdisc', 'del', 'dev', 'mgmt0', 'root']).catch(() => undefined);
      } else if (lossMode === 'nft') {
        await run('ip', ['netns', 'exec', switchNs, 'nft', 'delete', 'table', 'inet', 'ixlab']).catch(() => undefined);
      }
      lossMode = undefined;
    },

    async destroy() {
      if (destroyed) return;
      await Promise.all([...children].map(stopChild));
      removeLabSync(id);
      rmSync(work, { recursive: true, force: true });
      destroyed = true;
      process.removeListener('exit', onExit);
    },
  };

  try {
    // Namespaces first, IPv6 off everywhere so the only traffic is the lab's own.
    for (const ns of [switchNs, ...memberNs]) {
      await ip('netns', 'add', ns);
      await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    const sw: string[] = ['link add br0 type bridge', 'link set br0 up'];
    for (let m = 1; m <= members; m++) {
      await ip('link', 'add', 'eth0', 'netns', memberNs[m - 1], 'type', 'veth', 'peer', 'name', `swp${m}`, 'netns', switchNs);
      await ipBatch(memberNs[m - 1], [`addr add 10.99.0.${m}/24 dev eth0`, 'link set eth0 up']);
      sw.push(`link set swp${m} master br0`, `link set swp${m} up`);
    }
    for (let d = 1; d <= (opts.extraInterfaces ?? 0); d++) sw.push(`link add d${d} type ifb`, `link set d${d} up`);
    await ipBatch(switchNs, sw);
    // The management path: a veth from the root namespace into the switch namespace, one /30 on it.
    await ip('link', 'add', rootVeth, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', switchNs);
    await ip('addr', 'add', `${mgmt.root}/30`, 'dev', rootVeth);
    await ip('link', 'set', rootVeth, 'up');
    await ipBatch(switchNs, [`addr add ${mgmt.sw}/30 dev mgmt0`, 'link set mgmt0 up']);

    // A veth's carrier comes up a moment after `link set up` (the kernel's link watch runs deferred), and the
    // agent reports ifOperStatus from it: wait until every port and the management link are really up.
    const wanted = [...Array.from({ length: members }, (_, i) => `swp${i + 1}`), 'mgmt0'];
    const links = await waitForCarrier(switchNs, wanted);
    for (const l of links) interfaces.set(l.ifname, l.ifindex);
    for (let m = 1; m <= members; m++) {
      ports.push({ name: `swp${m}`, ifIndex: interfaces.get(`swp${m}`)!, alias: aliases[(m - 1) % aliases.length], memberNs: memberNs[m - 1], address: `10.99.0.${m}` });
    }

    const conf = [
      `agentAddress udp:${mgmt.sw}:161,udp:127.0.0.1:161`,
      `rocommunity ${community} ${mgmt.root}/32`,
      `rwcommunity ${setupCommunity} 127.0.0.1/32`,
      `createUser ${v3.user} SHA "${v3.authKey}" AES "${v3.privKey}"`,
      `rouser ${v3.user} priv`,
      `sysName ${sysName}`,
      `sysDescr ixmeter lab switch ${id} (Linux bridge, net-snmp)`,
      'sysLocation ixmeter lab',
      'sysContact lab@example.invalid',
      'dontLogTCPWrappersConnects yes',
      // Member ports look like 10G Ethernet ports (ifType 6, ifSpeed in bit/s).
      ...ports.map((p) => `interface ${p.name} 6 10000000000`),
      '',
    ].join('\n');
    writeFileSync(path.join(work, 'snmpd.conf'), conf, { mode: 0o600 });
    await startSnmpd();
  } catch (e) {
    await lab.destroy();
    throw e;
  }
  return lab;
}

/** A lab of four members with the kernel counter sampler (every 10 ms) and `flows` running: what rate tests start with. */
export interface TrafficLab { lab: Lab; sampler: Sampler; traffic: Traffic; portNames: string[] }

export async function startTrafficLab(flows: TrafficFlow[]): Promise<TrafficLab> {
  const lab = await createLab({ members: 4 });
  try {
    const portNames = lab.ports.map((p) => p.name);
    const sampler = await lab.startSampler(portNames, 10);
    const traffic = await lab.startTraffic(flows);
    return { lab, sampler, traffic, portNames };
  } catch (e) {
    await lab.destroy();
    throw e;
  }
}

/** Stops what startTrafficLab started (loss rules first), whatever of it exists. */
export async function stopTrafficLab(t: Partial<TrafficLab>): Promise<void> {
  await t.lab?.clearLoss();
  await t.traffic?.stop();
  await t.sampler?.stop();
  await t.lab?.destroy();
}
