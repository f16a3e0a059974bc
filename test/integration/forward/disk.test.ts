// The store's disk full or read-only: writePoll throws a StoreError that names the file and says
// what is wrong, nothing of the failed poll is half-written, and what was stored before stays
// intact. Uses a tiny tmpfs mounted by the test (the suite runs as root).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileP } from '../../helpers/proc.ts';
import { createStore, StoreError, type Store } from '../../../collector/store/index.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { T0 } from './fixture.ts';

let mnt: string;
beforeAll(async () => {
  mnt = mkdtempSync(path.join(tmpdir(), 'ixm-tiny-'));
  await execFileP('mount', ['-t', 'tmpfs', '-o', 'size=768k', 'tmpfs', mnt]);
});
afterAll(async () => {
  if (mnt) { await execFileP('umount', [mnt]).catch(() => undefined); rmSync(mnt, { recursive: true, force: true }); }
});

const open = (file: string): Store => {
  const s = createStore({ path: file, retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } });
  s.open();
  return s;
};
const counts = (s: Store) => s.db.prepare('SELECT (SELECT count(*) FROM rates) r, (SELECT count(*) FROM polls) p, (SELECT count(*) FROM ports) o').get();

/** Fills the file system with a ballast file until no byte more fits. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try { for (;;) writeSync(fd, chunk); } catch { /* ENOSPC: full */ }
  try { for (;;) writeSync(fd, chunk, 0, 1); } catch { /* the last bytes */ }
  closeSync(fd);
}

describe('store on a full or read-only disk', () => {
  it('disk full: a clear StoreError, the failed poll not half-written, earlier data intact', async () => {
    const file = path.join(mnt, 'full', 'ixmeter.db');
    const s = open(file);
    const sw = new SynthSwitch('sw1', 40);
    let t = T0;
    for (let i = 0; i < 3; i++, t += 60_000) { const p = sw.poll(t); s.writePoll(p.poll, p.sample, p.result); }
    const before = counts(s);
    fillDisk(path.join(mnt, 'ballast'));
    let err: unknown;
    try {
      // Enough polls to need new pages: the WAL cannot grow.
      for (let i = 0; i < 50; i++, t += 60_000) { const p = sw.poll(t); s.writePoll(p.poll, p.sample, p.result); }
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(new RegExp(`^local store ${file}: store poll of switch sw1: disk full \\(SQLITE_FULL\\)$`));
    const during = counts(s) as { r: number; p: number };
    // whole polls only: every stored poll has exactly its 40 rates (the first has none)
    expect(during.r).toBe((during.p - 1) * 40);
    s.close();
    unlinkSync(path.join(mnt, 'ballast'));
    const again = open(file);
    try {
      const after = counts(again) as { r: number; p: number; o: number };
      expect(after).toEqual(during);
      expect(after.p).toBeGreaterThanOrEqual((before as { p: number }).p);
      expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const p = sw.poll(t + 60_000); again.writePoll(p.poll, p.sample, p.result); // writable again once space is back
    } finally { again.close(); }
  });

  it('read-only file system: a clear StoreError naming the file, nothing lost', async () => {
    const file = path.join(mnt, 'ro', 'ixmeter.db');
    const s = open(file);
    const sw = new SynthSwitch('sw1', 5);
    for (let i = 0; i < 2; i++) { const p = sw.poll(T0 + i * 60_000); s.writePoll(p.poll, p.sample, p.result); }
    s.close();
    await execFileP('mount', ['-o', 'remount,ro', mnt]);
    let ro: Store | undefined;
    try {
      // SQLite may open the file read-only and fail on the first write, or refuse at open: either way one clear error.
      let err: unknown;
      try {
        ro = open(file);
        const p = sw.poll(T0 + 120_000);
        ro.writePoll(p.poll, p.sample, p.result);
      } catch (e) { err = e; }
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(new RegExp(`^local store ${file}: (open|store poll of switch sw1): read-only file system \\((SQLITE_READONLY|SQLITE_CANTOPEN)[A-Z_]*\\)$`));
      let openErr: unknown;
      try { open(path.join(mnt, 'ro', 'new.db')); } catch (e) { openErr = e; }
      expect((openErr as Error).message).toMatch(new RegExp(`^local store ${path.join(mnt, 'ro', 'new.db')}: open: read-only file system \\((SQLITE_READONLY|SQLITE_CANTOPEN|EROFS)`));
    } finally {
      ro?.close();
      await execFileP('mount', ['-o', 'remount,rw', mnt]);
    }
    const again = open(file);
    try { expect(counts(again)).toEqual({ r: 5, p: 2, o: 5 }); } finally { again.close(); }
  });
});
