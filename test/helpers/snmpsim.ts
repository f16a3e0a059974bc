// Starts Debian's snmpsim on a free loopback UDP port over a data folder of .snmprec files
// (community = file name without .snmprec). See ../shared/data/snmprec/README.md.
import { mkdtempSync, cpSync, chmodSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from './ports.ts';
import { startProc, waitFor, execFileP, type Proc } from './proc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** ../shared/data/snmprec beside the checkout. */
export const SNMPREC_DIR = path.resolve(here, '../../../shared/data/snmprec');
export const RECORDINGS = ['arista_eos', 'edgecos_dcs203', 'iosxe_c9500x-svl', 'jetstream', 'junos_qfx5100', 'nxos_n3k-3064pq', 'routeros_crs317', 'slxos_slx9150'];

export interface SnmpSim {
  host: string;
  port: number;
  dataDir: string;
  proc: Proc;
  stop(): Promise<void>;
}

function simBinary(): string {
  for (const b of ['/usr/bin/snmpsim-command-responder', '/usr/bin/snmpsimd', '/usr/bin/snmpsimd.py']) if (existsSync(b)) return b;
  throw new Error('snmpsim is not installed (apt-get install snmpsim; npm test installs it)');
}

/**
 * Serve `files` (absolute .snmprec paths, or a prepared folder) with snmpsim.
 * `readyCommunity` is polled with snmpget until it answers.
 */
export async function startSnmpSim(opts: { files?: string[]; dataDir?: string; readyCommunity: string }): Promise<SnmpSim> {
  const work = mkdtempSync(path.join(tmpdir(), 'ixm-snmpsim-'));
  const dataDir = opts.dataDir ?? path.join(work, 'data');
  if (!opts.dataDir) {
    cpSync(SNMPREC_DIR, dataDir, { recursive: true, filter: (src) => !src.endsWith('.md') && (src === SNMPREC_DIR || !opts.files || opts.files.includes(src)) });
  }
  chmodSync(work, 0o755);
  const cache = path.join(work, 'cache');
  await execFileP('mkdir', ['-p', cache]);
  await execFileP('chmod', ['-R', 'a+rX', dataDir]);
  await execFileP('chown', ['nobody:nogroup', cache]);
  const port = await freeUdpPort();
  const proc = startProc(simBinary(), [
    `--data-dir=${dataDir}`, `--cache-dir=${cache}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    '--process-user=nobody', '--process-group=nogroup', '--logging-method=null',
  ]);
  try {
    await waitFor('snmpsim', async () => {
      if (proc.child.exitCode !== null) throw new Error(`snmpsim exited: ${proc.output()}`);
      await execFileP('snmpget', ['-v2c', '-c', opts.readyCommunity, '-t', '0.3', '-r', '0', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.3.0']);
      return true;
    }, 30_000, 200);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    host: '127.0.0.1', port, dataDir, proc,
    async stop() { await proc.stop(); rmSync(work, { recursive: true, force: true }); },
  };
}
