// Reporters' impact overview: every IXP side by side for a month (traffic kept local, growth,
// savings, local content share from port counters and, where sFlow runs, measured from the peer-to-peer matrix,
// the IPv6 share, and each IXP's local and international latency), with CSV/JSON export and a printable layout.
// IXP names are text only.
import type { ImpactResponse, ImpactRow, LatencySummaryResponse, PeeringResponse } from '../../api.ts';
import { apiUrl, get } from './api.ts';
import { el, replace } from './dom.ts';
import { bytes, mbps, money, month, pct, signedPct } from './format.ts';
import { lang, t } from './i18n.ts';
import { drawImpact } from './impact-chart.ts';
import { card, chartCard, coverageBadge, notice, startPage, type Ctx } from './shell.ts';
import { loadPeering, sflowCoverage, sflowCoverageShort, shareWithError } from './sflow-figures.ts';
import { latencyImpactCard, loadLatencySummary } from './latency-panels.ts';

/**
 * The impact answer, per IXP its sFlow answer for the same month (null: no sFlow data, or not visible), and each
 * IXP's latency of the month.
 */
interface Data {
  impact: ImpactResponse;
  peering: Map<string, PeeringResponse | null>;
  latency: { ixp: string; name: string; summary: LatencySummaryResponse | null }[];
}

