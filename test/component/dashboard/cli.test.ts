// `ixmeter user` and `ixmeter serve` as a person runs them: the users file (mode 0600, no password anywhere),
// clear refusals, and a served dashboard that logs a member in and serves the built pages compressed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/index.ts';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { startProc, waitFor } from '../../helpers/proc.ts';
import { sqliteStore } from './fixture.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-dash-cli-'));
const users = path.join(dir, 'users.json');
const store = sqliteStore();
beforeAll(() => store.ready);
afterAll(() => { store.cleanup(); rmSync(dir, { recursive: true, force: true }); });

/** Runs the CLI in this process (spawning costs seconds a run): exit code and what it printed. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  const saved = { ...process.env };
  delete process.env.IXMETER_PASSWORD;
  Object.assign(process.env, env);
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.env = saved;
  }
}

/** Spawns the real CLI with text on stdin. */
function spawnCli(args: string[], input: string): Promise<number> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.IXMETER_PASSWORD;
    const c = execFile(process.execPath, ['bin/ixmeter.mjs', ...args], { cwd: path.resolve(import.meta.dirname, '../../..'), env }, (e) => resolve(e ? ((e as { code?: number }).code ?? 1) : 0));
    c.stdin!.write(input);
    c.stdin!.end();
  });
}

describe('ixmeter user', () => {
  it('add, list, passwd, del; the file is 0600 and holds no password', async () => {
    const add = await cli(['user', 'add', 'alice', '--role', 'member', '--ixp', 'tix', '--asn', '65001', '--users', users], { IXMETER_PASSWORD: 'alice-secret-1' });
    expect(add.code).toBe(0);
    expect(statSync(users).mode & 0o777).toBe(0o600);
    const text = readFileSync(users, 'utf8');
    expect(text).not.toContain('alice-secret-1');
    expect(text).toMatch(/"hash": "scrypt\$/);
    const pwFile = path.join(dir, 'pw');
    writeFileSync(pwFile, 'operator-pass\n');
    expect((await cli(['user', 'add', 'olga', '--role', 'operator', '--ixp', 'tix', '--password-file', pwFile, '--users', users])).code).toBe(0);
    expect(await spawnCli(['user', 'add', 'rita', '--role', 'reporter', '--users', users], 'from-stdin-pw\n')).toBe(0);
    const list = await cli(['user', 'list', '--users', users]);
    expect(list.out).toBe('alice\tmember\tixp=tix asn=65001\nolga\toperator\tixp=tix\nrita\treporter\n');
    const before = readFileSync(users, 'utf8');
    expect((await cli(['user', 'passwd', 'rita', '--users', users], { IXMETER_PASSWORD: 'another-pass' })).code).toBe(0);
    expect(readFileSync(users, 'utf8')).not.toBe(before);
    expect((await cli(['user', 'del', 'rita', '--users', users])).code).toBe(0);
    expect((await cli(['user', 'list', '--users', users])).out).not.toContain('rita');
  });

  it('refuses clearly', async () => {
    const short = await cli(['user', 'add', 'bob', '--role', 'admin', '--users', users], { IXMETER_PASSWORD: 'short' });
    expect([short.code, short.err]).toEqual([2, expect.stringContaining('at least 8 characters')]);
    const argvPw = await cli(['user', 'add', 'bob', 'hunter22', '--role', 'admin', '--users', users]);
    expect(argvPw.code).toBe(2);
    expect(argvPw.err).toContain('never given on the command line');
    const noAsn = await cli(['user', 'add', 'bob', '--role', 'member', '--ixp', 'tix', '--users', users], { IXMETER_PASSWORD: 'long-enough' });
    expect(noAsn.code).toBe(2);
    expect(noAsn.err).toContain('--asns: a member needs at least one ASN');
    const dup = await cli(['user', 'add', 'alice', '--role', 'admin', '--users', users], { IXMETER_PASSWORD: 'long-enough' });
    expect([dup.code, dup.err]).toEqual([2, expect.stringContaining("user 'alice' exists already")]);
    expect((await cli(['user', 'del', 'nobody', '--users', users])).code).toBe(2);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"users": [{"username": "x"}]}');
    const b = await cli(['user', 'list', '--users', broken]);
    expect(b.code).toBe(2);
    expect(b.err).toContain('users[0].role');
  });
});

describe('ixmeter serve', () => {
  it('prints its URL, logs a member in, serves pages compressed, stops on SIGTERM', async () => {
    const cfg = path.join(dir, 'ixmeter.yaml');
    writeFileSync(cfg, `ixp: { id: tix, name: Test IX, transitPricePerMbps: 10, public: true }
store: { path: ${store.file} }
members:
  - { asn: 65001, name: Island ISP, category: isp, ports: [{ switch: sw1, port: et1 }, { switch: sw1, port: et2 }] }
dashboard: { listen: "127.0.0.1:0", usersFile: ${users} }
log: { level: warn }
`);
    const p = startProc(process.execPath, ['bin/ixmeter.mjs', 'serve', '--config', cfg], { cwd: path.resolve(import.meta.dirname, '../../..') });
    try {
      const url = await waitFor('serve URL', () => /ixmeter dashboard: (http:\/\/\S+)/.exec(p.output())?.[1], 30_000);
      expect((await fetch(`${url}api/health`)).status).toBe(200);
      const login = await fetch(`${url}api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-secret-1' }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${url}api/ixps/tix/members/65001`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(`${url}api/ixps/tix/members/65002`, { headers: { cookie } })).status).toBe(403);
      const web = path.resolve(import.meta.dirname, '../../../dist/web');
      if (existsSync(path.join(web, 'assets'))) {
        const js = readdirSync(path.join(web, 'assets')).find((f) => f.endsWith('.js') && statSync(path.join(web, 'assets', f)).size > 2000);
        if (js) {
          const r = await fetch(`${url}assets/${js}`, { headers: { 'accept-encoding': 'gzip' } });
          expect(r.status).toBe(200);
          expect(r.headers.get('content-encoding')).toBe('gzip');
          expect(r.headers.get('cache-control')).toContain('immutable');
        }
      }
      expect(p.output()).not.toContain('alice-secret-1');
    } finally {
      await p.stop('SIGTERM');
    }
    expect(await p.exited).toBe(0);
  });
});
