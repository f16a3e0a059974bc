// The sFlow peering matrix: a heat map of who exchanges with whom, top pairs, the IPv4/IPv6 split of the
// exchange and of each member, the measured local content share, each figure with its sampling error and
// coverage. What a role may see is decided by the API; this page draws what it gets. Names are untrusted
// text: text nodes only; cell colours through the CSSOM (the CSP forbids style attributes).
import type { PeeringPair, PeeringResponse, PeeringShare } from '../../api.ts';
import { get, seg } from './api.ts';
import { el, replace } from './dom.ts';
import { bytes, int, pct } from './format.ts';
import { t } from './i18n.ts';
import { card, notice, startPage, type Ctx } from './shell.ts';

function shareText(s: PeeringShare): string {
  if (s.share === null) return '\u2014';
  return s.error === null ? pct(s.share, 1) : `${pct(s.share, 1)} \u00b1 ${pct(s.error, 1)}`;
}

function coverageLine(r: PeeringResponse): HTMLElement {
  const rate = r.coverage.rateMin === null ? '\u2014' : r.coverage.rateMin === r.coverage.rateMax ? int(r.coverage.rateMin) : `${int(r.coverage.rateMin)}\u2013${int(r.coverage.rateMax!)}`;
  return el('p', { class: 'fig-note', 'data-testid': 'peering-coverage' },
    t('peering.coverage', { windows: int(r.coverage.windows), expected: int(r.coverage.expectedWindows), samples: int(r.coverage.samples), rate }));
}

function figure(label: string, value: string, testid: string, note?: string): HTMLElement {
  return el('div', { class: 'fig', 'data-testid': testid },
    el('div', { class: 'fig-label' }, label), el('div', { class: 'fig-value' }, value), note ? el('p', { class: 'fig-note' }, note) : null);
}

