// GET /api/impact?month=YYYY-MM (default: the last complete month): every IXP the asker may see in full side by side (reporter, admin; operator: its own).
import { Router, type Request } from 'express';
import type { ImpactResponse } from '../../api.ts';
import { refusal, type Principal } from '../auth.ts';
import { monthOf, monthRange, PeriodError } from '../../calendar.ts';
import type { Service } from '../service.ts';

export interface ImpactRouteDeps {
  service: Service;
  principal(req: Request): Principal;
  now: () => number;
}

/** The impact route. */
export function impactRoutes(d: ImpactRouteDeps): Router {
  const r = Router();
  r.get('/api/impact', async (req, res) => {
    const p = d.principal(req);
    const ids = d.service.ixpIds().filter((id) => p.role === 'admin' || p.role === 'reporter' || (p.role === 'operator' && p.ixp === id));
    if (ids.length === 0) { const x = refusal(p); res.status(x.status).json({ error: x.error }); return; }
    const m = req.query.month;
    if (m !== undefined && typeof m !== 'string') throw new PeriodError('month: give it once, as YYYY-MM');
    // Default: the last complete month (a month in progress is only asked for explicitly).
    const tz = d.service.ctx(ids[0]!)!.ixp.timezone;
    const month = m ?? monthOf(monthRange(monthOf(d.now(), tz), tz).from - 1, tz);
    monthRange(month, 'UTC'); // validates YYYY-MM
    // The IXPs' rows side by side, read at once (a central InfluxDB answers them in parallel), in the order of ids.
    const out: ImpactResponse = { month, ixps: await Promise.all(ids.map((id) => d.service.impactRow(id, month))) };
    res.json(out);
  });
  return r;
}
