// `ixmeter run` probing latency (its one switch is polled hourly only) whose store's disk fills up: the failed latency write stops
// the collector with the store-failure exit code (3), as a failed poll write does, rather than probing on
// without a record. A tiny tmpfs mounted by the test (the suite runs as root) plays the SD card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { execFileP, startProc, waitFor } from '../../helpers/proc.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let mnt: string;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-latfull-'));
  mnt = path.join(work, 'disk');
  await execFileP('mkdir', ['-p', mnt]);
  await execFileP('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
});

afterAll(async () => {
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

describe('ixmeter run probing latency with a full disk', () => {
  it('exits with code 3 and a message naming the store and the latency round', { timeout: 300_000 }, async () => {
    const dbFile = path.join(mnt, 'ixmeter.db');
    const cfg = path.join(work, 'ixmeter.yaml');
    writeFileSync(cfg, `
switches:
  - { name: quiet, host: 127.0.0.1, port: 9, snmp: { version: "2c", community: public } }
polling: { interval: 3600 }
store: { path: ${dbFile} }
metrics: { listen: "" }
alerts: { enabled: false }
latency:
  interval: 10
  pings: 2
  periodMs: 100
  timeoutMs: 500
  ixfRouters: false
  routers: [{ asn: 65001, address: 127.0.0.1 }]
`);
    // The switch is polled at the top of each hour (a poll row is a store write too): keep clear of it.
    const toHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toHour < 120_000) await new Promise((r) => setTimeout(r, toHour + 15_000));
    const proc = startProc('node', ['bin/ixmeter.mjs', 'run', '--config', cfg], { cwd: ROOT, env: { ...process.env, NOTIFY_SOCKET: '' } });
    try {
      await waitFor('a stored latency round', () => {
        try {
          const db = new Database(dbFile, { readonly: true, fileMustExist: true });
          try { return (db.prepare('SELECT count(*) n FROM latency WHERE received > 0').get() as { n: number }).n >= 1; } finally { db.close(); }
        } catch { return false; }
      }, 40_000, 200);
      fillDisk(path.join(mnt, 'ballast'));
      const code = await Promise.race([proc.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 60_000))]);
      expect(code, proc.output().slice(-2000)).toBe(3);
      expect(proc.output()).toMatch(new RegExp(`local store ${dbFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: store latency round: .*disk full`));
      expect(proc.output()).toMatch(/stopping the collector rather than polling without a record/);
    } finally {
      await proc.stop('SIGKILL');
    }
  });
});
