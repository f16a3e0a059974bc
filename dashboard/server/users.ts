// The users file: names, roles and scrypt password hashes (JSON, mode 0600), managed by `ixmeter user`.
// Never logs or returns passwords or hashes; writes atomically (temp file + rename) so a crash never truncates it.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { Role } from '../api.ts';

/** One user. `hash` is `scrypt$N$r$p$saltB64$keyB64`. */
export interface UserRecord {
  username: string;
  role: Exclude<Role, 'public'>;
  /** operator and member: the IXP id. */
  ixp?: string;
  /** member: the ASNs it may see. */
  asns?: number[];
  hash: string;
}

/** A users file that cannot be read or parsed: message names the file and the problem. */
export class UsersFileError extends Error {}

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(pw: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(pw, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hash a password with scrypt and a random 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const DUMMY = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEYLEN).toString('base64')}`;

/** Check a password against a stored hash in constant time. A missing hash still costs one scrypt (no user oracle). */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const parts = (hash ?? DUMMY).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4]!, 'base64');
  const want = Buffer.from(parts[5]!, 'base64');
  if (!n || !r || !p || n > 1 << 20 || want.length < 16) return false;
  const got = await scrypt(password, salt, want.length, { N: n, r, p, maxmem: 256 * 1024 * 1024 });
  return timingSafeEqual(got, want) && hash !== undefined;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const ROLES = ['member', 'operator', 'reporter', 'admin'];

/** Validates one user record; returns problems as text. */
export function checkUser(u: unknown, where: string): string[] {
  const out: string[] = [];
  if (typeof u !== 'object' || u === null) return [`${where}: not an object`];
  const x = u as Record<string, unknown>;
  if (typeof x.username !== 'string' || !NAME.test(x.username)) out.push(`${where}.username: letters, digits and . _ @ - only, 1-64 characters`);
  if (typeof x.role !== 'string' || !ROLES.includes(x.role)) out.push(`${where}.role: one of ${ROLES.join(', ')}`);
  if ((x.role === 'member' || x.role === 'operator') && typeof x.ixp !== 'string') out.push(`${where}.ixp: required for role ${String(x.role)}`);
  if (x.role === 'member' && (!Array.isArray(x.asns) || x.asns.length === 0 || !x.asns.every((a) => Number.isSafeInteger(a) && a > 0))) out.push(`${where}.asns: a member needs at least one ASN`);
  if (typeof x.hash !== 'string' || !x.hash.startsWith('scrypt$')) out.push(`${where}.hash: not an scrypt hash`);
  return out;
}

/** Read the users file; a missing file is no users. Throws UsersFileError naming the file. */
export function loadUsers(file: string): UserRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsersFileError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let data: unknown;
  try { data = JSON.parse(text); } catch (err) { throw new UsersFileError(`${file}: not valid JSON: ${(err as Error).message}`); }
  const users = (data as { users?: unknown })?.users;
  if (!Array.isArray(users)) throw new UsersFileError(`${file}: expected {"users": [...]}`);
  const problems = users.flatMap((u, i) => checkUser(u, `users[${i}]`));
  if (problems.length) throw new UsersFileError(`${file}: ${problems.join('; ')}`);
  return users as UserRecord[];
}

/** Write the users file atomically with mode 0600. */
export function saveUsers(file: string, users: UserRecord[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ users }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The users the server checks logins against, re-read when the file changes (mtime checked at most every 2 s). */
export interface UserStore {
  find(username: string): UserRecord | undefined;
}

/** A UserStore over a file (re-read on change) or over a fixed list (tests). */
export function createUserStore(source: string | UserRecord[]): UserStore {
  if (Array.isArray(source)) return { find: (n) => source.find((u) => u.username === n) };
  let cache: UserRecord[] = loadUsers(source);
  let checked = Date.now();
  let stamp = '';
  const stat = (): string => { try { const s = statSync(source); return `${s.mtimeMs}:${s.size}:${s.ino}`; } catch { return ''; } };
  stamp = stat();
  return {
    find(name) {
      if (Date.now() - checked > 2000) {
        checked = Date.now();
        const s = stat();
        if (s !== stamp) { stamp = s; try { cache = loadUsers(source); } catch { /* keep the last good list */ } }
      }
      return cache.find((u) => u.username === name);
    },
  };
}
