// GET /api/health: the server is up and which reader it uses. Public, never cached, reads nothing.
import { Router } from 'express';
import type { HealthResponse } from '../../api.ts';

/** The health route. */
export function healthRoutes(d: { reader: 'sqlite' | 'influxdb'; version: string; now: () => number }): Router {
  const r = Router();
  r.get('/api/health', (_req, res) => {
    const out: HealthResponse = { ok: true, version: d.version, reader: d.reader, time: d.now() };
    res.set('Cache-Control', 'no-store').json(out);
  });
  return r;
}
