// Latency panels for the overview, impact and member pages: "local" (median over members' routers) beside each
// international reference per month, with method and coverage; a member's routers with the smoke chart of
// latency.html. Draws what the latency API returned; names are untrusted text, inserted as text nodes only.
import type { LatencyMonth, LatencySummaryResponse, MemberLatencyResponse } from '../../api.ts';
import { get, HttpError, seg } from './api.ts';
import { el } from './dom.ts';
import { int, month, pct } from './format.ts';
import { t } from './i18n.ts';
import { drawSmoke } from './latency-chart.ts';
import { card, chartCard, coverageBadge, pageHref, type Ctx } from './shell.ts';

const msText = (v: number | null) => (v === null ? '\u2014' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`);

/** An answer the panel can do without (no latency here, not allowed, not configured): null; anything else throws. */
async function optional<T>(p: Promise<T>): Promise<T | null> {
  try { return await p; } catch (e) {
    if (e instanceof HttpError && (e.status < 500 || e.status === 501)) return null;
    throw e;
  }
}

/** The last `months` months of an IXP's latency summary (ending with `monthText` when given); null when it has none. */
export function loadLatencySummary(ixp: string, months: number, monthText?: string): Promise<LatencySummaryResponse | null> {
  return optional(get<LatencySummaryResponse>(`/ixps/${seg(ixp)}/latency`, { months, ...(monthText ? { month: monthText } : {}) }));
}

/** One cell: median and loss. */
const cell = (medianMs: number | null, loss: number | null, testid: string) =>
  el('td', { class: 'num', 'data-testid': testid }, msText(medianMs), el('div', { class: 'muted small' }, `${t('latency.loss')} ${pct(loss, 1)}`));

/** The references of some months, in order of first appearance (target → name). */
function referencesOf(months: LatencyMonth[]): Map<string, string> {
  const refs = new Map<string, string>();
  for (const m of months) for (const r of m.references) if (!refs.has(r.target)) refs.set(r.target, r.name);
  return refs;
}

/**
 * The overview's panel: one row per month from the first with rounds, local beside each reference, the coverage
 * and the method; a link to latency.html for the outages. Null when the IXP measured no latency in these months.
 */
export function latencyMonthsCard(ctx: Ctx, s: LatencySummaryResponse | null): HTMLElement | null {
  if (!s) return null;
  const first = s.months.findIndex((m) => m.coverage > 0);
  if (first < 0) return null;
  const months = s.months.slice(first);
  const refs = referencesOf(months);
  const table = el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'latency-panel-table' },
    el('thead', {}, el('tr', {}, el('th', {}, t('latency.month')), el('th', { class: 'num' }, t('latency.local')),
      ...[...refs.values()].map((name) => el('th', { class: 'num' }, name)), el('th', {}, t('impact.col.coverage')))),
    el('tbody', {}, ...months.map((m) => el('tr', { 'data-testid': 'latency-panel-month', 'data-month': m.month },
      el('td', {}, month(m.month)),
      el('td', { class: 'num', 'data-testid': 'latency-panel-local' }, msText(m.local.medianMs),
        el('div', { class: 'muted small' }, `${t('latency.loss')} ${pct(m.local.loss, 1)} \u00b7 ${t('latency.panel.routers', { n: int(m.local.routers) })}`)),
      ...[...refs.keys()].map((target) => {
        const r = m.references.find((x) => x.target === target);
        return r ? cell(r.medianMs, r.loss, 'latency-panel-ref') : el('td', { class: 'num' }, '\u2014');
      }),
      el('td', {}, coverageBadge(m.coverage)))))));
  return card(t('latency.panel.title'), [table,
    el('p', { class: 'fig-note', 'data-testid': 'latency-panel-method' }, s.method),
    el('p', {}, el('a', { class: 'btn btn-small', href: pageHref(ctx, 'latency'), 'data-testid': 'latency-panel-link' }, t('latency.panel.more')))], { 'data-testid': 'latency-panel' });
}

/** The impact page's panel: for the month, one row per IXP that measured latency (local beside each reference). */
export function latencyImpactCard(monthText: string, rows: { ixp: string; name: string; summary: LatencySummaryResponse | null }[]): HTMLElement | null {
  const have = rows.map((r) => ({ ...r, m: r.summary?.months.find((m) => m.month === monthText && m.coverage > 0) })).filter((r) => r.m);
  if (have.length === 0) return null;
  const refs = referencesOf(have.map((r) => r.m!));
  const method = have[0]!.summary!.method;
  return card(t('latency.impact.title', { month: month(monthText) }), [
    el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'latency-impact-table' },
      el('thead', {}, el('tr', {}, el('th', {}, t('impact.col.ixp')), el('th', { class: 'num' }, t('latency.local')),
        ...[...refs.values()].map((name) => el('th', { class: 'num' }, name)), el('th', {}, t('impact.col.coverage')))),
      el('tbody', {}, ...have.map(({ ixp, name, m }) => el('tr', { 'data-testid': 'latency-impact-row', 'data-ixp': ixp },
        el('td', { class: 'name' }, name),
        cell(m!.local.medianMs, m!.local.loss, 'latency-impact-local'),
        ...[...refs.keys()].map((target) => {
          const r = m!.references.find((x) => x.target === target);
          return r ? cell(r.medianMs, r.loss, 'latency-impact-ref') : el('td', { class: 'num' }, '\u2014');
        }),
        el('td', {}, coverageBadge(m!.coverage))))))),
    el('p', { class: 'fig-note', 'data-testid': 'latency-impact-method' }, method),
  ], { 'data-testid': 'latency-impact' });
}

/** A member's routers over the period; null when the asker may not see them or the IXP has no latency. */
export function loadMemberLatency(ixp: string, asn: number, query: Record<string, string | number | undefined>): Promise<MemberLatencyResponse | null> {
  return optional(get<MemberLatencyResponse>(`/ixps/${seg(ixp)}/latency/members/${seg(asn)}`, query));
}

/**
 * The member page's panel: one smoke chart per router (median line, band, every reply) with the period's median and
 * loss. Returns the card and a draw() to call once it is in the page; null without routers.
 */
export function memberLatencyCard(ctx: Ctx, m: MemberLatencyResponse | null): { card: HTMLElement; draw(): void } | null {
  if (!m || m.routers.length === 0) return null;
  const charts = m.routers.map((r, i) => ({ r, c: chartCard(t('latency.router', { addr: r.target }), `chart-member-latency-${i}`) }));
  const body = charts.flatMap(({ r, c }) => [c.card,
    el('p', { class: 'fig-note', 'data-testid': 'member-latency-figures' }, t('latency.periodFigures', {
      median: msText(r.summary?.medianMs ?? null), loss: pct(r.summary?.loss ?? null, 1), sent: int(r.summary?.sent ?? 0),
    }))]);
  return {
    card: card(t('latency.memberPanel'), [...body, el('p', { class: 'fig-note', 'data-testid': 'member-latency-method' }, m.method)], { 'data-testid': 'member-latency' }),
    draw: () => { for (const { r, c } of charts) drawSmoke(c.canvas, r, ctx.tz, m.period.from, m.period.to); },
  };
}