/** Rows = senders, columns = receivers; colour from the cell's share of the largest cell (log scale). */
function heatMap(pairs: PeeringPair[]): HTMLElement {
  const labels = [...new Set(pairs.flatMap((p) => [p.src, p.dst]))].sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a.localeCompare(b)));
  const names = new Map(pairs.flatMap((p) => [[p.src, p.srcName], [p.dst, p.dstName]] as [string, string][]));
  const cell = new Map(pairs.map((p) => [`${p.src}\u0000${p.dst}`, p]));
  const max = Math.max(1, ...pairs.map((p) => p.bytes));
  const head = el('tr', {}, el('th', { class: 'corner' }, `${t('peering.col.from')} \\ ${t('peering.col.to')}`),
    ...labels.map((l) => el('th', { class: 'num', scope: 'col', title: l }, names.get(l) ?? l)));
  const rows = labels.map((src) => el('tr', {}, el('th', { scope: 'row', title: src }, names.get(src) ?? src),
    ...labels.map((dst) => {
      const p = cell.get(`${src}\u0000${dst}`);
      const td = el('td', { class: 'num heat', 'data-testid': 'heat-cell', 'data-src': src, 'data-dst': dst,
        title: p ? `${names.get(src) ?? src} \u2192 ${names.get(dst) ?? dst}: ${bytes(p.bytes)} \u00b1 ${pct(p.error ?? 0, 0)}` : '' }, p ? bytes(p.bytes) : '');
      if (p) {
        const a = Math.max(0.08, Math.log1p(p.bytes) / Math.log1p(max));
        td.style.backgroundColor = `rgba(37, 99, 235, ${a.toFixed(3)})`;
        if (a > 0.55) td.style.color = '#fff';
      }
      return td;
    })));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table heatmap', 'data-testid': 'peering-heatmap' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function pairTable(pairs: PeeringPair[], testid: string): HTMLElement {
  const head = el('tr', {}, el('th', {}, t('peering.col.from')), el('th', {}, t('peering.col.to')), el('th', { class: 'num' }, t('peering.col.bytes')),
    el('th', { class: 'num' }, 'IPv4'), el('th', { class: 'num' }, 'IPv6'), el('th', { class: 'num' }, t('peering.col.error')));
  const rows = pairs.map((p) => el('tr', { 'data-testid': 'pair-row' }, el('td', {}, p.srcName), el('td', {}, p.dstName),
    el('td', { class: 'num' }, bytes(p.bytes)), el('td', { class: 'num' }, bytes(p.ipv4)), el('td', { class: 'num' }, bytes(p.ipv6)),
    el('td', { class: 'num muted' }, p.error === null ? '\u2014' : pct(p.error, 1))));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': testid }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function render(ctx: Ctx, r: PeeringResponse, main: HTMLElement): void {
  const month = el('input', { type: 'month', value: r.month, 'data-testid': 'peering-month', 'aria-label': t('peering.month'), class: 'select' });
  month.addEventListener('change', () => {
    const q = new URLSearchParams(location.search);
    q.set('month', month.value);
    location.search = q.toString();
  });
  const blocks: HTMLElement[] = [el('div', { class: 'toolbar' }, el('label', { class: 'tool' }, el('span', {}, `${t('peering.month')} `), month))];
  if (r.coverage.windows === 0) { replace(main, ...blocks, notice(t('peering.empty'))); return; }
  const figs: HTMLElement[] = [figure(r.scope === 'member' ? t('peering.ipv6Mine') : t('peering.ipv6Share'), shareText(r.ipv6), 'fig-ipv6')];
  if (r.totalBytes !== undefined) figs.push(figure(t('peering.total'), bytes(r.totalBytes), 'fig-total'));
  if (r.localContent) figs.push(figure(t('peering.localContent'), shareText(r.localContent), 'fig-local-content', t('peering.contentNote')));
  if (r.unknown) figs.push(figure(t('peering.unknown'), shareText(r.unknown), 'fig-unknown'));
  blocks.push(card(t('peering.title'), [el('div', { class: 'figs' }, ...figs), coverageLine(r), el('p', { class: 'fig-note' }, r.method), el('p', { class: 'fig-note' }, t('peering.errorNote'))]));
  const pairs = r.pairs ?? [];
  if (r.scope === 'full' && pairs.length) {
    blocks.push(card(t('peering.matrix'), [heatMap(pairs)], { 'data-testid': 'card-heatmap' }));
    blocks.push(card(t('peering.top'), [pairTable(pairs.slice(0, 20), 'top-pairs')]));
  } else if (r.scope === 'member' && pairs.length) {
    blocks.push(card(t('peering.mine'), [pairTable(pairs, 'my-pairs')]));
  }
  if (r.members?.length) {
    const head = el('tr', {}, el('th', {}, t('members.col.member')), el('th', { class: 'num' }, t('peering.col.sent')), el('th', { class: 'num' }, t('peering.col.received')),
      el('th', { class: 'num' }, 'IPv4'), el('th', { class: 'num' }, 'IPv6'), el('th', { class: 'num' }, 'IPv6 %'));
    const rows = r.members.map((m) => el('tr', { 'data-testid': 'member-split' }, el('td', {}, m.name), el('td', { class: 'num' }, bytes(m.sent)),
      el('td', { class: 'num' }, bytes(m.received)), el('td', { class: 'num' }, bytes(m.ipv4)), el('td', { class: 'num' }, bytes(m.ipv6)),
      el('td', { class: 'num' }, shareText({ share: m.ipv6Share, error: m.ipv6Error, samples: m.samples }))));
    blocks.push(card(t('peering.members'), [el('div', { class: 'table-wrap' }, el('table', { class: 'table', 'data-testid': 'member-split-table' }, el('thead', {}, head), el('tbody', {}, ...rows)))]));
  }
  void ctx;
  replace(main, ...blocks);
}

void startPage<PeeringResponse>({
  id: 'peering', title: () => t('peering.title'), needsIxp: true, period: false, refresh: false, render,
  load: (ctx) => {
    const m = ctx.params.get('month');
    return get<PeeringResponse>(`/ixps/${seg(ctx.ixp!.id)}/peering`, m ? { month: m } : {});
  },
});