function prevMonth(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // Quote every text cell; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula.
  return typeof v === 'number' ? s : `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
}

/** The impact table as CSV (raw numbers, for pasting into a report). */
export function impactCsv(r: ImpactResponse, peering: Map<string, PeeringResponse | null> = new Map()): string {
  const head = ['month', 'ixp', 'name', 'currency', 'bytes', 'bytes_prev_month', 'growth', 'p95_mbps', 'transit_saved', 'net_saved', 'local_content_share', 'members', 'coverage',
    'complete', 'growth_reason', 'transit_saved_projected', 'net_saved_projected',
    'measured_local_content_share', 'measured_local_content_share_error', 'ipv6_share', 'ipv6_share_error', 'sflow_windows', 'sflow_expected_windows', 'sflow_samples'];
  const rows = r.ixps.map((x) => {
    const p = peering.get(x.ixp) ?? null;
    return [r.month, x.ixp, x.name, x.currency, x.bytes, x.bytesPrevMonth, x.growth, x.p95.mbps, x.transitSaved, x.netSaved, x.localContentShare, x.members, x.coverage,
      x.complete ? 1 : 0, x.growthReason ?? null, x.transitSavedProjected ?? null, x.netSavedProjected ?? null,
      p?.localContent?.share ?? null, p?.localContent?.error ?? null, p?.ipv6.share ?? null, p?.ipv6.error ?? null, p?.coverage.windows ?? null, p?.coverage.expectedWindows ?? null, p?.coverage.samples ?? null];
  });
  return [head, ...rows].map((row) => row.map((c) => csvCell(c as string | number | null)).join(',')).join('\r\n') + '\r\n';
}

/** Why an IXP's growth is missing, translated from the parts the API gives. */
function growthWhy(x: ImpactRow): string {
  const nc = x.growthNotComparable;
  return nc === 'no-traffic' ? t('pm.growthNoTraffic')
    : nc ? t('pm.growthNotComparable', { month: month(nc.month), pct: nc.coverage > 0 && nc.coverage < 0.005 ? '< 1 %' : pct(nc.coverage) }) : t('pm.growthNone');
}

/** The growth cell: the figure, or "not comparable" (the reason in its title and in the notes under the table). */
function growthCell(x: ImpactRow): HTMLElement {
  if (x.growth !== null) return el('td', { class: `num ${x.growth < 0 ? 'neg' : 'pos'}`, 'data-testid': 'impact-growth' }, signedPct(x.growth));
  return el('td', { class: 'num muted', 'data-testid': 'impact-growth', title: growthWhy(x) }, '\u2013', el('div', { class: 'muted small' }, t('pm.growthNone')));
}

/** The saved cell: a month in progress shows the figure so far and its projection, both labelled. */
function savedCell(x: ImpactRow): HTMLElement {
  const net = el('div', { class: 'muted small' }, t('fig.net', { amount: money(x.netSaved, x.currency) }));
  if (x.complete || x.transitSavedProjected === undefined) return el('td', { class: 'num money' }, money(x.transitSaved, x.currency), net);
  return el('td', { class: 'num money wrap' }, `${money(x.transitSaved, x.currency)} ${t('pm.soFar')}`, net,
    el('div', { class: 'muted small', 'data-testid': 'impact-projected' }, t('pm.projected', { amount: money(x.transitSavedProjected, x.currency), net: money(x.netSavedProjected ?? null, x.currency) })));
}

/** The report form: an IXP, a month (the page's, by default the last complete one) or a year, a format and a language. */
function reportForm(r: ImpactResponse): HTMLElement {
  const ixp = el('select', { class: 'select', 'data-testid': 'report-ixp', 'aria-label': t('pm.report.ixp') }, ...r.ixps.map((x) => el('option', { value: x.ixp }, x.name)));
  const mon = el('input', { type: 'month', value: r.month, 'data-testid': 'report-month', 'aria-label': t('pm.report.month') });
  const year = el('input', { class: 'select', type: 'number', min: '2000', max: '2100', step: '1', placeholder: 'YYYY', 'data-testid': 'report-year', 'aria-label': t('pm.report.year') });
  const format = el('select', { class: 'select', 'data-testid': 'report-format', 'aria-label': t('pm.report.format') }, ...['html', 'pdf', 'csv', 'json'].map((f) => el('option', { value: f }, f.toUpperCase())));
  const lg = el('select', { class: 'select', 'data-testid': 'report-lang', 'aria-label': t('pm.report.lang') }, ...[['en', 'English'], ['fr', 'Français'], ['pt', 'Português']].map(([v, l]) => el('option', { value: v! }, l!)));
  lg.value = lang();
  const open = el('a', { class: 'btn btn-small', 'data-testid': 'report-open', target: '_blank', rel: 'noopener' }, t('pm.report.open'));
  const update = () => {
    const y = /^\d{4}$/.test(year.value) ? year.value : undefined;
    open.href = apiUrl(`/ixps/${encodeURIComponent(ixp.value)}/report`, { ...(y ? { year: y } : { month: /^\d{4}-\d{2}$/.test(mon.value) ? mon.value : r.month }), format: format.value, lang: lg.value });
  };
  for (const c of [ixp, mon, year, format, lg]) { c.addEventListener('change', update); c.addEventListener('input', update); }
  update();
  const lbl = (text: string, c: HTMLElement) => el('label', { class: 'tool' }, text, ' ', c);
  return card(t('pm.report'), [
    el('div', { class: 'impact-tools', 'data-testid': 'report-form' },
      lbl(t('pm.report.ixp'), ixp), lbl(t('pm.report.month'), mon), lbl(t('pm.report.year'), year), lbl(t('pm.report.format'), format), lbl(t('pm.report.lang'), lg), open),
    el('p', { class: 'fig-note' }, t('pm.report.note')),
  ]);
}

/** A measured (sFlow) share cell: value ± error and its coverage, or "no sFlow data". */
function sflowCell(p: PeeringResponse | null, share: 'localContent' | 'ipv6', testid: string): HTMLElement {
  if (!p || (share === 'localContent' && !p.localContent)) return el('td', { class: 'num muted wrap', 'data-testid': testid }, t('impact.noSflow'));
  return el('td', { class: 'num wrap', 'data-testid': testid }, shareWithError(share === 'ipv6' ? p.ipv6 : p.localContent),
    el('div', { class: 'muted small', 'data-testid': `${testid}-coverage`, title: sflowCoverage(p) }, sflowCoverageShort(p)));
}

function render(ctx: Ctx, d: Data, main: HTMLElement): void {
  const r = d.impact;
  const chart = chartCard(t('impact.chart'), 'chart-impact');
  const monthInput = el('input', { type: 'month', value: r.month, 'data-testid': 'impact-month', 'aria-label': t('impact.month') });
  monthInput.addEventListener('change', () => {
    if (/^\d{4}-\d{2}$/.test(monthInput.value)) location.search = new URLSearchParams({ month: monthInput.value }).toString();
  });
  const csv = el('a', { class: 'btn btn-small', 'data-testid': 'impact-csv', download: `ixmeter-impact-${r.month}.csv`, href: '#' }, t('common.csv'));
  csv.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([impactCsv(r, d.peering)], { type: 'text/csv;charset=utf-8' }));
    csv.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  const print = el('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'impact-print' }, t('common.print'));
  print.addEventListener('click', () => window.print());
  const rows = r.ixps.map((x) => el('tr', { 'data-testid': 'impact-row', 'data-ixp': x.ixp },
    el('td', { class: 'name' }, x.name),
    el('td', { class: 'num' }, bytes(x.bytes)),
    growthCell(x),
    el('td', { class: 'num' }, mbps(x.p95.mbps)),
    savedCell(x),
    // The port-based figure's coverage is the row's coverage (last column); the sFlow cells carry their own.
    el('td', { class: 'num', 'data-testid': 'impact-content-ports' }, pct(x.localContentShare, 1)),
    sflowCell(d.peering.get(x.ixp) ?? null, 'localContent', 'impact-content-sflow'),
    sflowCell(d.peering.get(x.ixp) ?? null, 'ipv6', 'impact-ipv6'),
    el('td', { class: 'num' }, String(x.members)),
    el('td', { class: 'num' }, coverageBadge(x.coverage))));
  replace(main,
    el('div', { class: 'impact-tools' },
      el('p', { class: 'lead' }, t('impact.intro')),
      el('label', { class: 'tool' }, t('impact.month'), ' ', monthInput),
      csv,
      el('a', { class: 'btn btn-small', href: apiUrl('/impact', { month: r.month }), 'data-testid': 'impact-json' }, t('common.json')),
      print),
    r.ixps.length === 0 ? notice(t('common.noData')) : card(r.ixps[0]!.complete ? month(r.month) : t('pm.monthInProgress', { month: month(r.month), pct: pct(r.ixps[0]!.elapsedShare) }), [
      el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'impact-table' },
        el('thead', {}, el('tr', {},
          el('th', {}, t('impact.col.ixp')), el('th', { class: 'num' }, t('impact.col.local')), el('th', { class: 'num' }, t('impact.col.growth')),
          el('th', { class: 'num' }, t('impact.col.p95')), el('th', { class: 'num' }, t('impact.col.saved')), el('th', { class: 'num wrap' }, t('impact.col.contentPorts')),
          el('th', { class: 'num wrap' }, t('impact.col.contentSflow')), el('th', { class: 'num wrap' }, t('impact.col.ipv6')),
          el('th', { class: 'num' }, t('members.title')), el('th', { class: 'num' }, t('impact.col.coverage')))),
        el('tbody', {}, ...rows))),
      el('ul', { class: 'notes' },
        el('li', {}, el('strong', {}, t('impact.col.local'), ': '), t('fig.volume.note')),
        el('li', {}, el('strong', {}, t('impact.col.growth'), ': '), t('pm.growth.note'),
          ...r.ixps.filter((x) => x.growth === null).map((x) => el('div', { 'data-testid': 'impact-growth-reason', 'data-ixp': x.ixp }, `${x.name}: ${growthWhy(x)}`))),
        el('li', {}, el('strong', {}, t('impact.col.p95'), ': '), t('fig.p95.note')),
        el('li', {}, el('strong', {}, t('impact.col.saved'), ': '), `${t('fig.saved.note')} ${t('pm.partMonth.note')}`),
        el('li', { 'data-testid': 'impact-note-content-ports' }, el('strong', {}, t('impact.col.contentPorts'), ': '), t('impact.contentPorts.note')),
        el('li', { 'data-testid': 'impact-note-content-sflow' }, el('strong', {}, t('impact.col.contentSflow'), ': '), t('impact.contentSflow.note')),
        el('li', {}, el('strong', {}, t('impact.col.ipv6'), ': '), t('impact.ipv6.note'))),
    ]),
    r.ixps.length ? chart.card : null,
    latencyImpactCard(r.month, d.latency),
    r.ixps.length ? reportForm(r) : null);
  if (r.ixps.length) drawImpact(chart.canvas, r, month(prevMonth(r.month), true), month(r.month, true));
}

void startPage<Data>({
  id: 'impact', title: () => t('impact.title'), needsIxp: false, period: false, refresh: false, render,
  load: async (ctx) => {
    const m = ctx.params.get('month');
    const impact = await get<ImpactResponse>('/impact', { month: m && /^\d{4}-\d{2}$/.test(m) ? m : undefined });
    const [peering, latency] = await Promise.all([
      Promise.all(impact.ixps.map(async (x) => [x.ixp, await loadPeering(x.ixp, impact.month)] as const)).then((e) => new Map(e)),
      // Each IXP's latency of the month, beside its impact figures (IXPs without latency are left out of that panel).
      Promise.all(impact.ixps.map(async (x) => ({ ixp: x.ixp, name: x.name, summary: await loadLatencySummary(x.ixp, 1, impact.month) }))),
    ]);
    return { impact, peering, latency };
  },
});
