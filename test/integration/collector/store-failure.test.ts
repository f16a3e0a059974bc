// `ixmeter run` whose store's disk fills up: the collector says so in one clear line and exits with
// code 3 (systemd restarts it), rather than keep polling without a record. A tiny tmpfs mounted by
// the test (the suite runs as root) plays the SD card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SNMPREC_DIR, startSnmpSim, type SnmpSim } from '../../helpers/snmpsim.ts';
import { execFileP, startProc, waitFor } from '../../helpers/proc.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let sim: SnmpSim;
let mnt: string;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-full-'));
  mnt = path.join(work, 'disk');
  await execFileP('mkdir', ['-p', mnt]);
  await execFileP('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
  sim = await startSnmpSim({ files: [path.join(SNMPREC_DIR, 'arista_eos.snmprec')], readyCommunity: 'arista_eos' });
});

afterAll(async () => {
  await sim?.stop();
  if (mnt) await execFileP('umount', [mnt]).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Writes a ballast file until the file system has no byte left. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try { for (;;) writeSync(fd, chunk); } catch { /* ENOSPC */ }
  try { for (;;) writeSync(fd, chunk, 0, 1); } catch { /* the last bytes */ }
  closeSync(fd);
}

describe('ixmeter run with a full disk', () => {
  it('exits with code 3 and a clear message naming the store', async () => {
    const dbFile = path.join(mnt, 'ixmeter.db');
    const cfg = path.join(work, 'ixmeter.yaml');
    writeFileSync(cfg, `
switches:
  - { name: arista, host: 127.0.0.1, port: ${sim.port}, snmp: { version: "2c", community: arista_eos } }
polling: { interval: 1 }
store: { path: ${dbFile} }
metrics: { listen: "" }
alerts: { enabled: false }
`);
    const proc = startProc('node', ['bin/ixmeter.mjs', 'run', '--config', cfg], { cwd: ROOT, env: { ...process.env, NOTIFY_SOCKET: '' } });
    try {
      await waitFor('two stored polls', () => {
        try {
          const db = new Database(dbFile, { readonly: true, fileMustExist: true });
          try { return (db.prepare('SELECT count(*) n FROM polls WHERE ok = 1').get() as { n: number }).n >= 2; } finally { db.close(); }
        } catch { return false; }
      }, 30_000, 200);
      fillDisk(path.join(mnt, 'ballast'));
      const code = await Promise.race([proc.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 45_000))]);
      expect(code, proc.output().slice(-2000)).toBe(3);
      expect(proc.output()).toMatch(new RegExp(`local store ${dbFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*disk full`));
      expect(proc.output()).toMatch(/stopping the collector rather than polling without a record/);
    } finally {
      await proc.stop('SIGKILL');
    }
  });
});
