// /api/ixps/:ixp/sites (the aggregate per site and per switch: anyone who may see the aggregate), /trunks (the IXP's
// inter-switch links: operator, admin) and /capacity (forecasts per port: operator and admin see all, a member its own).
import { Router, type Request, type Response } from 'express';
import type { CapacityResponse } from '../../api.ts';
import { accessTo, canSeePort, refusal, type IxpPolicy, type Principal } from '../auth.ts';
import { resolvePeriod } from '../period.ts';
import type { Service } from '../service.ts';
import type { SitesService } from '../sites.ts';

export interface TrunkRouteDeps {
  service: Service;
  sites: SitesService;
  principal(req: Request): Principal;
  now: () => number;
}

export function trunkRoutes(d: TrunkRouteDeps): Router {
  const r = Router();

  function open(req: Request, res: Response): { id: string; pol: IxpPolicy; p: Principal } | undefined {
    const id = String(req.params.ixp);
    const c = d.service.ctx(id);
    if (!c) { res.status(404).json({ error: `unknown IXP '${id.slice(0, 40)}'` }); return undefined; }
    const pol: IxpPolicy = { id, public: c.ixp.public, publicMembers: c.publicMembers };
    const p = d.principal(req);
    if (!accessTo(p, pol)) { const x = refusal(p); res.status(x.status).json({ error: x.error }); return undefined; }
    return { id, pol, p };
  }
  const period = (req: Request, id: string, def: string) => resolvePeriod(req.query as Record<string, unknown>, d.service.ctx(id)!.ixp.timezone, d.now(), def);

  r.get('/api/ixps/:ixp/sites', async (req, res) => {
    const o = open(req, res);
    if (!o) return;
    res.json(await d.sites.sites(o.id, period(req, o.id, 'day')));
  });

  r.get('/api/ixps/:ixp/trunks', async (req, res) => {
    const o = open(req, res);
    if (!o) return;
    // The IXP's own links: no member owns them, so only the IXP's operator (and admins) see them.
    if (!canSeePort(o.p, o.pol, undefined)) { const x = refusal(o.p); res.status(x.status).json({ error: x.error }); return; }
    res.json(await d.sites.trunks(o.id, period(req, o.id, 'day')));
  });

  r.get('/api/ixps/:ixp/capacity', async (req, res) => {
    const o = open(req, res);
    if (!o) return;
    if (o.p.role === 'public') { const x = refusal(o.p); res.status(x.status).json({ error: x.error }); return; }
    const all = await d.sites.capacity(o.id);
    const out: CapacityResponse = { ...all, ports: all.ports.filter((x) => canSeePort(o.p, o.pol, x.asn ?? undefined)) };
    if (out.ports.length === 0 && !canSeePort(o.p, o.pol, undefined) && o.p.role !== 'member') { const x = refusal(o.p); res.status(x.status).json({ error: x.error }); return; }
    res.json(out);
  });
  return r;
}
