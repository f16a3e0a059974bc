// The only place that spawns Debian's fping: one process per round for all targets (`-C N -q`, as
// smokeping's FPing probe runs it), its stderr report parsed by rounds.ts. Failures that are the
// installation's (no fping, no raw socket) become an FpingError naming the fix, never a 100 % loss.
import { spawn } from 'node:child_process';
import { fpingArgs, parseReport, ReportError, roundBudgetMs, type RoundOptions, type TargetResult } from './rounds.ts';

/** Why a round produced no results. */
export type FpingFailure = 'missing' | 'no-raw-socket' | 'bad-address' | 'bad-arguments' | 'hung' | 'failed';

export class FpingError extends Error {
  constructor(message: string, readonly failure: FpingFailure, readonly exitCode: number | null = null) { super(message); }
}

export interface FpingRound {
  results: TargetResult[];
  /** fping's exit code: 0 every target answered, 1 some did not. */
  exitCode: number;
  /** fping's other stderr lines (ICMP unreachable messages, warnings). */
  other: string[];
  /** Wall time the round took (ms). */
  durationMs: number;
}

export interface FpingOptions extends RoundOptions {
  /** The fping program (default `fping`, looked up in PATH). */
  fping?: string;
}

export const NO_RAW_SOCKET_HINT = 'fping cannot open a raw ICMP socket (exit 4): run it as root, or give it CAP_NET_RAW ' +
  '(Debian sets it: `setcap cap_net_raw+ep /usr/bin/fping`); a systemd unit with NoNewPrivileges=yes drops that file ' +
  'capability and needs AmbientCapabilities=CAP_NET_RAW';

/** Runs one round over `targets` (canonical literal addresses, see canonicalAddress). */
export function runFping(targets: string[], o: FpingOptions): Promise<FpingRound> {
  const program = o.fping ?? 'fping';
  if (targets.length === 0) return Promise.resolve({ results: [], exitCode: 0, other: [], durationMs: 0 });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(program, fpingArgs(targets, o), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    } catch (e) {
      reject(new FpingError(`cannot start ${program}: ${(e as Error).message}`, 'failed'));
      return;
    }
    let stderr = '';
    let hung = false;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => { if (stderr.length < 4_000_000) stderr += d; });
    const budget = roundBudgetMs(targets.length, o);
    const timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, budget);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT') {
        reject(new FpingError(`${program} not found: install Debian's fping (\`apt-get install fping\`) or set latency.fping to its path`, 'missing'));
      } else if (e.code === 'EACCES' || e.code === 'EPERM') {
        reject(new FpingError(`${program} cannot be executed (${e.code}): check its permissions, or the unit's capability bounding set allows CAP_NET_RAW`, 'failed'));
      } else {
        reject(new FpingError(`cannot start ${program}: ${e.message}`, 'failed'));
      }
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      const said = stderr.trim().split('\n').slice(0, 3).join(' | ');
      if (hung) { reject(new FpingError(`${program} did not finish within ${budget} ms and was killed`, 'hung')); return; }
      if (code === null) { reject(new FpingError(`${program} was killed by ${signal}`, 'failed')); return; }
      if (code === 4) { reject(new FpingError(NO_RAW_SOCKET_HINT, 'no-raw-socket', 4)); return; }
      if (code === 2) { reject(new FpingError(`${program} could not use one of the addresses ${targets.join(", ")} (exit 2)${said ? `: ${said}` : ''}`, 'bad-address', 2)); return; }
      if (code === 3) { reject(new FpingError(`${program} rejected its arguments (exit 3)${said ? `: ${said}` : ''}`, 'bad-arguments', 3)); return; }
      if (code !== 0 && code !== 1) { reject(new FpingError(`${program} exited ${code}${said ? `: ${said}` : ''}`, 'failed', code)); return; }
      try {
        const { results, other } = parseReport(stderr, targets, o.pings);
        resolve({ results, exitCode: code, other, durationMs });
      } catch (e) {
        if (e instanceof ReportError) reject(new FpingError(e.message, 'failed', code));
        else reject(e);
      }
    });
  });
}
