// Versioned migrations: applied in number order, once; a lower-numbered migration that lands
// after a store was created at a higher version is still applied; a failing migration changes nothing.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../../collector/store/sqlite.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrate', () => {
  it('applies in order, once, and catches up a late lower-numbered file', () => {
    const mig = path.join(dir, 'm1');
    freshDir(mig);
    writeFileSync(path.join(mig, '001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(path.join(mig, '004_c.sql'), 'CREATE TABLE c (x); INSERT INTO c SELECT count(*) FROM a;');
    const db = new Database(':memory:');
    expect(migrate(db, mig)).toBe(4);
    expect(migrate(db, mig)).toBe(4); // idempotent
    writeFileSync(path.join(mig, '002_b.sql'), 'CREATE TABLE b (x);');
    expect(migrate(db, mig)).toBe(4);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a','b','c') ORDER BY name").all()).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect((db.prepare('SELECT group_concat(version) v FROM schema_migrations').get() as { v: string }).v).toBe('1,2,4');
  });

  it('a failing migration is rolled back whole and reported', () => {
    const mig = path.join(dir, 'm2');
    freshDir(mig);
    writeFileSync(path.join(mig, '001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(path.join(mig, '002_bad.sql'), 'CREATE TABLE b (x); SELECT * FROM nope;');
    const db = new Database(':memory:');
    expect(() => migrate(db, mig)).toThrow(/no such table: nope/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 });
  });
});

function freshDir(d: string): void { rmSync(d, { recursive: true, force: true }); mkdirSync(d, { recursive: true }); }
