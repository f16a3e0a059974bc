// The IXP overview: banner (traffic now, ports up, freshness), the aggregate in/out graph, and the
// period's figures with methodology notes and coverage. API text goes in as text only.
import type { LatencySummaryResponse, PeeringResponse, SummaryResponse, TrafficResponse } from '../../api.ts';
import { get, seg } from './api.ts';
import { el, replace } from './dom.ts';
import { figureGrid } from './figures.ts';
import { bps, bytes, int, money, mbps, month as monthName, pct } from './format.ts';
import { t } from './i18n.ts';
import { card, chartCard, startPage, stepFor, type Ctx, periodQuery } from './shell.ts';
import { exchangeIpv6, loadPeering, sflowCoverage, shareWithError } from './sflow-figures.ts';
import { drawTraffic } from './traffic-chart.ts';
import { parseDateInput } from './tz.ts';
import { latencyMonthsCard, loadLatencySummary } from './latency-panels.ts';

interface Data {
  traffic: TrafficResponse;
  summary: SummaryResponse;
  month: SummaryResponse;
  launch: SummaryResponse | null;
  /** The month's sFlow matrix answer (IPv6 share); null without sFlow data or when the API refuses. */
  peering: PeeringResponse | null;
  latency: LatencySummaryResponse | null;
}

async function load(ctx: Ctx): Promise<Data> {
  const base = `/ixps/${seg(ctx.ixp!.id)}`;
  const q = periodQuery(ctx.period, ctx.tz);
  const launched = ctx.ixp!.launched ? parseDateInput(ctx.ixp!.launched, ctx.tz) : NaN;
  const [traffic, summary, month, launch, peering, latency] = await Promise.all([
    get<TrafficResponse>(`${base}/traffic`, { ...q, step: stepFor(ctx.period) }),
    get<SummaryResponse>(`${base}/summary`, { ...q }),
    get<SummaryResponse>(`${base}/summary`, {}),
    Number.isFinite(launched) && launched < Date.now()
      ? get<SummaryResponse>(`${base}/summary`, { from: launched, to: Date.now() }).catch(() => null)
      : Promise.resolve(null),
    loadPeering(ctx.ixp!.id),
    loadLatencySummary(ctx.ixp!.id, 6),
  ]);
  return { traffic, summary, month, launch, peering, latency };
}

function banner(ctx: Ctx, d: Data): HTMLElement {
  const now = ctx.now;
  const up = now?.portsUp ?? d.summary.portsUp;
  const total = now?.portsTotal ?? d.summary.portsTotal;
  const ok = now ? !now.stale && now.t !== null : true;
  const item = (label: string, value: string, testid: string, sub?: string) =>
    el('div', { class: 'banner-item', 'data-testid': testid },
      el('div', { class: 'banner-label' }, label),
      el('div', { class: 'banner-value', 'data-testid': `${testid}-value` }, value),
      sub ? el('div', { class: 'banner-sub' }, sub) : null);
  return el('section', { class: `banner ${ok ? 'banner-ok' : 'banner-bad'}`, 'data-testid': 'banner' },
    item(t('banner.trafficNow'), bps(now?.inBps ?? null), 'traffic-now',
      now && now.inBps !== null ? `${t('common.in')} ${bps(now.inBps)} \u00b7 ${t('common.out')} ${bps(now.outBps)}` : undefined),
    item(t('banner.portsUp'), `${int(up)} / ${int(total)}`, 'ports-up', total > 0 ? pct(up / total) : undefined),
    item(t('banner.members'), int(d.summary.members), 'members-count'),
    item(savedMonthLabel(d.month), money(d.month.transitSaved, d.month.currency), 'banner-saved', savedMonthSub(d.month)));
}

/** A month in progress says "so far"; its projection is shown beside it, never alone. */
function savedMonthLabel(s: SummaryResponse): string {
  return s.period.complete === false ? t('pm.savedMonthSoFar') : t('fig.savedMonth');
}

function savedMonthSub(s: SummaryResponse): string {
  const net = t('fig.net', { amount: money(s.netSaved, s.currency) });
  if (s.period.complete !== false || s.transitSavedProjected === undefined) return net;
  return `${net} \u00b7 ${t('pm.projected', { amount: money(s.transitSavedProjected, s.currency), net: money(s.netSavedProjected ?? null, s.currency) })}`;
}

/** The exchange's IPv6 share of the month, from sFlow (shown only where the API gives it). */
function ipv6Tile(p: PeeringResponse): Parameters<typeof figureGrid>[0][number] {
  const c = p.coverage;
  return { label: t('sflow.ipv6Headline', { month: monthName(p.month) }), value: shareWithError(exchangeIpv6(p)), testid: 'fig-ipv6', tone: 'plain',
    note: `${t('sflow.ipv6.note')} ${sflowCoverage(p)}`, coverage: c.expectedWindows > 0 ? c.windows / c.expectedWindows : null };
}

function render(ctx: Ctx, d: Data, main: HTMLElement): void {
  const s = d.summary;
  const cur = s.currency;
  const chart = chartCard(t('overview.chart'), 'chart-traffic', 'tall');
  const coarse = s.methodology.includes('p95-coarse-resolution');
  replace(main,
    banner(ctx, d),
    chart.card,
    card(t('overview.figures'), [figureGrid([
      { label: t('fig.peak'), value: bps(s.peakBps), testid: 'fig-peak', note: t('fig.peak.note'), coverage: s.coverage, tone: 'in' },
      { label: t('fig.p95'), value: mbps(s.p95.mbps), testid: 'fig-p95', note: t('fig.p95.note') + (coarse ? ` ${t('common.coarse')}` : ''), coverage: s.coverage, tone: 'in',
        sub: `${t('common.in')} ${mbps(s.p95.inMbps)} \u00b7 ${t('common.out')} ${mbps(s.p95.outMbps)}` },
      { label: t('fig.volume'), value: bytes(s.bytes), testid: 'fig-volume', note: t('fig.volume.note'), coverage: s.coverage, tone: 'out' },
      { label: t('fig.localContent'), value: pct(s.localContentShare, 1), testid: 'fig-content', note: t('fig.localContent.note'), coverage: s.coverage, tone: 'out' },
      ...(d.peering ? [ipv6Tile(d.peering)] : []),
    ])]),
    card(t('overview.savings'), [figureGrid([
      { label: savedMonthLabel(d.month), value: money(d.month.transitSaved, cur), testid: 'fig-saved-month', coverage: d.month.coverage, tone: 'money',
        note: `${t('fig.saved.note')} ${t('pm.partMonth.note')}${d.month.period.complete === false ? ` ${t('pm.projected.note')}` : ''}`,
        sub: savedMonthSub(d.month) },
      { label: t('fig.savedLaunch'), value: d.launch ? money(d.launch.transitSaved, cur) : '\u2014', testid: 'fig-saved-launch', note: `${t('fig.saved.note')} ${t('pm.partMonth.note')}`, coverage: d.launch ? d.launch.coverage : null, tone: 'money',
        sub: d.launch ? t('fig.net', { amount: money(d.launch.netSaved, cur) }) : undefined },
    ], 'figures-savings')]),
    latencyMonthsCard(ctx, d.latency));
  drawTraffic(chart.canvas, d.traffic, ctx.tz, d.traffic.period.from, d.traffic.period.to);
}

void startPage<Data>({ id: 'overview', title: () => t('overview.title'), needsIxp: true, period: true, refresh: true, load, render });
