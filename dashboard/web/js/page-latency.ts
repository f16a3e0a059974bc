// Latency and resilience: local (members' routers) beside each international reference per month, the
// international outages of the period with the local traffic kept flowing, and, with ?asn=, a member's routers
// (median line with the smoke band). Names come from switches and member lists: text nodes only.
import type { LatencySummaryResponse, MemberLatencyResponse } from '../../api.ts';
import { get, seg } from './api.ts';
import { el, replace } from './dom.ts';
import { bps, bytes, dateTime, pct } from './format.ts';
import { t } from './i18n.ts';
import { card, chartCard, coverageBadge, notice, periodQuery, startPage, type Ctx } from './shell.ts';
import { drawMonthly, drawSmoke } from './latency-chart.ts';

interface Data { summary: LatencySummaryResponse; member: MemberLatencyResponse | null }

function asnOf(ctx: Ctx): number | null {
  const p = Number(ctx.params.get('asn'));
  return Number.isInteger(p) && p > 0 ? p : null;
}

async function load(ctx: Ctx): Promise<Data> {
  const q = periodQuery(ctx.period, ctx.tz);
  const asn = asnOf(ctx);
  const [summary, member] = await Promise.all([
    get<LatencySummaryResponse>(`/ixps/${seg(ctx.ixp!.id)}/latency`, { ...q, months: 13 }),
    asn === null ? Promise.resolve(null) : get<MemberLatencyResponse>(`/ixps/${seg(ctx.ixp!.id)}/latency/members/${seg(asn)}`, { ...q }),
  ]);
  return { summary, member };
}

const msText = (v: number | null) => (v === null ? '\u2014' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`);

function duration(msv: number): string {
  const m = Math.round(msv / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function monthsTable(s: LatencySummaryResponse): HTMLElement {
  const refs = new Map<string, string>();
  for (const m of s.months) for (const r of m.references) refs.set(r.target, r.name);
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'latency-months' },
    el('thead', {}, el('tr', {}, el('th', {}, t('latency.month')), el('th', { class: 'num' }, t('latency.local')),
      ...[...refs.values()].map((name) => el('th', { class: 'num' }, name)), el('th', {}, t('impact.col.coverage')))),
    el('tbody', {}, ...s.months.map((m) => el('tr', { 'data-testid': 'latency-month' },
      el('td', {}, m.month),
      el('td', { class: 'num' }, `${msText(m.local.medianMs)} \u00b7 ${t('latency.loss')} ${pct(m.local.loss, 1)}`),
      ...[...refs.keys()].map((target) => {
        const r = m.references.find((x) => x.target === target);
        return el('td', { class: 'num' }, r ? `${msText(r.medianMs)} \u00b7 ${t('latency.loss')} ${pct(r.loss, 1)}` : '\u2014');
      }),
      el('td', {}, coverageBadge(m.coverage)))))));
}

function outagesTable(ctx: Ctx, s: LatencySummaryResponse): HTMLElement {
  if (s.outages.length === 0) return el('p', { 'data-testid': 'latency-no-outage' }, t('latency.outages.none'));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'latency-outages' },
    el('thead', {}, el('tr', {}, el('th', {}, t('latency.start')), el('th', {}, t('latency.end')), el('th', { class: 'num' }, t('latency.duration')),
      el('th', { class: 'num' }, t('latency.bytes')), el('th', { class: 'num' }, t('latency.rate')), el('th', {}, ''))),
    el('tbody', {}, ...s.outages.map((o) => el('tr', { 'data-testid': 'latency-outage' },
      el('td', {}, dateTime(o.start, ctx.tz)),
      el('td', {}, o.end === null ? t('latency.ongoing') : dateTime(o.end, ctx.tz)),
      el('td', { class: 'num', 'data-testid': 'outage-duration' }, t('latency.plusMinus', { d: duration(o.durationMs), u: duration(o.uncertaintyMs) })),
      el('td', { class: 'num', 'data-testid': 'outage-bytes' }, bytes(o.bytes)),
      el('td', { class: 'num' }, bps(o.avgBps)),
      el('td', {}, coverageBadge(o.coverage)))))));
}

function render(ctx: Ctx, d: Data, main: HTMLElement): void {
  // Months before the first round are not months without latency: leave them out.
  const firstWithData = d.summary.months.findIndex((m) => m.coverage > 0);
  const s = { ...d.summary, months: firstWithData < 0 ? d.summary.months.slice(-1) : d.summary.months.slice(firstWithData) };
  const monthly = chartCard(t('latency.monthly'), 'chart-latency-monthly');
  const parts: HTMLElement[] = [];
  if (s.intervalMs === null) parts.push(notice(t('latency.noRounds')));
  parts.push(monthly.card, card('', [monthsTable(s)]), card(t('latency.outages'), [outagesTable(ctx, s), el('p', { class: 'fig-note', 'data-testid': 'latency-method' }, s.method)]));
  const smokes: { canvas: HTMLCanvasElement; i: number }[] = [];
  if (d.member) {
    const m = d.member;
    const name = m.routers[0]?.name ?? `AS${m.asn}`;
    const charts = m.routers.map((r, i) => { const c = chartCard(t('latency.router', { addr: r.target }), `chart-latency-router-${i}`); smokes.push({ canvas: c.canvas, i }); return c.card; });
    parts.push(card(t('latency.member', { name }), [...(charts.length ? charts : [el('p', {}, t('common.noData'))]), el('p', { class: 'fig-note' }, m.method)], { 'data-testid': 'latency-member' }));
  }
  replace(main, ...parts);
  drawMonthly(monthly.canvas, s.months);
  if (d.member) for (const { canvas, i } of smokes) drawSmoke(canvas, d.member.routers[i], ctx.tz, d.member.period.from, d.member.period.to);
}

void startPage<Data>({ id: 'latency', title: () => t('latency.title'), needsIxp: true, period: true, refresh: true, load, render });
