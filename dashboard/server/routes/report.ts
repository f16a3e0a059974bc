// GET /api/ixps/:ixp/report?month=YYYY-MM|year=YYYY&format=html|pdf|csv|json&lang=en|fr|pt: the monthly (default:
// the last complete month) or annual impact report of `ixmeter report`, for the IXP's operator, reporters and admins. Reports are built from
// the month figures the collector computed, through the dashboard's reader: a central dashboard serves them as the local one does.
import { Router, type Request } from 'express';
import type { Service } from '../service.ts';
import type { PeeringReader } from '../../readers/peering.ts';
import type { LatencyReader } from '../../readers/latency.ts';
import {
  buildAnnualReport, buildReport, isMonth, monthOf, monthRange, renderAnnualCsv, renderAnnualHtml, renderCsv, renderHtml, renderJson, renderPdf, type ReportLang, type ReportMember,
} from '../../reports/index.ts';
import { refusal, type Principal } from '../auth.ts';
import { PeriodError } from '../../calendar.ts';

export interface ReportRouteDeps {
  principal(req: Request): Principal;
  /** The IXPs and the reader. */
  service: Pick<Service, 'ctx' | 'reader'>;
  /** The sFlow matrix of an IXP, when the dashboard reads one (the report's sFlow section). */
  peering?(id: string): PeeringReader | undefined;
  /** The latency rounds of an IXP, when the dashboard reads them (the report's resilience section). */
  latency?(id: string): LatencyReader | undefined;
  /** The members a report names (the registry over the local store; what the collector forwarded centrally). */
  members(id: string): ReportMember[];
  now: () => number;
}

const FORMATS = ['html', 'pdf', 'csv', 'json'] as const;
const LANGS: ReportLang[] = ['en', 'fr', 'pt'];
const TYPES: Record<(typeof FORMATS)[number], string> = {
  html: 'text/html; charset=utf-8', pdf: 'application/pdf', csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8',
};

function one(q: unknown, name: string): string | undefined {
  if (q === undefined) return undefined;
  if (typeof q !== 'string') throw new PeriodError(`${name}: give it once`);
  return q;
}

/** The report route. */
export function reportRoutes(d: ReportRouteDeps): Router {
  const r = Router();
  r.get('/api/ixps/:ixp/report', async (req, res) => {
    const cfg = d.service.ctx(req.params.ixp);
    if (!cfg) { res.status(404).json({ error: `unknown IXP ${JSON.stringify(req.params.ixp.slice(0, 40))}` }); return; }
    const p = d.principal(req);
    const allowed = p.role === 'admin' || p.role === 'reporter' || (p.role === 'operator' && p.ixp === cfg.ixp.id);
    if (!allowed) { const x = refusal(p); res.status(x.status).json({ error: x.error }); return; }
    const format = (one(req.query.format, 'format') ?? 'html') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new PeriodError(`format: must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format).slice(0, 40)})`);
    const lang = (one(req.query.lang, 'lang') ?? 'en') as ReportLang;
    if (!LANGS.includes(lang)) throw new PeriodError(`lang: must be one of ${LANGS.join(', ')} (got ${JSON.stringify(lang).slice(0, 40)})`);
    const yearText = one(req.query.year, 'year');
    if (yearText !== undefined && req.query.month !== undefined) throw new PeriodError('give month or year, not both');
    if (yearText !== undefined && !/^\d{4}$/.test(yearText)) throw new PeriodError(`year: expected YYYY (got ${JSON.stringify(yearText).slice(0, 40)})`);
    const tz = cfg.ixp.timezone;
    // Default: the last complete month.
    const month = one(req.query.month, 'month') ?? monthOf(monthRange(monthOf(d.now(), tz), tz).from - 1, tz);
    if (!isMonth(month)) throw new PeriodError(`month: expected YYYY-MM (got ${JSON.stringify(month).slice(0, 40)})`);
    const src = { reader: d.service.reader, ixp: cfg.ixp, members: d.members(cfg.ixp.id), peering: d.peering?.(cfg.ixp.id), latency: d.latency?.(cfg.ixp.id), lang, now: d.now() };
    if (yearText !== undefined) {
      const annual = await buildAnnualReport({ ...src, year: Number(yearText) });
      res.set('Content-Type', TYPES[format]);
      res.set('Content-Disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="ixmeter-${cfg.ixp.id}-${yearText}-${lang}.${format}"`);
      if (format === 'json') res.send(JSON.stringify(annual, null, 2) + '\n');
      else if (format === 'csv') res.send(renderAnnualCsv(annual));
      else if (format === 'html') res.send(renderAnnualHtml(annual));
      else res.send(await renderPdf(renderAnnualHtml(annual)));
      return;
    }
    const report = await buildReport({ ...src, month });
    const name = `ixmeter-${cfg.ixp.id}-${month}-${lang}.${format}`;
    res.set('Content-Type', TYPES[format]);
    res.set('Content-Disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="${name}"`);
    if (format === 'json') res.send(renderJson(report));
    else if (format === 'csv') res.send(renderCsv(report));
    else if (format === 'html') res.send(renderHtml(report));
    else res.send(await renderPdf(renderHtml(report)));
  });
  return r;
}
