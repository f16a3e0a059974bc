// The network page (operator, admin): sites side by side, each trunk with both ends against its capacity, and the
// capacity forecast of every member port, LAG and trunk. Names from switches and member lists are text nodes only.
import type { CapacityForecast, CapacityResponse, SitesResponse, TrunkEnd, TrunksResponse } from '../../api.ts';
import { get, seg } from './api.ts';
import { el, replace } from './dom.ts';
import { bps, bytes, mbps, pct, signedPct } from './format.ts';
import { t } from './i18n.ts';
import { card, coverageBadge, notice, periodQuery, startPage, type Ctx } from './shell.ts';
import { forecastText } from './forecast-text.ts';

interface NetworkData { sites: SitesResponse; trunks: TrunksResponse | null; capacity: CapacityResponse | null }

function utilCell(u: number | null): HTMLElement {
  if (u === null) return el('td', { class: 'num muted' }, '\u2014');
  const hot = u > 0.8;
  return el('td', { class: `num${hot ? ' hot' : ''}` }, el('span', { class: 'util' }, el('progress', { max: 1, value: Math.min(1, u), class: hot ? 'bar bar-hot' : 'bar' }), el('span', {}, pct(u, 1))));
}

function sitesCard(r: SitesResponse): HTMLElement {
  const head = el('tr', {}, ...(['net.col.site', 'net.col.switches', 'net.col.ports', 'net.col.now', 'net.col.bytes', 'net.col.p95', 'net.col.util', 'impact.col.coverage'] as const)
    .map((k, i) => el('th', { class: i >= 2 ? 'num' : '' }, t(k))));
  const rows = r.sites.map((s) => el('tr', { 'data-testid': 'site-row' },
    el('td', { class: 'name' }, s.site),
    el('td', {}, s.switches.join(', ')),
    el('td', { class: 'num' }, `${s.portsUp}/${s.memberPorts}`),
    el('td', { class: 'num' }, `${bps(s.inBps)} / ${bps(s.outBps)}`),
    el('td', { class: 'num' }, bytes(s.bytes)),
    el('td', { class: 'num' }, mbps(s.p95.mbps)),
    utilCell(s.utilP95),
    el('td', { class: 'num' }, coverageBadge(s.coverage))));
  return card(t('net.sites'), [
    el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'sites-table' }, el('thead', {}, head), el('tbody', {}, ...rows))),
    el('p', { class: 'fig-note' }, t('net.sites.note')),
  ]);
}

function endText(e: TrunkEnd): string {
  return `${e.switch} ${e.port} (${e.site})`;
}

function trunksCard(r: TrunksResponse): HTMLElement {
  if (r.trunks.length === 0) return card(t('net.trunks'), [notice(t('net.trunks.none'))]);
  const head = el('tr', {}, el('th', {}, t('net.col.trunk')), el('th', {}, t('net.col.ends')), el('th', { class: 'num' }, t('net.col.speed')),
    el('th', { class: 'num' }, t('net.col.now')), el('th', { class: 'num' }, t('net.col.util')), el('th', { class: 'num' }, t('net.col.max')),
    el('th', {}, t('net.col.forecast', { pct: pct(0.8) })));
  const rows = r.trunks.map((x) => el('tr', { 'data-testid': 'trunk-row' },
    el('td', { class: 'name' }, x.name),
    el('td', {}, el('div', {}, endText(x.a)), x.b ? el('div', {}, endText(x.b)) : null),
    el('td', { class: 'num' }, mbps(x.a.speedMbps)),
    el('td', { class: 'num' }, `${bps(x.a.outBps)} \u2192 / ${bps(x.a.inBps)} \u2190`),
    utilCell(Math.max(x.a.utilP95 ?? -1, x.b?.utilP95 ?? -1) < 0 ? null : Math.max(x.a.utilP95 ?? 0, x.b?.utilP95 ?? 0)),
    el('td', { class: 'num' }, pct(Math.max(x.a.maxUtil ?? 0, x.b?.maxUtil ?? 0), 1)),
    el('td', { 'data-testid': 'trunk-forecast' }, forecastText(x.forecast))));
  return card(t('net.trunks'), [
    el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'trunks-table' }, el('thead', {}, head), el('tbody', {}, ...rows))),
    el('p', { class: 'fig-note' }, r.method),
  ]);
}

function capacityCard(r: CapacityResponse): HTMLElement {
  const head = el('tr', {}, ...(['net.col.port', 'net.col.member', 'net.col.speed', 'net.col.last', 'net.col.growth'] as const).map((k, i) => el('th', { class: i >= 2 ? 'num' : '' }, t(k))),
    el('th', {}, t('net.col.forecast', { pct: pct(0.8) })));
  const last = (f: CapacityForecast) => [...f.history].reverse().find((h) => h.util !== null && h.coverage >= 0.5)?.util ?? null;
  const order = (f: CapacityForecast) => (f.status === 'over' ? 0 : f.status === 'forecast' ? 1 + (f.crossingAt ?? 0) / 1e15 : 3);
  const rows = [...r.ports].sort((a, b) => order(a.forecast) - order(b.forecast)).map((p) => el('tr', { 'data-testid': 'capacity-row' },
    el('td', { class: 'mono' }, `${p.switch} ${p.port}`),
    el('td', {}, p.member ?? p.role),
    el('td', { class: 'num' }, mbps(p.speedMbps)),
    utilCell(last(p.forecast)),
    el('td', { class: 'num' }, p.forecast.growthPerMonth === null ? '\u2014' : signedPct(p.forecast.growthPerMonth)),
    el('td', { class: p.forecast.status === 'over' ? 'hot' : '' }, forecastText(p.forecast))));
  return card(t('net.capacity'), [
    el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'capacity-table' }, el('thead', {}, head), el('tbody', {}, ...rows))),
    el('p', { class: 'fig-note' }, t('net.capacity.note')),
  ]);
}

function render(_ctx: Ctx, d: NetworkData, main: HTMLElement): void {
  replace(main, sitesCard(d.sites), d.trunks ? trunksCard(d.trunks) : null, d.capacity ? capacityCard(d.capacity) : null);
}

void startPage<NetworkData>({
  id: 'network', title: () => t('net.title'), needsIxp: true, period: true, refresh: true, render,
  load: async (ctx) => {
    const id = seg(ctx.ixp!.id);
    const q = { ...periodQuery(ctx.period, ctx.tz) };
    const full = ctx.ixp!.access === 'full';
    const [sites, trunks, capacity] = await Promise.all([
      get<SitesResponse>(`/ixps/${id}/sites`, q),
      full ? get<TrunksResponse>(`/ixps/${id}/trunks`, q) : Promise.resolve(null),
      full ? get<CapacityResponse>(`/ixps/${id}/capacity`) : Promise.resolve(null),
    ]);
    return { sites, trunks, capacity };
  },
});
