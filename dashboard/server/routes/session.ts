// POST/GET/DELETE /api/session: log in with {username, password}, who am I, log out.
// Login attempts are rate-limited per IP+user and per IP; passwords never reach a log.
import { Router, type Request } from 'express';
import { RateLimit, readCookie, sessionInfo, setSessionCookie, COOKIE, NOBODY, type Sessions } from '../auth.ts';
import { verifyPassword, type UserStore } from '../users.ts';
import type { Logger } from '../../../collector/log.ts';

export interface SessionRouteDeps {
  sessions: Sessions;
  users: UserStore;
  log: Logger;
  now: () => number;
  /** Login attempts per minute per IP+username (default 5) and per IP (default 100). */
  loginLimit?: number;
  loginLimitPerIp?: number;
}

/** The session routes. */
export function sessionRoutes(d: SessionRouteDeps): Router {
  const r = Router();
  const perUser = new RateLimit(d.loginLimit ?? 5, 60_000, d.now);
  const perIp = new RateLimit(d.loginLimitPerIp ?? 100, 60_000, d.now);
  const ip = (req: Request) => req.ip ?? req.socket.remoteAddress ?? '?';

  r.get('/api/session', (req, res) => {
    res.set('Cache-Control', 'no-store').json(sessionInfo(d.sessions.get(readCookie(req, COOKIE)) ?? NOBODY));
  });

  r.post('/api/session', async (req, res) => {
    if (!req.is('application/json')) { res.status(400).json({ error: 'send JSON: {"username": "...", "password": "..."}' }); return; }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || username.length > 64 || password.length > 1024) {
      res.status(400).json({ error: 'username and password are required text' });
      return;
    }
    const wait = Math.max(perIp.hit(ip(req)), perUser.hit(`${ip(req)}|${username}`));
    if (wait > 0) {
      d.log.sampled('warn', `login-limit:${ip(req)}`, { ip: ip(req) }, 'too many login attempts', 60_000);
      res.set('Retry-After', String(wait)).status(429).json({ error: `too many login attempts; try again in ${wait} s` });
      return;
    }
    const user = d.users.find(username);
    const ok = await verifyPassword(password, user?.hash);
    if (!ok || !user) {
      d.log.info({ ip: ip(req) }, 'login failed');
      res.status(401).json({ error: 'wrong username or password' });
      return;
    }
    perUser.reset(`${ip(req)}|${username}`);
    d.sessions.delete(readCookie(req, COOKIE));
    const id = d.sessions.create(user);
    setSessionCookie(req, res, id);
    d.log.info({ user: user.username, role: user.role }, 'login');
    res.set('Cache-Control', 'no-store').json(sessionInfo(d.sessions.get(id)!));
  });

  r.delete('/api/session', (req, res) => {
    d.sessions.delete(readCookie(req, COOKIE));
    setSessionCookie(req, res, null);
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  return r;
}
