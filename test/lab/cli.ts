// Runs the real `ixmeter` CLI against a lab switch and checks its output against the lab's ground
// truth. Test helper only: spawns `node bin/ixmeter.mjs`, never talks SNMP itself.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Lab, Sampler } from './lab.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** One port of one `poll --json` line (the contract in issue 2). */
export interface PollPort {
  ifIndex: number;
  name: string;
  inBps: number | null;
  outBps: number | null;
  inPps: number | null;
  outPps: number | null;
  gap: boolean;
}
export interface PollLine { t: string; interval: number; ports: PollPort[] }

/** Runs `node bin/ixmeter.mjs ARGS`; `onLine` sees each stdout line as it arrives. */
export function ixmeter(args: string[], onLine?: (line: string) => void, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/ixmeter.mjs', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (l) => { stdout += l + '\n'; onLine?.(l); });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Target options for the lab switch over v2c. */
export function v2c(lab: Lab, community = lab.community): string[] {
  return ['--target', lab.host, '--community', community];
}

/** Target options for the lab switch over v3 authPriv (SHA/AES). */
export function v3(lab: Lab, over: { user?: string; authKey?: string; privKey?: string } = {}): string[] {
  return ['--target', lab.host, '--v3-user', over.user ?? lab.v3.user, '--auth-protocol', 'sha', '--auth-key', over.authKey ?? lab.v3.authKey,
    '--priv-protocol', 'aes', '--priv-key', over.privKey ?? lab.v3.privKey];
}

/** Parses a `poll --json` stdout line; undefined for a line that is not an interval record. */
export function parsePollLine(line: string): PollLine | undefined {
  try {
    const o = JSON.parse(line) as Partial<PollLine>;
    return typeof o.t === 'string' && typeof o.interval === 'number' && Array.isArray(o.ports) ? (o as PollLine) : undefined;
  } catch { return undefined; }
}

/** What one reported rate is checked against. */
export interface Check {
  t: string;
  port: string;
  what: 'in bytes' | 'out bytes' | 'in packets' | 'out packets';
  reported: number;
  /** The kernel's count over the window, at the narrowest and widest reading of it. */
  low: number;
  high: number;
  ok: boolean;
}

/**
 * Compares one interval's reported rates with the kernel's counters over the same window
 * (`t - interval` .. `t`). The agent read its counters at most `slackMs` before each response, so the
 * truth lies between the kernel's count over [start, end - slack] and over [start - slack, end]; the
 * lab keeps traffic quiet around polls, so the two are normally equal. Allowed error: 1 % plus `absBytes`
 * (one ARP frame or so on an idle port), for packets 1 % plus 2.
 */
export function checkInterval(line: PollLine, sampler: Sampler, ports: string[], slackMs: number, absBytes = 200): Check[] {
  const end = Date.parse(line.t);
  const start = end - line.interval * 1000;
  const out: Check[] = [];
  for (const p of line.ports) {
    if (!ports.includes(p.name) || p.gap) continue;
    const e0 = sampler.at(p.name, end);
    const e1 = sampler.at(p.name, end - slackMs);
    const s0 = sampler.at(p.name, start);
    const s1 = sampler.at(p.name, start - slackMs);
    const pairs: [Check['what'], number | null, keyof typeof e0, number][] = [
      ['in bytes', p.inBps === null ? null : (p.inBps / 8) * line.interval, 'rxBytes', absBytes],
      ['out bytes', p.outBps === null ? null : (p.outBps / 8) * line.interval, 'txBytes', absBytes],
      ['in packets', p.inPps === null ? null : p.inPps * line.interval, 'rxPackets', 2],
      ['out packets', p.outPps === null ? null : p.outPps * line.interval, 'txPackets', 2],
    ];
    for (const [what, reported, key, abs] of pairs) {
      if (reported === null) continue;
      const low = e1[key] - s0[key];
      const high = e0[key] - s1[key];
      const ok = reported >= low * 0.99 - abs && reported <= high * 1.01 + abs;
      out.push({ t: line.t, port: p.name, what, reported: Math.round(reported), low: Math.round(low), high: Math.round(high), ok });
    }
  }
  return out;
}
