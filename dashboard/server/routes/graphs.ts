// GET /graphs/:ixp/traffic-{day,week,month,year}.{svg,png}[?lang=en|fr|pt]: the exchange's aggregate traffic as an
// image an IXP embeds on its own website. No login, and only for an IXP that publishes its aggregate (404
// otherwise, whoever asks); cacheable; embeddable from any origin (CORP cross-origin); no script inside.
import { Router } from 'express';
import type { Service } from '../service.ts';
import { resolvePeriod } from '../period.ts';
import { TtlCache } from '../cache.ts';
import { renderGraphPng, renderGraphSvg, type GraphLang, type GraphSpan } from '../graph-image.ts';

const ROLLING: Record<GraphSpan, string> = { day: '24h', week: '7d', month: '30d', year: '365d' };
/** Seconds an image stays fresh: about one of its buckets. */
const MAX_AGE: Record<GraphSpan, number> = { day: 300, week: 1800, month: 3600, year: 21600 };
/** Bucket seconds per span: 288, 336, 360 and 365 points, so that an image stays well under 30 KB. */
const STEP: Record<GraphSpan, string> = { day: '300', week: '1800', month: '7200', year: '86400' };
const FILE = /^traffic-(day|week|month|year)\.(svg|png)$/;

export interface GraphRouteDeps {
  service: Service;
  now: () => number;
}

export function graphRoutes(d: GraphRouteDeps): Router {
  const r = Router();
  const cache = new TtlCache<string | Buffer>(200, d.now);
  r.get('/graphs/:ixp/:file', async (req, res) => {
    const id = String(req.params.ixp);
    const c = d.service.ctx(id);
    // A private IXP's graphs do not exist for the public: the same answer as an unknown IXP.
    if (!c || !c.ixp.public) { res.status(404).type('text/plain').send('no such graph\n'); return; }
    const m = FILE.exec(String(req.params.file));
    if (!m) { res.status(404).type('text/plain').send('no such graph: use traffic-day|week|month|year.svg|png\n'); return; }
    const span = m[1] as GraphSpan;
    const fmt = m[2] as 'svg' | 'png';
    const lang = (req.query.lang ?? 'en') as string;
    if (lang !== 'en' && lang !== 'fr' && lang !== 'pt') { res.status(400).type('text/plain').send(`lang: one of en, fr, pt (got ${JSON.stringify(String(lang).slice(0, 20))})\n`); return; }
    const ttl = MAX_AGE[span] * 1000;
    const body = await cache.get(`${id}|${span}|${fmt}|${lang}`, Math.min(ttl, 60_000), async () => {
      const now = d.now();
      const period = resolvePeriod({ period: ROLLING[span] }, c.ixp.timezone, now);
      const tr = await d.service.traffic(id, period, STEP[span]);
      const svg = renderGraphSvg(tr, { ixpName: c.ixp.name, timezone: c.ixp.timezone, span, lang: lang as GraphLang, now });
      return fmt === 'svg' ? svg : await renderGraphPng(svg);
    });
    res.set({
      'Content-Type': fmt === 'svg' ? 'image/svg+xml; charset=utf-8' : 'image/png',
      'Cache-Control': `public, max-age=${Math.min(MAX_AGE[span], 300)}`,
      'Cross-Origin-Resource-Policy': 'cross-origin',
      // Opened on its own, the SVG may load nothing and run nothing.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
    res.send(body);
  });
  return r;
}
