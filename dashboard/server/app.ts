// The dashboard's express app: security headers (helmet, strict CSP), sessions, the JSON API routes and the built
// pages from dist/web (compressed). createApp only builds the app; it never listens (serve.ts does).
// User input never causes a 500: period/parameter mistakes answer 400 with a message naming the parameter.
import { existsSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { getLogger, type Logger } from '../../collector/log.ts';
import { COOKIE, NOBODY, readCookie, Sessions, type Principal } from './auth.ts';
import { PeriodError } from '../calendar.ts';
import { healthRoutes } from './routes/health.ts';
import { impactRoutes } from './routes/impact.ts';
import { ixpRoutes } from './routes/ixps.ts';
import { sessionRoutes } from './routes/session.ts';
import { trunkRoutes } from './routes/trunks.ts';
import { graphRoutes } from './routes/graphs.ts';
import { createSitesService } from './sites.ts';
import type { Service } from './service.ts';
import type { UserStore } from './users.ts';
import { fromRoot } from '../../collector/paths.ts';

/** Where the built pages are by default: <repo>/dist/web. */
export const DEFAULT_WEB_DIR = fromRoot('dist', 'web');

export interface AppDeps {
  service: Service;
  users: UserStore;
  readerKind: 'sqlite' | 'influxdb';
  /** Behind a TLS-terminating proxy: trust X-Forwarded-*, cookies Secure, HSTS and upgrade-insecure-requests on. */
  trustProxy?: boolean;
  /** Built pages (default dist/web); skipped when absent. */
  webDir?: string;
  version?: string;
  log?: Logger;
  now?: () => number;
  sessions?: Sessions;
  /** Login attempts per minute per IP+user (default 5). */
  loginLimit?: number;
  /** Seconds anonymous answers are cached (default 30). */
  publicTtl?: number;
  /** Further API routers (e.g. reports), mounted before the API's 404; given the session-checking principal. */
  routes?: ((h: { principal(req: Request): Principal; now: () => number }) => express.Router)[];
}

/** Builds the express app (no listen). */
export function createApp(deps: AppDeps): express.Express {
  const log = deps.log ?? getLogger('dashboard:api');
  const now = deps.now ?? Date.now;
  const sessions = deps.sessions ?? new Sessions(12 * 3600_000, now);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ? 1 : false);
  app.set('etag', 'weak');
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(deps.trustProxy ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: deps.trustProxy ? { maxAge: 15552000 } : false,
    crossOriginEmbedderPolicy: false,
  }));
  app.use(compression());
  app.use('/api', express.json({ limit: '16kb' }));
  app.use('/api', (_req, res, next) => { res.set('Cache-Control', 'private, no-cache'); next(); });

  const principal = (req: Request): Principal => sessions.get(readCookie(req, COOKIE)) ?? NOBODY;
  // A session whose user was deleted (or whose role changed) from the users file ends at its next request.
  const checked = (req: Request): Principal => {
    const p = principal(req);
    if (p.username === null) return p;
    const u = deps.users.find(p.username);
    if (!u || u.role !== p.role || u.ixp !== p.ixp) { sessions.dropUser(p.username); return NOBODY; }
    return p;
  };

  app.use(healthRoutes({ reader: deps.readerKind, version: deps.version ?? '0', now }));
  app.use(sessionRoutes({ sessions, users: deps.users, log, now, loginLimit: deps.loginLimit }));
  app.use(ixpRoutes({ service: deps.service, principal: checked, now, publicTtl: deps.publicTtl }));
  app.use(impactRoutes({ service: deps.service, principal: checked, now }));
  // Sites, trunks and capacity forecasts (operator views), and the public website graphs (issue 14).
  const sites = createSitesService({ reader: deps.service.reader, service: deps.service, now });
  app.use(trunkRoutes({ service: deps.service, sites, principal: checked, now }));
  app.use(graphRoutes({ service: deps.service, now }));
  for (const make of deps.routes ?? []) app.use(make({ principal: checked, now }));
  app.use('/api', (req, res) => { res.status(404).json({ error: `no API route ${req.method} ${req.path.slice(0, 80)}` }); });

  const web = deps.webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(web)) {
    app.use(express.static(web, {
      extensions: ['html'],
      index: 'index.html',
      setHeaders(res, file) {
        // Vite's hashed assets never change; pages always revalidate.
        res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }));
  }

  // Errors: a user mistake is a 400 with its message; anything else is logged and answered without details.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof PeriodError) { res.status(400).json({ error: err.message }); return; }
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: e.type === 'entity.parse.failed' ? 'the body is not valid JSON' : (e.message ?? 'bad request').slice(0, 200) });
      return;
    }
    log.error({ err: (err as Error)?.message, path: req.path }, 'API error');
    res.status(500).json({ error: 'internal error; see the server log' });
  });
  return app;
}
