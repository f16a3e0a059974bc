// One member: its figures, its ports, its traffic and its monthly 95th percentile and savings
// history. Member names and ifAlias are untrusted text: inserted as text nodes only.
import type { MemberDetailResponse, MemberLatencyResponse, PortInfo } from '../../api.ts';
import { get, HttpError, seg } from './api.ts';
import { el, replace } from './dom.ts';
import { figureGrid } from './figures.ts';
import { bps, bytes, dateTime, mbps, money, pct } from './format.ts';
import { drawHistory } from './history-chart.ts';
import { t } from './i18n.ts';
import { categoryLabelOf } from './labels.ts';
import { statusDotOf } from './status-dot.ts';
import { card, chartCard, coverageBadge, pageHref, periodQuery, portHref, startPage, stepFor, type Ctx } from './shell.ts';
import { drawTraffic } from './traffic-chart.ts';
import { loadMemberLatency, memberLatencyCard } from './latency-panels.ts';

function asnOf(ctx: Ctx): number {
  const p = Number(ctx.params.get('asn'));
  if (Number.isInteger(p) && p > 0) return p;
  return ctx.session.asns?.[0] ?? NaN;
}

type Data = MemberDetailResponse & { latency: MemberLatencyResponse | null };

async function load(ctx: Ctx): Promise<Data> {
  const asn = asnOf(ctx);
  if (!Number.isFinite(asn)) throw new HttpError(404, 'asn?');
  const q = periodQuery(ctx.period, ctx.tz);
  const [d, latency] = await Promise.all([
    get<MemberDetailResponse>(`/ixps/${seg(ctx.ixp!.id)}/members/${seg(asn)}`, { ...q, step: stepFor(ctx.period), months: 12 }),
    loadMemberLatency(ctx.ixp!.id, asn, { ...q }),
  ]);
  return { ...d, latency };
}

function portsTable(ctx: Ctx, ports: PortInfo[]): HTMLElement {
  const canOpen = ctx.session.role === 'member' || ctx.session.role === 'operator' || ctx.session.role === 'admin';
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'ports-table' },
    el('thead', {}, el('tr', {},
      el('th', {}, t('port.switch')), el('th', {}, t('port.title')), el('th', {}, t('port.alias')),
      el('th', { class: 'num' }, t('port.speed')), el('th', {}, t('port.state')),
      el('th', { class: 'num' }, t('common.in')), el('th', { class: 'num' }, t('common.out')))),
    el('tbody', {}, ...ports.map((p) => el('tr', { 'data-testid': 'port-row' },
      el('td', {}, p.switch),
      el('td', { class: 'mono' }, canOpen ? el('a', { href: portHref(ctx, p.switch, p.port), 'data-testid': 'port-link' }, p.port) : p.port),
      el('td', { class: 'alias', 'data-testid': 'port-alias' }, p.alias),
      el('td', { class: 'num' }, p.speedMbps === null ? '\u2014' : mbps(p.speedMbps)),
      el('td', {}, statusDotOf(p.operUp)),
      el('td', { class: 'num' }, bps(p.inBps)),
      el('td', { class: 'num' }, bps(p.outBps)))))));
}

function render(ctx: Ctx, d: Data, main: HTMLElement): void {
  const m = d.member;
  const cur = d.currency;
  const traffic = chartCard(t('member.traffic'), 'chart-member-traffic');
  const history = chartCard(t('member.history'), 'chart-member-history');
  const latency = memberLatencyCard(ctx, d.latency);
  replace(main,
    el('div', { class: 'member-head' },
      el('a', { href: pageHref(ctx, 'members'), class: 'back', 'data-testid': 'back-members' }, `\u2190 ${t('nav.members')}`),
      el('h2', { class: 'member-name', 'data-testid': 'member-name' }, m.name),
      el('span', { class: 'mono muted' }, `AS${m.asn}`),
      el('span', { class: 'tag' }, categoryLabelOf(m.category)),
      coverageBadge(m.coverage)),
    figureGrid([
      { label: t('fig.p95'), value: mbps(m.p95.mbps), testid: 'fig-member-p95', note: t('fig.p95.note'), coverage: m.coverage, tone: 'in',
        sub: `${t('common.in')} ${mbps(m.p95.inMbps)} \u00b7 ${t('common.out')} ${mbps(m.p95.outMbps)}` },
      { label: t('fig.volume'), value: bytes(m.bytes), testid: 'fig-member-bytes', note: t('fig.volume.note'), tone: 'out' },
      { label: t('members.col.util'), value: pct(m.maxUtil), testid: 'fig-member-util', tone: (m.maxUtil ?? 0) > 0.8 ? 'bad' : 'plain',
        sub: m.portsOver80 > 0 ? `\u26a0 ${t('members.hot')}` : undefined },
      { label: d.periodProgress.complete ? t('members.col.savings') : `${t('members.col.savings')} (${t('pm.soFar')})`,
        value: m.buysTransit ? money(m.transitSaved, cur) : '\u2014', testid: 'fig-member-saved', tone: 'money',
        note: `${t('fig.saved.note')} ${t('pm.partMonth.note')}${m.transitSavedProjected !== undefined ? ` ${t('pm.projected.note')}` : ''}`,
        sub: m.buysTransit ? memberSavedSub(m, cur, d.periodProgress.elapsedShare) : undefined },
    ], 'member-figures'),
    traffic.card,
    history.card,
    card(t('member.ports'), [portsTable(ctx, d.ports),
      el('p', { class: 'fig-note' }, d.ports.length ? `${t('banner.lastPoll', { time: dateTime(Math.max(...d.ports.map((p) => p.lastSeen ?? 0)) || null, ctx.tz) })}` : '')]),
    latency?.card ?? null);
  drawTraffic(traffic.canvas, d.series, ctx.tz, d.period.from, d.period.to);
  drawHistory(history.canvas, d.history, cur);
  latency?.draw();
}

/** Net saving, the projection while the period is in progress, and the connected share when the member was not there throughout. */
function memberSavedSub(m: MemberDetailResponse['member'], cur: string, elapsed: number): string {
  const parts = [t('fig.net', { amount: money(m.netSaved, cur) })];
  if (m.transitSavedProjected !== undefined) parts.push(t('pm.projected', { amount: money(m.transitSavedProjected, cur), net: money(m.netSavedProjected ?? null, cur) }));
  // Of the period's time so far (a month in progress: connectedShare is of the whole month).
  const share = elapsed > 0 ? Math.min(1, m.connectedShare / elapsed) : 1;
  if (share < 0.999) parts.push(t('pm.connected', { pct: pct(share) }));
  return parts.join(' \u00b7 ');
}

void startPage<Data>({
  id: 'member', title: (_c, d) => (d ? t('member.titleOf', { name: d.member.name }) : t('member.title')),
  needsIxp: true, period: true, refresh: true, load, render,
});
