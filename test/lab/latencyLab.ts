// The latency lab: the IXP lab (lab.ts) with IPv6 on, a collector namespace on the peering LAN that runs
// fping, member routers answering on IPv4 and IPv6, and a slow "international" host whose echo replies
// come from a userspace responder (slow-echo.py) after a fixed delay. All inside the lab's namespaces.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLab, type Lab } from './lab.ts';
import { REPO, type CliResult } from './cli.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface LatencyHost { ns: string; v4: string; v6: string }

export interface LatencyLab {
  lab: Lab;
  /** Members' routers (lab members 1..members). */
  routers: LatencyHost[];
  /** The namespace fping runs in (a lab member port of its own). */
  collector: LatencyHost;
  /** The slow "international" reference, answering after `delayMs`. */
  remote: LatencyHost;
  delayMs: number;
  /** Runs a command in a lab namespace (no shell). */
  exec(ns: string, cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** `ixmeter ARGS` in the collector namespace, optionally as another user through setpriv. */
  ixmeter(args: string[], opts?: { withoutNetRaw?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>;
  /** nftables in `ns`: drop `percent` % of incoming echo requests (IPv4 and IPv6); returns how many were dropped so far via dropped(). */
  dropEchoRequests(ns: string, percent: number): Promise<void>;
  /** Echo requests dropped by dropEchoRequests in `ns`. */
  dropped(ns: string): Promise<number>;
  /** nftables in `ns`: drop every packet in and out (an unreachable host), or undo it. */
  blackhole(ns: string, on: boolean): Promise<void>;
  clear(ns: string): Promise<void>;
  destroy(): Promise<void>;
}

/** Creates the IXP lab with `members` routers, the collector and the slow host (delay `delayMs`). */
export async function createLatencyLab(opts: { members?: number; delayMs?: number } = {}): Promise<LatencyLab> {
  const members = opts.members ?? 3;
  const delayMs = opts.delayMs ?? 150;
  const lab = await createLab({ members: members + 2 });
  const work = mkdtempSync(path.join(tmpdir(), `ixmeter-${lab.id}-lat-`));
  let responder: ChildProcess | undefined;
  const exec = async (ns: string, cmd: string, args: string[]) => {
    try {
      return await run('ip', ['netns', 'exec', ns, cmd, ...args], { maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`${ns}: ${cmd} ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
    }
  };
  const host = (m: number): LatencyHost => ({ ns: lab.ports[m - 1].memberNs, v4: lab.ports[m - 1].address, v6: `fd99::${m}` });
  const routers = Array.from({ length: members }, (_, i) => host(i + 1));
  const collector = host(members + 1);
  const remote = host(members + 2);
  const nft = async (ns: string, rules: string) => {
    const file = path.join(work, `${ns}.nft`);
    writeFileSync(file, rules);
    await exec(ns, 'nft', ['-f', file]);
  };
  const clear = async (ns: string) => { await exec(ns, 'nft', ['delete', 'table', 'inet', 'ixlat']).catch(() => undefined); };

  const ll: LatencyLab = {
    lab, routers, collector, remote, delayMs, exec,
    ixmeter(args, o = {}) {
      // Without CAP_NET_RAW in the bounding set (what a unit without the capability gives): the same user, so the run
      // does not depend on who may read the checkout (a clone in a 0700 folder is unreadable to nobody).
      const pre = o.withoutNetRaw ? ['setpriv', '--bounding-set', '-net_raw'] : [];
      return new Promise((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', collector.ns, ...pre, process.execPath, 'bin/ixmeter.mjs', ...args],
          { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
        child.once('error', reject);
        child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
      });
    },
    async dropEchoRequests(ns, percent) {
      await clear(ns);
      await nft(ns, `table inet ixlat {
  chain in { type filter hook input priority 0; policy accept;
    icmp type echo-request numgen random mod 100 < ${percent} counter drop
    icmpv6 type echo-request numgen random mod 100 < ${percent} counter drop
  }
}
`);
    },
    async dropped(ns) {
      const out = (await exec(ns, 'nft', ['list', 'table', 'inet', 'ixlat'])).stdout;
      return [...out.matchAll(/counter packets (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    },
    async blackhole(ns, on) {
      await clear(ns);
      if (on) {
        await nft(ns, `table inet ixlat {
  chain in { type filter hook input priority 0; policy drop; }
  chain out { type filter hook output priority 0; policy drop; }
}
`);
      }
    },
    clear,
    async destroy() {
      if (responder && responder.exitCode === null) {
        const exited = new Promise((r) => responder!.once('exit', r));
        responder.kill('SIGTERM');
        await exited;
      }
      await lab.destroy();
      rmSync(work, { recursive: true, force: true });
    },
  };

  try {
    // lab.ts turns IPv6 off everywhere; the latency lab wants it on the routers, the collector and the slow host.
    // nodad: an address still in duplicate address detection drops the first second of pings.
    for (const h of [...routers, collector, remote]) {
      await exec(h.ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=0', 'net.ipv6.conf.default.disable_ipv6=0', 'net.ipv6.conf.eth0.disable_ipv6=0']);
      await exec(h.ns, 'ip', ['-6', 'addr', 'add', `${h.v6}/64`, 'dev', 'eth0', 'nodad']);
    }
    await exec(remote.ns, 'sysctl', ['-q', '-w', 'net.ipv4.icmp_echo_ignore_all=1', 'net.ipv6.icmp.echo_ignore_all=1']);
    responder = spawn('ip', ['netns', 'exec', remote.ns, 'python3', path.join(here, 'slow-echo.py'), String(delayMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    responder.stderr!.on('data', (d) => { said += d; });
    await new Promise<void>((resolve, reject) => {
      const rl = createInterface({ input: responder!.stdout! });
      rl.on('line', (l) => { if (l === 'ready') resolve(); });
      responder!.once('exit', (code) => reject(new Error(`slow echo responder exited ${code}: ${said}`)));
    });
  } catch (e) {
    await ll.destroy();
    throw e;
  }
  return ll;
}
