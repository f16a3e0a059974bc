// Boots a real systemd (Debian's, as PID 1) in a container over a tmpfs root with the host's /usr
// (systemd-nspawn --volatile=yes --private-network), and drives it through nsenter. No image is built;
// what apt enabled on this machine is masked so that boot and shutdown stay fast. stop() never leaves it running.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { startProc, waitFor, sleep, type Proc } from './proc.ts';

export interface Bind { src: string; dest: string; ro?: boolean }

export interface ExecResult { code: number; out: string; stdout: string; stderr: string }

export interface Container {
  name: string;
  /** PID of the container's systemd, as the host sees it. */
  pid: number;
  /** Runs a command inside the container (all its namespaces, its root); never rejects. */
  exec(cmd: string, args?: string[], opts?: { input?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** Like exec, but throws with the output when the exit code is not 0. */
  run(cmd: string, args?: string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** The container's console output so far (boot and shutdown messages). */
  console(): string;
  /** systemctl poweroff, then (after a bounded wait) SIGKILL of its PID 1 and of nspawn. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Units this machine enables (links under /etc/systemd/system/*.wants) plus the servers the test machine
 * runs: none of them belongs in the container, and each could hold up shutdown by its stop timeout.
 */
export function unitsToMask(): string[] {
  const set = new Set(['influxdb.service', 'victoria-metrics.service', 'nginx.service', 'snmpd.service', 'snmptrapd.service',
    'postgresql.service', 'pmacctd.service', 'nfacctd.service', 'sfacctd.service', 'uacctd.service', 'nftables.service',
    'cloud-init.service', 'systemd-firstboot.service', 'cloud-init-local.service', 'cloud-config.service', 'cloud-final.service', 'systemd-timesyncd.service',
    'apt-daily.timer', 'apt-daily-upgrade.timer', 'man-db.timer', 'e2scrub_all.timer', 'fstrim.timer', 'dpkg-db-backup.timer']);
  const etc = '/etc/systemd/system';
  for (const d of existsSync(etc) ? readdirSync(etc) : []) {
    if (!d.endsWith('.wants')) continue;
    for (const u of readdirSync(`${etc}/${d}`)) if (/\.(service|timer|socket)$/.test(u) && !u.includes('@')) set.add(u);
  }
  return [...set].sort();
}

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch { return []; }
}

/** The container's PID 1 (a systemd) below the nspawn process. */
function findInit(nspawnPid: number): number | undefined {
  const queue = [nspawnPid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const c of children(p)) {
      let comm = '';
      try { comm = readFileSync(`/proc/${c}/comm`, 'utf8').trim(); } catch { continue; }
      if (comm === 'systemd') return c;
      queue.push(c);
    }
  }
  return undefined;
}

function execIn(pid: number, cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', ['-t', String(pid), '-a', '--', cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', MIBS: '' } });
    let stdout = ''; let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => { stderr += `spawn nsenter: ${e.message}`; });
    child.on('close', (code, signal) => { clearTimeout(t); resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, out: stdout + stderr }); });
    child.stdin.on('error', () => { /* the command exited without reading its input */ });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Kills containers of this helper (machine name ixm-<hex>) whose test process died without stopping them: their
 * systemd-nspawn was re-parented to PID 1. A running test's container still has its test process as parent.
 */
export function sweepStaleContainers(): number[] {
  const killed: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let cmdline: string[];
    let ppid: number;
    try {
      cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
    } catch { continue; }
    if (!cmdline[0]?.endsWith('systemd-nspawn') || !cmdline.some((a) => /^--machine=ixm-[0-9a-f]{8}$/.test(a))) continue;
    if (ppid !== 1) continue;
    const init = findInit(Number(d));
    try { if (init) process.kill(init, 'SIGKILL'); process.kill(Number(d), 'SIGKILL'); killed.push(Number(d)); } catch { /* gone */ }
  }
  return killed;
}

