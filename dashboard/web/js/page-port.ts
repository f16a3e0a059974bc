// One switch port: bits, packets, errors and discards, and its up/down timeline. ifAlias and
// member names are untrusted switch text: inserted as text nodes only.
import type { PortDetailResponse } from '../../api.ts';
import { get, HttpError, seg } from './api.ts';
import { el, replace } from './dom.ts';
import { drawErrors } from './errors-chart.ts';
import { figureGrid } from './figures.ts';
import { bps, mbps, pct } from './format.ts';
import { t } from './i18n.ts';
import { drawPackets } from './packets-chart.ts';
import { statusDotOf } from './status-dot.ts';
import { drawStatus } from './status-chart.ts';
import { chartCard, memberHref, pageHref, periodQuery, startPage, stepFor, type Ctx } from './shell.ts';
import { drawTraffic } from './traffic-chart.ts';

async function load(ctx: Ctx): Promise<PortDetailResponse> {
  const sw = ctx.params.get('switch');
  const port = ctx.params.get('port');
  if (!sw || !port) throw new HttpError(404, 'switch? port?');
  return get<PortDetailResponse>(`/ixps/${seg(ctx.ixp!.id)}/ports/${seg(sw)}/${seg(port)}`, { ...periodQuery(ctx.period, ctx.tz), step: stepFor(ctx.period) });
}

function maxOf(a: (number | null)[]): number | null {
  let m: number | null = null;
  for (const v of a) if (v !== null && (m === null || v > m)) m = v;
  return m;
}

function render(ctx: Ctx, d: PortDetailResponse, main: HTMLElement): void {
  const p = d.port;
  const bits = chartCard(t('port.bits'), 'chart-port-bits');
  const packets = chartCard(t('port.packets'), 'chart-port-packets', 'small');
  const errors = chartCard(t('port.errors'), 'chart-port-errors', 'small');
  const status = chartCard(t('port.status'), 'chart-port-status', 'strip');
  const uMax = Math.max(maxOf(d.utilIn) ?? -1, maxOf(d.utilOut) ?? -1);
  const upShare = (() => {
    const v = d.operUp.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  })();
  replace(main,
    el('div', { class: 'member-head' },
      d.member ? el('a', { href: memberHref(ctx, d.member.asn), class: 'back', 'data-testid': 'back-member' }, `\u2190 ${d.member.name}`)
        : el('a', { href: pageHref(ctx, 'overview'), class: 'back', 'data-testid': 'back-overview' }, `\u2190 ${t('nav.overview')}`),
      el('h2', { class: 'member-name', 'data-testid': 'port-name' }, `${p.switch} \u00b7 ${p.port}`),
      statusDotOf(p.operUp)),
    el('p', { class: 'alias-line', 'data-testid': 'port-alias' }, p.alias),
    figureGrid([
      { label: t('banner.trafficNow'), value: bps(p.inBps), testid: 'fig-port-now', tone: 'in', sub: `${t('common.in')} ${bps(p.inBps)} \u00b7 ${t('common.out')} ${bps(p.outBps)}` },
      { label: t('port.speed'), value: p.speedMbps === null ? '\u2014' : mbps(p.speedMbps), testid: 'fig-port-speed' },
      { label: t('members.col.util'), value: uMax < 0 ? '\u2014' : pct(uMax), testid: 'fig-port-util', tone: uMax > 0.8 ? 'bad' : 'plain', sub: uMax > 0.8 ? `\u26a0 ${t('members.hot')}` : undefined },
      { label: t('fig.availability'), value: pct(upShare, 2), testid: 'fig-port-avail', note: t('fig.availability.note'), tone: upShare !== null && upShare < 0.999 ? 'bad' : 'good' },
    ], 'port-figures'),
    bits.card,
    status.card,
    el('div', { class: 'two' }, packets.card, errors.card));
  const tz = d.period.timezone;
  drawTraffic(bits.canvas, d, tz, d.period.from, d.period.to);
  drawStatus(status.canvas, d);
  drawPackets(packets.canvas, d);
  drawErrors(errors.canvas, d);
}

void startPage<PortDetailResponse>({
  id: 'port', title: (_c, d) => (d ? `${t('port.title')} ${d.port.port}` : t('port.title')),
  needsIxp: true, period: true, refresh: true, load, render,
});
