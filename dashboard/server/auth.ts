// Sessions (random ids held in memory, HttpOnly SameSite=Lax cookies), the login rate limit, and the role rules:
// who may see which IXP's aggregate, member rows, member pages and ports. Every route asks these functions;
// the page only hides what the API already refuses. Never logs passwords or session ids.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Access, Role, SessionInfo } from '../api.ts';
import type { UserRecord } from './users.ts';

export const COOKIE = 'ixm_session';

/** The asker: a logged-in user, or nobody (role public). */
export interface Principal {
  username: string | null;
  role: Role;
  ixp?: string;
  asns?: number[];
}

export const NOBODY: Principal = { username: null, role: 'public' };

/** What the rules need to know of an IXP. */
export interface IxpPolicy {
  id: string;
  public: boolean;
  publicMembers: boolean;
}

/** The widest access a principal has to an IXP, or null for none. Members get 'members' (their own rows only). */
export function accessTo(p: Principal, ixp: IxpPolicy): Access | null {
  if (p.role === 'admin') return 'full';
  if (p.role === 'operator' && p.ixp === ixp.id) return 'full';
  if (p.role === 'member' && p.ixp === ixp.id) return 'members';
  if (p.role === 'reporter') return 'members';
  if (ixp.public) return ixp.publicMembers ? 'members' : 'aggregate';
  return null;
}

/** May p see member `asn`'s row and page (figures, savings, history) at this IXP? */
export function canSeeMember(p: Principal, ixp: IxpPolicy, asn: number): boolean {
  if (p.role === 'admin' || p.role === 'reporter') return true;
  if (p.role === 'operator' && p.ixp === ixp.id) return true;
  if (p.role === 'member' && p.ixp === ixp.id && (p.asns ?? []).includes(asn)) return true;
  return ixp.public && ixp.publicMembers;
}

/** May p see the per-port detail (traffic, errors, status) of a port of member `asn` (undefined: no member)? */
export function canSeePort(p: Principal, ixp: IxpPolicy, asn: number | undefined): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'operator' && p.ixp === ixp.id) return true;
  return p.role === 'member' && p.ixp === ixp.id && asn !== undefined && (p.asns ?? []).includes(asn);
}

/** The status for a refusal: 401 when nobody is logged in, 403 otherwise. */
export function refusal(p: Principal): { status: 401 | 403; error: string } {
  return p.role === 'public'
    ? { status: 401, error: 'log in to see this' }
    : { status: 403, error: 'your account may not see this' };
}

/** The session info answered by GET/POST /api/session. */
export function sessionInfo(p: Principal): SessionInfo {
  const s: SessionInfo = { username: p.username, role: p.role };
  if (p.ixp) s.ixp = p.ixp;
  if (p.asns) s.asns = p.asns;
  return s;
}

/** Server-side sessions in memory: id → principal, sliding expiry. */
export class Sessions {
  private readonly map = new Map<string, { p: Principal; until: number }>();
  constructor(private readonly ttlMs = 12 * 3600_000, private readonly now: () => number = Date.now) {}

  create(u: UserRecord): string {
    const id = randomBytes(32).toString('base64url');
    const p: Principal = { username: u.username, role: u.role };
    if (u.ixp) p.ixp = u.ixp;
    if (u.asns) p.asns = [...u.asns];
    this.map.set(id, { p, until: this.now() + this.ttlMs });
    if (this.map.size > 10_000) this.sweep();
    return id;
  }

  get(id: string | undefined): Principal | undefined {
    if (!id) return undefined;
    const s = this.map.get(id);
    if (!s) return undefined;
    if (s.until <= this.now()) { this.map.delete(id); return undefined; }
    s.until = this.now() + this.ttlMs;
    return s.p;
  }

  delete(id: string | undefined): void { if (id) this.map.delete(id); }

  /** Ends every session of a user (after `user del` / `passwd` the server forgets them on its next check). */
  dropUser(username: string): void { for (const [k, v] of this.map) if (v.p.username === username) this.map.delete(k); }

  private sweep(): void { const t = this.now(); for (const [k, v] of this.map) if (v.until <= t) this.map.delete(k); }
}

/** Reads one cookie from the Cookie header. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Sets (or with id null clears) the session cookie. Secure when the request came over TLS (req.secure). */
export function setSessionCookie(req: Request, res: Response, id: string | null, maxAgeS = 12 * 3600): void {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (req.secure) attrs.push('Secure');
  res.append('Set-Cookie', id === null ? `${COOKIE}=; ${attrs.join('; ')}; Max-Age=0` : `${COOKIE}=${id}; ${attrs.join('; ')}; Max-Age=${maxAgeS}`);
}

/** A fixed-window rate limit: at most `limit` hits per key per `windowMs`. */
export class RateLimit {
  private readonly hits = new Map<string, { start: number; n: number }>();
  constructor(private readonly limit: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** Counts a hit; returns seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    const t = this.now();
    let h = this.hits.get(key);
    if (!h || t - h.start >= this.windowMs) { h = { start: t, n: 0 }; this.hits.set(key, h); }
    h.n++;
    if (this.hits.size > 50_000) for (const [k, v] of this.hits) if (t - v.start >= this.windowMs) this.hits.delete(k);
    return h.n > this.limit ? Math.ceil((h.start + this.windowMs - t) / 1000) : 0;
  }

  reset(key: string): void { this.hits.delete(key); }
}
