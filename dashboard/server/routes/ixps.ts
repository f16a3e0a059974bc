// /api/ixps and /api/ixps/:ixp/...: the IXP list, banner, aggregate traffic and summary, members, member pages
// and port pages. Each handler checks the asker's access first (auth.ts); member text is returned as JSON data.
import { Router, type Request, type Response } from 'express';
import type { IxpsResponse, MembersResponse, Period } from '../../api.ts';
import { accessTo, canSeeMember, canSeePort, refusal, type IxpPolicy, type Principal } from '../auth.ts';
import { resolvePeriod } from '../period.ts';
import { PeriodError } from '../../calendar.ts';
import type { Service } from '../service.ts';
import { TtlCache } from '../cache.ts';

export interface IxpRouteDeps {
  service: Service;
  principal(req: Request): Principal;
  now: () => number;
  /** Seconds public answers are cached (default 30). */
  publicTtl?: number;
}

/** The IXP routes. */
export function ixpRoutes(d: IxpRouteDeps): Router {
  const r = Router();
  const publicCache = new TtlCache<unknown>(500, d.now);
  const ttl = (d.publicTtl ?? 30) * 1000;

  function policy(id: string): IxpPolicy | undefined {
    const c = d.service.ctx(id);
    return c ? { id, public: c.ixp.public, publicMembers: c.publicMembers } : undefined;
  }

  /** Resolves :ixp and checks access; answers 404/401/403 itself and returns undefined then. */
  function open(req: Request, res: Response, need: 'aggregate' | 'members'): { id: string; pol: IxpPolicy; p: Principal } | undefined {
    const id = String(req.params.ixp);
    const pol = policy(id);
    if (!pol) { res.status(404).json({ error: `unknown IXP '${id.slice(0, 40)}'` }); return undefined; }
    const p = d.principal(req);
    const a = accessTo(p, pol);
    if (!a || (need === 'members' && a === 'aggregate')) { const x = refusal(p); res.status(x.status).json({ error: x.error }); return undefined; }
    return { id, pol, p };
  }

  function period(req: Request, id: string, def: string): Period {
    return resolvePeriod(req.query as Record<string, unknown>, d.service.ctx(id)!.ixp.timezone, d.now(), def);
  }

  /** Public answers are shared by every anonymous asker for a short time. */
  async function cached<T>(req: Request, p: Principal, compute: () => Promise<T>): Promise<T> {
    if (p.role !== 'public') return compute();
    return publicCache.get(req.originalUrl, ttl, compute) as Promise<T>;
  }

  r.get('/api/ixps', (req, res) => {
    const p = d.principal(req);
    const out: IxpsResponse = { ixps: [] };
    for (const id of d.service.ixpIds()) {
      const a = accessTo(p, policy(id)!);
      if (a) out.ixps.push({ ...d.service.info(id), access: a });
    }
    res.json(out);
  });

  r.get('/api/ixps/:ixp', (req, res) => {
    const o = open(req, res, 'aggregate');
    if (o) res.json({ ...d.service.info(o.id), access: accessTo(o.p, o.pol)! });
  });

  r.get('/api/ixps/:ixp/now', async (req, res) => {
    const o = open(req, res, 'aggregate');
    if (o) res.set('Cache-Control', 'no-store').json(await d.service.now(o.id));
  });

  r.get('/api/ixps/:ixp/traffic', async (req, res) => {
    const o = open(req, res, 'aggregate');
    if (!o) return;
    const per = period(req, o.id, 'day');
    res.json(await cached(req, o.p, () => d.service.traffic(o.id, per, req.query.step)));
  });

  r.get('/api/ixps/:ixp/summary', async (req, res) => {
    const o = open(req, res, 'aggregate');
    if (!o) return;
    const per = period(req, o.id, 'month');
    res.json(await cached(req, o.p, () => d.service.summary(o.id, per)));
  });

  r.get('/api/ixps/:ixp/members', async (req, res) => {
    const o = open(req, res, 'members');
    if (!o) return;
    const per = period(req, o.id, 'month');
    const c = d.service.ctx(o.id)!;
    const rows = await cached(req, o.p, () => d.service.memberRows(o.id, per, (asn) => canSeeMember(o.p, o.pol, asn)));
    const out: MembersResponse = { ixp: o.id, period: per, currency: c.ixp.currency, members: rows, source: { kind: 'rollup', resolution: await d.service.resolution(o.id, per) } };
    res.json(out);
  });

  r.get('/api/ixps/:ixp/members/:asn', async (req, res) => {
    const o = open(req, res, 'aggregate');
    if (!o) return;
    const asn = parseAsn(String(req.params.asn));
    if (!canSeeMember(o.p, o.pol, asn)) { const x = refusal(o.p); res.status(x.status).json({ error: x.error }); return; }
    const per = period(req, o.id, 'month');
    const months = parseMonths(req.query.months);
    const out = await cached(req, o.p, () => d.service.memberDetail(o.id, asn, per, req.query.step, months));
    if (!out) { res.status(404).json({ error: `no member AS${asn} at ${o.id}` }); return; }
    // Port detail is only for those who may see ports.
    if (!canSeePort(o.p, o.pol, asn)) out.ports = [];
    res.json(out);
  });

  const portHandler = async (req: Request, res: Response) => {
    const o = open(req, res, 'aggregate');
    if (!o) return;
    const ref = { switch: String(req.params.switch), port: String(req.params.port) };
    const found = await d.service.findPort(o.id, ref);
    const asn = found?.member?.asn;
    if (req.params.asn !== undefined && asn !== parseAsn(String(req.params.asn))) {
      // Asked under a member: the port must be that member's.
      if (!canSeeMember(o.p, o.pol, parseAsn(String(req.params.asn)))) { const x = refusal(o.p); res.status(x.status).json({ error: x.error }); return; }
      res.status(404).json({ error: 'no such port for this member' });
      return;
    }
    if (!canSeePort(o.p, o.pol, asn)) { const x = refusal(o.p); res.status(x.status).json({ error: x.error }); return; }
    if (!found) { res.status(404).json({ error: `no port '${ref.port.slice(0, 60)}' on switch '${ref.switch.slice(0, 60)}'` }); return; }
    const per = period(req, o.id, 'day');
    const out = await d.service.portDetail(o.id, ref, per, req.query.step);
    if (!out) { res.status(404).json({ error: 'no such port' }); return; }
    res.json(out);
  };
  r.get('/api/ixps/:ixp/ports/:switch/:port', portHandler);
  r.get('/api/ixps/:ixp/members/:asn/ports/:switch/:port', portHandler);
  return r;
}

function parseAsn(v: string): number {
  const m = /^(?:AS)?(\d{1,10})$/i.exec(v);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 4294967295) throw new PeriodError(`asn: '${v.slice(0, 20)}' is not an AS number`);
  return n;
}

function parseMonths(v: unknown): number {
  if (v === undefined) return 12;
  if (typeof v !== 'string' || !/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > 120) throw new PeriodError('months: a whole number from 1 to 120');
  return Number(v);
}
