// GET /api/ixps/:ixp/peering?month=YYYY-MM: the month's sFlow peer-to-peer matrix, cut to what the asker may
// see (the rules are here, in the API, not in the page): operator/admin everything; member only the pairs it
// is part of (and the exchange's IPv6 share); reporter the exchange's IPv6 and local-content shares; public the
// IPv6 share of a public IXP. Reads through a PeeringReader: the local store, or InfluxDB on a central dashboard.
import { Router, type Request } from 'express';
import type { IxpConfig, MemberConfig } from '../../../collector/config/types.ts';
import { peeringFigures, type MemberInfo } from '../../../collector/sflow/figures.ts';
import { memberLabel } from '../../../collector/sflow/macs.ts';
import { WINDOW_MS } from '../../../collector/sflow/store.ts';
import { NO_MATRIX, type PeeringReader } from '../../readers/peering.ts';
import type { PeeringPair, PeeringResponse } from '../../api.ts';
import { isMonth, monthOf, monthRange, PeriodError } from '../../calendar.ts';
import { refusal, type Principal } from '../auth.ts';

export interface PeeringRouteDeps {
  principal(req: Request): Principal;
  /** The matrix of one IXP: the local store's (SQLite dashboard, its own IXP) or InfluxDB's; undefined: none here. */
  peering(ixp: string): PeeringReader | undefined;
  ixp(id: string): { ixp: IxpConfig; members: MemberConfig[] } | undefined;
  now: () => number;
}

export const PEERING_METHOD = 'sFlow v5 flow samples of member ports on ingress, each scaled by the packets its source saw since its previous sample '
  + '(sample_pool delta, as pmacct sfacctd renormalises); bytes are sampled frame lengths including the FCS; MACs map to members through the config, '
  + 'the IX-F export and the switch forwarding table. The IPv6 share is IPv6 bytes over all bytes in the matrix; the measured local content share is the bytes '
  + 'content members sent to the other members over all bytes exchanged. Each figure is an estimate: its relative error is about 1/√samples.';

export function peeringRoutes(d: PeeringRouteDeps): Router {
  const r = Router();
  r.get('/api/ixps/:ixp/peering', async (req, res) => {
    const c = d.ixp(req.params.ixp);
    if (!c) { res.status(404).json({ error: `unknown IXP ${JSON.stringify(req.params.ixp.slice(0, 40))}` }); return; }
    const p = d.principal(req);
    const id = c.ixp.id;
    const scope: PeeringResponse['scope'] | null =
      p.role === 'admin' || (p.role === 'operator' && p.ixp === id) ? 'full'
        : p.role === 'member' && p.ixp === id ? 'member'
          : p.role === 'reporter' ? 'aggregate'
            : c.ixp.public ? 'public' : null;
    if (!scope) { const x = refusal(p); res.status(x.status).json({ error: x.error }); return; }
    const q = req.query.month;
    if (q !== undefined && typeof q !== 'string') throw new PeriodError('month: give it once, as YYYY-MM');
    const month = q ?? monthOf(d.now(), c.ixp.timezone);
    if (!isMonth(month)) throw new PeriodError(`month: expected YYYY-MM (got ${JSON.stringify(month).slice(0, 40)})`);
    // A dashboard that holds no matrix of this IXP answers as for a month without sFlow data (no window): pages then
    // show no sFlow figure, and the coverage says why.
    const reader = d.peering(id) ?? NO_MATRIX;
    const { from, to } = monthRange(month, c.ixp.timezone);
    const end = Math.min(to, Math.floor(d.now() / WINDOW_MS) * WINDOW_MS);
    const expectedWindows = Math.max(0, Math.round((end - from) / WINDOW_MS));
    const cov = await reader.coverage(id, from, to);
    const infos: MemberInfo[] = c.members.map((m) => ({ label: memberLabel(m.asn), asn: m.asn, name: m.name, category: String(m.category) }));
    const nameOf = (label: string) => infos.find((i) => i.label === label)?.name ?? (label === 'unknown' ? 'unknown MACs' : label);
    const mine = scope === 'member' ? new Set((p.asns ?? []).map(memberLabel)) : undefined;
    // A member's rows are read with the filter in the store (or InfluxDB): another pair never leaves it.
    const f = peeringFigures(await reader.totals(id, from, to, mine ? [...mine] : undefined), infos);
    const out: PeeringResponse = {
      ixp: id, month, scope, method: PEERING_METHOD,
      coverage: { windows: cov.windows, expectedWindows, samples: cov.samples, dropped: cov.dropped, rateMin: cov.rateMin, rateMax: cov.rateMax },
      ipv6: f.ipv6,
    };
    if (scope === 'public') { res.json(out); return; }
    out.totalBytes = f.totalBytes;
    if (scope === 'aggregate') { out.localContent = f.localContent; out.unknown = f.unknown; res.json(out); return; }
    const pairs: PeeringPair[] = f.pairs.map((x) => ({ ...x, srcName: nameOf(x.src), dstName: nameOf(x.dst) }));
    out.pairs = pairs;
    out.members = f.members.filter((m) => !mine || mine.has(m.label)).map((m) => ({ ...m, name: nameOf(m.label) }));
    // A member sees the exchange's IPv6 share too (an aggregate, like the exchange's traffic graph), computed here.
    if (mine) out.exchangeIpv6 = peeringFigures(await reader.totals(id, from, to), infos).ipv6;
    if (scope === 'full') { out.localContent = f.localContent; out.unknown = f.unknown; }
    res.json(out);
  });
  return r;
}
