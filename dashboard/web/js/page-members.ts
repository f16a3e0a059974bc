// The members table: sortable by traffic, 95th percentile, utilisation (ports above 80% flagged)
// and savings. Member names are untrusted text: inserted with text nodes only.
import type { CapacityResponse, MemberRow, MembersResponse, PortCapacity } from '../../api.ts';
import { forecastText } from './forecast-text.ts';
import { get, seg } from './api.ts';
import { el, replace } from './dom.ts';
import { bps, bytes, int, mbps, money, pct } from './format.ts';
import { t } from './i18n.ts';
import { categoryLabelOf } from './labels.ts';
import { card, coverageBadge, memberHref, notice, periodQuery, sortHeader, startPage, type Ctx } from './shell.ts';

type SortKey = 'name' | 'asn' | 'traffic' | 'p95' | 'util' | 'savings' | 'net';
const sort: { key: SortKey; dir: 1 | -1 } = { key: 'traffic', dir: -1 };

const value: Record<SortKey, (m: MemberRow) => number | string> = {
  name: (m) => m.name.toLowerCase(),
  asn: (m) => m.asn,
  traffic: (m) => (m.avgInBps ?? -1) + (m.avgOutBps ?? 0),
  p95: (m) => m.p95.mbps ?? -1,
  util: (m) => m.maxUtil ?? -1,
  savings: (m) => m.transitSaved,
  net: (m) => m.netSaved,
};


function sorted(rows: MemberRow[]): MemberRow[] {
  const f = value[sort.key];
  return [...rows].sort((a, b) => {
    const x = f(a);
    const y = f(b);
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return c * sort.dir || a.asn - b.asn;
  });
}

function utilCell(m: MemberRow): HTMLElement {
  if (m.maxUtil === null) return el('td', { class: 'num muted' }, '\u2014');
  const hot = m.maxUtil > 0.8 || m.portsOver80 > 0;
  return el('td', { class: `num${hot ? ' hot' : ''}`, 'data-testid': hot ? 'util-hot' : 'util' },
    el('span', { class: 'util' },
      el('progress', { max: 1, value: Math.min(1, m.maxUtil), class: hot ? 'bar bar-hot' : 'bar' }),
      el('span', {}, pct(m.maxUtil))),
    hot ? el('span', { class: 'flag', title: t('members.hotNote') }, `\u26a0 ${m.portsOver80 > 0 ? `${m.portsOver80}\u00d7 ` : ''}${t('members.hot')}`) : null);
}

function table(ctx: Ctx, r: MembersResponse, rerender: () => void, capacity: CapacityResponse | null): HTMLElement {
  const onSort = (k: string) => {
    const key = k as SortKey;
    if (sort.key === key) sort.dir = sort.dir === 1 ? -1 : 1;
    else { sort.key = key; sort.dir = key === 'name' || key === 'asn' ? 1 : -1; }
    rerender();
  };
  const canOpen = ctx.session.role !== 'public';
  const head = el('tr', {},
    sortHeader(t('members.col.member'), 'name', sort.key, sort.dir, onSort, false),
    sortHeader(t('members.col.asn'), 'asn', sort.key, sort.dir, onSort),
    el('th', {}, t('members.col.category')),
    el('th', { class: 'num' }, t('members.col.ports')),
    sortHeader(t('members.col.traffic'), 'traffic', sort.key, sort.dir, onSort),
    sortHeader(t('members.col.p95'), 'p95', sort.key, sort.dir, onSort),
    sortHeader(t('members.col.util'), 'util', sort.key, sort.dir, onSort),
    sortHeader(t('members.col.savings'), 'savings', sort.key, sort.dir, onSort),
    sortHeader(t('members.col.net'), 'net', sort.key, sort.dir, onSort),
    el('th', { class: 'num' }, t('impact.col.coverage')),
    capacity ? el('th', { class: 'forecast' }, t('net.col.forecast', { pct: pct(0.8) })) : null);
  const rows = sorted(r.members).map((m) => el('tr', { 'data-testid': 'member-row', 'data-asn': m.asn },
    el('td', { class: 'name' }, canOpen
      ? el('a', { href: memberHref(ctx, m.asn), 'data-testid': 'member-link' }, m.name)
      : el('span', {}, m.name)),
    el('td', { class: 'num mono' }, `AS${m.asn}`),
    el('td', {}, el('span', { class: `tag tag-${/^[a-z-]+$/.test(m.category) ? m.category : 'other'}` }, categoryLabelOf(m.category))),
    el('td', { class: 'num' }, `${int(m.portsUp)}/${int(m.ports)}`),
    el('td', { class: 'num', 'data-testid': 'cell-traffic' },
      el('div', {}, bps((m.avgInBps ?? 0) + (m.avgOutBps ?? 0))),
      el('div', { class: 'muted small' }, bytes(m.bytes))),
    el('td', { class: 'num' }, mbps(m.p95.mbps)),
    utilCell(m),
    el('td', { class: 'num money' }, m.buysTransit ? money(m.transitSaved, r.currency) : el('span', { class: 'muted', title: t('fig.saved.note') }, '\u2014')),
    el('td', { class: 'num' }, m.buysTransit ? money(m.netSaved, r.currency) : el('span', { class: 'muted' }, '\u2014')),
    el('td', { class: 'num' }, coverageBadge(m.coverage)),
    capacity ? forecastCell(capacity, m.asn) : null));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'members-table' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function render(ctx: Ctx, r: MembersResponse, main: HTMLElement): void {
  const draw = () => {
    if (r.members.length === 0) { replace(main, notice(t('members.empty'))); return; }
    const hot = r.members.filter((m) => m.portsOver80 > 0 || (m.maxUtil ?? 0) > 0.8).length;
    replace(main, card(t('members.count', { n: r.members.length }), [
      table(ctx, r, draw, capacityOf.get(r) ?? null),
      el('p', { class: 'fig-note' }, t('members.traffic.note'), ' ', t('fig.p95.note'), ' ', t('fig.saved.note')),
      hot ? el('p', { class: 'fig-note hot' }, `\u26a0 ${t('members.hotNote')}`) : null,
    ]));
  };
  draw();
}

// Capacity ahead of time (issue 14): the soonest forecast of each member's ports, for those who may see ports.
const capacityOf = new WeakMap<MembersResponse, CapacityResponse>();

function forecastCell(c: CapacityResponse, asn: number): HTMLElement {
  const mine = c.ports.filter((p) => p.asn === asn);
  if (!mine.length) return el('td', { class: 'muted' }, '\u2014');
  const rank = (p: PortCapacity) => (p.forecast.status === 'over' ? -1 : p.forecast.status === 'forecast' ? p.forecast.crossingAt! : Infinity);
  const first = [...mine].sort((a, b) => rank(a) - rank(b))[0]!;
  return el('td', { class: first.forecast.status === 'over' ? 'forecast hot' : 'forecast', 'data-testid': 'member-forecast', title: `${first.switch} ${first.port}` }, forecastText(first.forecast));
}

void startPage<MembersResponse>({
  id: 'members', title: () => t('members.title'), needsIxp: true, period: true, refresh: true, render,
  load: async (ctx) => {
    const r = await get<MembersResponse>(`/ixps/${seg(ctx.ixp!.id)}/members`, { ...periodQuery(ctx.period, ctx.tz) });
    if (ctx.session.role === 'operator' || ctx.session.role === 'admin' || ctx.session.role === 'member') {
      try { capacityOf.set(r, await get<CapacityResponse>(`/ixps/${seg(ctx.ixp!.id)}/capacity`)); } catch { /* no forecast column */ }
    }
    return r;
  },
});