/**
 * Boot a container. `binds` are bind mounts from the host (read-only unless ro: false); `tmpfs` empty writable
 * folders (e.g. /usr/local/bin, since the host's /usr is read-only in the container); `mask` more units to mask.
 * Resolves when the container's systemd reports running or degraded (and says which units failed when degraded).
 */
export async function bootContainer(opts: { binds?: Bind[]; tmpfs?: string[]; mask?: string[]; bootTimeoutMs?: number } = {}): Promise<Container> {
  sweepStaleContainers();
  const name = `ixm-${randomBytes(4).toString('hex')}`;
  const masks = [...new Set([...unitsToMask(), ...(opts.mask ?? [])])];
  const args = ['-D', '/', '--volatile=yes', '--private-network', '--register=no', '--keep-unit', `--machine=${name}`, '--console=pipe', '--quiet',
    ...(opts.binds ?? []).map((b) => `${b.ro === false ? '--bind' : '--bind-ro'}=${b.src}:${b.dest}`),
    ...(opts.tmpfs ?? []).map((t) => `--tmpfs=${t}`),
    '-b', '--', 'systemd.firstboot=off', 'systemd.unit=multi-user.target', 'systemd.show_status=0', ...masks.map((u) => `systemd.mask=${u}`)];
  const bootStart = Date.now();
  const proc: Proc = startProc('systemd-nspawn', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let init: number | undefined;
  let stopped = false;
  const c: Container = {
    name,
    get pid() { return init ?? -1; },
    exec: (cmd, a = [], o = {}) => (init ? execIn(init, cmd, a, o) : Promise.resolve({ code: 127, stdout: '', stderr: 'container not running', out: 'container not running' })),
    async run(cmd, a = [], o = {}) {
      const r = await c.exec(cmd, a, o);
      if (r.code !== 0) throw new Error(`in container ${name}: ${cmd} ${a.join(' ')}: exit ${r.code}\n${r.out}`);
      return r.stdout;
    },
    console: () => proc.output(),
    async stop() {
      if (stopped) return;
      stopped = true;
      const stopStart = Date.now();
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        if (init) await execIn(init, 'systemctl', ['poweroff', '--no-block'], { timeoutMs: 10_000 });
        const end = Date.now() + 30_000;
        while (proc.child.exitCode === null && proc.child.signalCode === null && Date.now() < end) await sleep(100);
        if (proc.child.exitCode === null && proc.child.signalCode === null) {
          // PID 1 of a pid namespace takes every process of the container with it.
          if (init) { try { process.kill(init, 'SIGKILL'); } catch { /* already gone */ } }
          await Promise.race([proc.exited, sleep(5000)]);
          await proc.stop('SIGKILL');
          process.stderr.write(`container ${name} did not power off within 30 s: killed\n`);
        }
        process.stdout.write(`container ${name} stopped in ${Date.now() - stopStart} ms\n`);
      }
    },
  };
  try {
    const found = await waitFor('the container\'s systemd', () => (proc.child.exitCode !== null ? -1 : findInit(proc.child.pid!)), 20_000, 50);
    if (found < 0) throw new Error(`systemd-nspawn exited ${proc.child.exitCode}`);
    init = found;
    const state = await waitFor('the container to finish booting', async () => {
      const r = await execIn(init!, 'systemctl', ['is-system-running', '--wait'], { timeoutMs: 10_000 });
      const s = r.stdout.trim();
      return s === 'running' || s === 'degraded' ? s : undefined;
    }, opts.bootTimeoutMs ?? 60_000, 200);
    process.stdout.write(`container ${name} booted (${state}) in ${Date.now() - bootStart} ms\n`);
    if (state === 'degraded') {
      const failed = await execIn(init, 'systemctl', ['list-units', '--failed', '--plain', '--no-legend']);
      process.stderr.write(`container ${name} booted degraded:\n${failed.out}`);
    }
  } catch (e) {
    await c.stop();
    throw new Error(`booting container ${name}: ${(e as Error).message}\n${proc.output().slice(-4000)}`);
  }
  return c;
}
