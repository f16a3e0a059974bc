// The frame every page shares: header (navigation, IXP selector, language switch, login), period
// selector, status line (fresh/stale, updated at, next refresh), error states and the refresh loop.
// Builds DOM with el() only (text nodes); never inserts API text as HTML.
import type { IxpInfo, IxpsResponse, NowResponse, PeriodQuery, SessionInfo } from '../../api.ts';
import { get, del, HttpError, seg } from './api.ts';
import { el, replace, byId, type Child } from './dom.ts';
import { LANGS, lang, pickLang, setLang, t, type Lang, type MessageKey } from './i18n.ts';
import { dateTime, pct, time } from './format.ts';
import { parseDateInput, toDateInput } from './tz.ts';
import { zonedTime } from '../../calendar.ts';

/** The page ids, one per HTML file. */
export type PageId = 'overview' | 'members' | 'member' | 'port' | 'impact' | 'login' | 'network' | 'latency' | 'peering';

const FILES: Record<PageId, string> = {
  overview: '/index.html', members: '/members.html', member: '/member.html', port: '/port.html', impact: '/impact.html', login: '/login.html', network: '/network.html',
  latency: '/latency.html', peering: '/peering.html',
};

/** The period the user picked: a preset or custom dates (YYYY-MM-DD, inclusive, in the IXP's zone). */
export type PeriodSel = { kind: 'day' | 'week' | 'month' | 'year' } | { kind: 'custom'; from: string; to: string };

/** What a page's load() and render() get. */
export interface Ctx {
  session: SessionInfo;
  ixps: IxpInfo[];
  ixp: IxpInfo | null;
  period: PeriodSel;
  params: URLSearchParams;
  now: NowResponse | null;
  /** The IXP's time zone (UTC when no IXP). */
  tz: string;
}

/** One page: how to load its data and draw it. */
export interface PageSpec<D> {
  id: PageId;
  title: (ctx: Ctx, data: D | null) => string;
  needsIxp: boolean;
  period: boolean;
  refresh: boolean;
  load: (ctx: Ctx) => Promise<D>;
  render: (ctx: Ctx, data: D, main: HTMLElement) => void;
}

const PRESET_API: Record<string, PeriodQuery['period']> = { day: '24h', week: '7d', month: '30d', year: '365d' };

/** The API query for a period selection in zone `tz` (custom `to` date is inclusive). */
export function periodQuery(p: PeriodSel, tz: string): PeriodQuery {
  if (p.kind !== 'custom') return { period: PRESET_API[p.kind] };
  const from = parseDateInput(p.from, tz);
  const [y, m, d] = p.to.split('-').map(Number);
  const to = zonedTime(tz, y, m, d + 1); // the end date is inclusive: up to the next local midnight
  return { from: String(from), to: String(to) };
}

function readPeriod(params: URLSearchParams): PeriodSel {
  const p = params.get('period');
  const from = params.get('from');
  const to = params.get('to');
  if (p === 'custom' && from && to && /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to)) return { kind: 'custom', from, to };
  if (p === 'day' || p === 'week' || p === 'month' || p === 'year') return { kind: p };
  return { kind: 'day' };
}

const PRESET_STEP: Record<string, number> = { day: 300, week: 900, month: 3600, year: 86400 };

/**
 * The series step (seconds) for a period: 5 min a day, 15 min a week, 1 h a month, 1 day a year (300-720
 * points, detailed enough to see daily peaks); custom periods let the server choose.
 */
export function stepFor(p: PeriodSel): number | undefined {
  return p.kind === 'custom' ? undefined : PRESET_STEP[p.kind];
}

/** A link to another page keeping the IXP, the period and `extra` parameters. */
export function pageHref(ctx: Pick<Ctx, 'ixp' | 'period'>, page: PageId, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams();
  if (ctx.ixp) q.set('ixp', ctx.ixp.id);
  if (page !== 'login' && page !== 'impact') {
    q.set('period', ctx.period.kind);
    if (ctx.period.kind === 'custom') { q.set('from', ctx.period.from); q.set('to', ctx.period.to); }
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  const s = q.toString();
  return FILES[page] + (s ? `?${s}` : '');
}

/** Link to a member page. */
export const memberHref = (ctx: Ctx, asn: number) => pageHref(ctx, 'member', { asn });
/** Link to a port page. */
export const portHref = (ctx: Ctx, sw: string, port: string) => pageHref(ctx, 'port', { switch: sw, port });

function roleLabel(r: SessionInfo['role']): string {
  return t(`role.${r}` as MessageKey);
}

/** Can this session see the reporters' impact page? */
export function canSeeImpact(s: SessionInfo): boolean {
  return s.role === 'reporter' || s.role === 'admin' || s.role === 'operator';
}

function header(ctx: Ctx, current: PageId, onLang: (l: Lang) => void): HTMLElement {
  const links: Child[] = [];
  const link = (page: PageId, key: MessageKey, testid: string) =>
    el('a', { href: pageHref(ctx, page), class: page === current ? 'nav-link active' : 'nav-link', 'data-testid': testid, 'aria-current': page === current ? 'page' : undefined }, t(key));
  if (ctx.ixp) {
    links.push(link('overview', 'nav.overview', 'nav-overview'));
    if (ctx.ixp.access !== 'aggregate') links.push(link('members', 'nav.members', 'nav-members'));
    // Sites, trunks and capacity forecasts: the IXP's own view (operator, admin).
    if (ctx.ixp.access === 'full') links.push(link('network', 'nav.network', 'nav-network'));
    // The sFlow peering matrix: everyone may open it; the API cuts it to what the role may see.
    links.push(link('peering', 'nav.peering', 'nav-peering'));
    // Latency kept local and the international outages: the API decides what each role sees.
    links.push(link('latency', 'nav.latency', 'nav-latency'));
  }
  if (canSeeImpact(ctx.session)) links.push(link('impact', 'nav.impact', 'nav-impact'));

  const tools: Child[] = [];
  if (ctx.ixps.length > 1 && current !== 'impact' && current !== 'login') {
    const sel = el('select', { 'data-testid': 'ixp-select', 'aria-label': t('nav.ixp'), class: 'select' },
      ...ctx.ixps.map((x) => el('option', { value: x.id, selected: x.id === ctx.ixp?.id }, x.name)));
    sel.addEventListener('change', () => {
      const target = current === 'member' || current === 'port' ? 'overview' : current;
      location.href = pageHref({ ixp: ctx.ixps.find((x) => x.id === sel.value) ?? null, period: ctx.period }, target);
    });
    tools.push(el('label', { class: 'tool' }, el('span', { class: 'sr-only' }, t('nav.ixp')), sel));
  }
  const langSel = el('select', { 'data-testid': 'lang-select', 'aria-label': t('nav.language'), class: 'select' },
    ...LANGS.map((l) => el('option', { value: l.code, lang: l.code, selected: l.code === lang() }, l.label)));
  langSel.addEventListener('change', () => onLang(langSel.value as Lang));
  tools.push(el('label', { class: 'tool' }, el('span', { class: 'sr-only' }, t('nav.language')), langSel));

  if (ctx.session.username) {
    tools.push(el('span', { class: 'who', 'data-testid': 'whoami' }, t('nav.signedInAs', { user: ctx.session.username, role: roleLabel(ctx.session.role) })));
    const out = el('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'logout' }, t('nav.logout'));
    out.addEventListener('click', async () => {
      out.disabled = true;
      try { await del('/session'); } finally { location.href = '/index.html'; }
    });
    tools.push(out);
  } else if (current !== 'login') {
    tools.push(el('a', { href: `/login.html?next=${encodeURIComponent(location.pathname + location.search)}`, class: 'btn btn-primary', 'data-testid': 'nav-login' }, t('nav.login')));
  }

  return el('div', { class: 'top-inner' },
    el('a', { href: '#main', class: 'skip', 'data-testid': 'skip-link' }, t('a11y.skip')),
    el('a', { href: ctx.ixp ? pageHref(ctx, 'overview') : '/index.html', class: 'brand', 'data-testid': 'brand' },
      el('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
      el('span', { class: 'brand-name' }, 'ixmeter'),
      ctx.ixp ? el('span', { class: 'brand-ixp', 'data-testid': 'ixp-name' }, ctx.ixp.name) : null),
    el('nav', { class: 'nav', 'aria-label': t('a11y.nav') }, ...links),
    el('div', { class: 'tools' }, ...tools));
}

function periodBar(ctx: Ctx): HTMLElement {
  const kinds = ['day', 'week', 'month', 'year'] as const;
  const go = (p: PeriodSel) => {
    const q = new URLSearchParams(location.search);
    q.set('period', p.kind);
    q.delete('from'); q.delete('to');
    if (p.kind === 'custom') { q.set('from', p.from); q.set('to', p.to); }
    location.search = q.toString();
  };
  const buttons = kinds.map((k) => {
    const b = el('button', { type: 'button', class: ctx.period.kind === k ? 'seg active' : 'seg', 'data-testid': `period-${k}`, 'aria-pressed': String(ctx.period.kind === k) }, t(`period.${k}`));
    b.addEventListener('click', () => go({ kind: k }));
    return b;
  });
  const today = toDateInput(Date.now(), ctx.tz);
  const from = el('input', { type: 'date', 'data-testid': 'period-from', max: today, value: ctx.period.kind === 'custom' ? ctx.period.from : toDateInput(Date.now() - 7 * 86_400_000, ctx.tz) });
  const to = el('input', { type: 'date', 'data-testid': 'period-to', max: today, value: ctx.period.kind === 'custom' ? ctx.period.to : today });
  const msg = el('span', { class: 'period-msg', role: 'alert', 'data-testid': 'period-msg' });
  const custom = el('form', { class: ctx.period.kind === 'custom' ? 'custom open' : 'custom', 'data-testid': 'period-custom-form' },
    el('label', {}, t('period.from'), ' ', from),
    el('label', {}, t('period.to'), ' ', to),
    el('button', { type: 'submit', class: 'btn btn-small', 'data-testid': 'period-apply' }, t('period.apply')),
    msg);
  custom.addEventListener('submit', (e) => {
    e.preventDefault();
    const a = parseDateInput(from.value, ctx.tz);
    const b = parseDateInput(to.value, ctx.tz);
    if (!Number.isFinite(a) || !Number.isFinite(b) || a > b) { msg.textContent = t('period.invalid'); return; }
    go({ kind: 'custom', from: from.value, to: to.value });
  });
  const customBtn = el('button', { type: 'button', class: ctx.period.kind === 'custom' ? 'seg active' : 'seg', 'data-testid': 'period-custom', 'aria-pressed': String(ctx.period.kind === 'custom') }, t('period.custom'));
  customBtn.addEventListener('click', () => custom.classList.toggle('open'));
  return el('div', { class: 'periodbar' },
    el('div', { class: 'segs', role: 'group', 'aria-label': t('period.label') }, ...buttons, customBtn),
    custom,
    el('span', { class: 'tz', 'data-testid': 'period-tz' }, t('period.tz', { tz: ctx.tz })));
}

/** Seconds between refreshes: the poll interval, kept between 30 s and 5 min (slow links). */
function refreshSeconds(now: NowResponse | null): number {
  const p = now?.pollInterval ?? 60;
  return Math.min(300, Math.max(30, p));
}

interface StatusState { updatedAt: number; nextAt: number | null }

function statusLine(ctx: Ctx, st: StatusState): HTMLElement {
  const now = ctx.now;
  const parts: Child[] = [];
  if (now) {
    const fresh = now.t !== null && !now.stale;
    const key: MessageKey = now.t === null ? 'banner.noData' : fresh ? 'banner.fresh' : 'banner.stale';
    parts.push(el('span', { class: `pill ${fresh ? 'pill-ok' : now.t === null ? 'pill-muted' : 'pill-bad'}`, 'data-testid': 'freshness', 'data-state': fresh ? 'fresh' : 'stale' },
      el('span', { class: 'dot', 'aria-hidden': 'true' }), t(key)));
    if (now.simulated) {
      parts.push(el('span', { class: 'pill pill-demo', 'data-testid': 'demo-badge', title: t('banner.demoNote') }, t('banner.demo')));
    }
  }
  parts.push(el('span', { class: 'updated', 'data-testid': 'updated-at' }, t('banner.updatedAt', { time: time(st.updatedAt, ctx.tz) })));
  if (now?.t) parts.push(el('span', { class: 'muted' }, ' \u00b7 ', t('banner.lastPoll', { time: dateTime(now.t, ctx.tz) })));
  if (st.nextAt !== null) {
    const cd = el('span', { class: 'muted', 'data-testid': 'refresh-countdown' });
    const tick = () => {
      const n = Math.max(0, Math.round((st.nextAt! - Date.now()) / 1000));
      cd.textContent = ` \u00b7 ${n > 0 ? t('banner.nextRefresh', { n }) : t('banner.refreshing')}`;
    };
    tick();
    countdownTimer.fn = tick;
    parts.push(cd);
  }
  return el('div', { class: 'statusline', 'data-testid': 'statusline' }, ...parts);
}
const countdownTimer: { fn: (() => void) | null } = { fn: null };

/** A card: a titled white panel. */
export function card(title: Child, body: Child[], attrs: Record<string, string> = {}): HTMLElement {
  return el('section', { class: 'card', ...attrs }, title ? el('h2', { class: 'card-title' }, title) : null, ...body);
}

/** A chart panel: title plus a canvas of fixed height (the canvas gets `data-testid`). */
export function chartCard(title: string, testid: string, size: 'normal' | 'small' | 'tall' | 'strip' = 'normal'): { card: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas', { 'data-testid': testid, role: 'img', 'aria-label': title });
  return { card: card(title, [el('div', { class: `chart-box chart-${size}` }, canvas)]), canvas };
}

/** A coverage badge: amber below 90%, red below 60%. */
export function coverageBadge(c: number | null | undefined): HTMLElement {
  const cls = c === null || c === undefined ? 'cov' : c < 0.6 ? 'cov cov-bad' : c < 0.9 ? 'cov cov-warn' : 'cov cov-ok';
  return el('span', { class: cls, 'data-testid': 'coverage', title: c !== null && c !== undefined && c < 0.9 ? t('common.lowCoverage', { pct: pct(1 - c) }) : '' }, t('common.coverage', { pct: pct(c) }), c !== null && c !== undefined && c < 0.9 ? ` \u00b7 ${t('common.estimate')}` : '');
}

/** A message panel (errors, log in, empty). */
export function notice(text: string, kind: 'info' | 'error' = 'info', ...extra: Child[]): HTMLElement {
  return el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': `notice-${kind}` }, el('p', {}, text), ...extra);
}

function errorView(e: unknown, ctx: Ctx, retry: () => void): HTMLElement {
  if (e instanceof HttpError && e.status === 401) {
    return notice(t('auth.needLogin'), 'info', el('a', { class: 'btn btn-primary', href: `/login.html?next=${encodeURIComponent(location.pathname + location.search)}`, 'data-testid': 'notice-login' }, t('nav.login')));
  }
  if (e instanceof HttpError && e.status === 403) {
    const own = ctx.session.role === 'member' && ctx.session.asns?.length ? el('a', { class: 'btn', href: memberHref(ctx, ctx.session.asns[0]), 'data-testid': 'notice-own' }, t('member.own')) : null;
    return notice(t('auth.forbidden'), 'error', own);
  }
  if (e instanceof HttpError && e.status === 404) return notice(t('common.notFound', { what: e.message }), 'error');
  const b = el('button', { type: 'button', class: 'btn', 'data-testid': 'retry' }, t('common.retry'));
  b.addEventListener('click', retry);
  void ctx;
  return notice(t('common.error', { msg: (e as Error).message ?? String(e) }), 'error', b);
}

/**
 * Keeps the keyboard focus across a redraw (a refresh, a language switch, a re-sorted table): when the
 * focused element is replaced, its successor (same data-testid, in the same data-asn row) gets the focus,
 * so a keyboard or screen reader user is not thrown back to the top of the page (WCAG 2.4.3).
 * Only a removed element hands on its focus; a user who moved the focus elsewhere keeps it there.
 */
export function keepFocus(roots: HTMLElement[]): void {
  let last: { node: Element; selector: string } | null = null;
  document.addEventListener('focusin', (e) => {
    const node = e.target instanceof Element ? e.target : null;
    const id = node?.getAttribute('data-testid');
    if (!node || !id) { last = null; return; }
    const row = node.closest('[data-asn]')?.getAttribute('data-asn');
    const own = `[data-testid="${CSS.escape(id)}"]`;
    last = { node, selector: row ? `[data-asn="${CSS.escape(row)}"] ${own}` : own };
  });
  const restore = () => {
    if (!last || last.node.isConnected) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const next = document.querySelector(last.selector);
    if (next instanceof HTMLElement) next.focus();
  };
  const mo = new MutationObserver(restore);
  for (const r of roots) mo.observe(r, { childList: true, subtree: true });
}

/** Starts a page: language, session, IXP, period, data, render, refresh loop. */
export async function startPage<D>(spec: PageSpec<D>): Promise<void> {
  setLang(pickLang());
  const params = new URLSearchParams(location.search);
  const top = byId('top');
  const main = byId('main');
  const foot = byId('foot');

  let session: SessionInfo = { username: null, role: 'public' };
  let ixps: IxpInfo[] = [];
  try {
    [session, ixps] = await Promise.all([get<SessionInfo>('/session'), get<IxpsResponse>('/ixps').then((r) => r.ixps)]);
  } catch (e) {
    replace(main, notice(t('common.error', { msg: (e as Error).message }), 'error'));
    return;
  }
  const wanted = params.get('ixp') ?? session.ixp;
  const ixp = ixps.find((x) => x.id === wanted) ?? ixps[0] ?? null;
  const ctx: Ctx = { session, ixps, ixp, period: readPeriod(params), params, now: null, tz: ixp?.timezone ?? 'UTC' };

  let data: D | null = null;
  let loaded = false;
  let error: unknown = null;
  const st: StatusState = { updatedAt: Date.now(), nextAt: null };
  let timer: ReturnType<typeof setTimeout> | null = null;

  const paint = () => {
    replace(top, header(ctx, spec.id, (l) => { setLang(l, true); paint(); }));
    replace(foot, el('p', {}, t('footer.text')));
    document.title = `${spec.title(ctx, data)} \u00b7 ${ctx.ixp?.name ?? 'ixmeter'}`;
    const blocks: Child[] = [];
    blocks.push(el('h1', { class: 'page-title', 'data-testid': 'page-title' }, spec.title(ctx, data)));
    if (spec.period && ctx.ixp) blocks.push(periodBar(ctx));
    if (spec.needsIxp && ctx.ixp) blocks.push(statusLine(ctx, st));
    const body = el('div', { class: 'page-body', 'data-testid': `page-${spec.id}` });
    blocks.push(body);
    replace(main, ...blocks);
    if (spec.needsIxp && !ctx.ixp) {
      replace(body, session.role === 'public'
        ? notice(t('auth.needLogin'), 'info', el('a', { class: 'btn btn-primary', href: '/login.html', 'data-testid': 'notice-login' }, t('nav.login')))
        : notice(t('common.noData')));
      return;
    }
    if (error) { replace(body, errorView(error, ctx, () => void cycle())); return; }
    if (loaded) spec.render(ctx, data as D, body);
    else replace(body, el('p', { class: 'loading' }, t('common.loading')));
  };

  const cycle = async () => {
    if (timer) clearTimeout(timer);
    try {
      const nowP = spec.needsIxp && ctx.ixp ? get<NowResponse>(`/ixps/${seg(ctx.ixp.id)}/now`).catch(() => null) : Promise.resolve(null);
      const dataP = spec.needsIxp && !ctx.ixp ? Promise.resolve(null as D | null) : spec.load(ctx);
      void dataP.catch(() => undefined); // handled below; avoids an unhandled-rejection report while nowP settles
      ctx.now = await nowP;
      data = (await dataP) as D;
      loaded = true;
      error = null;
    } catch (e) {
      error = e;
    }
    st.updatedAt = Date.now();
    const live = spec.refresh && ctx.period.kind !== 'custom' && !(error instanceof HttpError && (error.status === 401 || error.status === 403));
    st.nextAt = live ? Date.now() + refreshSeconds(ctx.now) * 1000 : null;
    paint();
    document.body.dataset.ready = 'true';
    if (live) timer = setTimeout(() => void cycle(), refreshSeconds(ctx.now) * 1000);
  };

  setInterval(() => countdownTimer.fn?.(), 1000);
  // Tables drawn by any page (also re-sorted ones, drawn without the shell) get their cell labels.
  labelTables(main);
  new MutationObserver(() => labelTables(main)).observe(main, { childList: true, subtree: true });
  keepFocus([top, main]);
  main.setAttribute('tabindex', '-1');
  paint();
  await cycle();
}

/** A sortable-table header cell: a button with `data-testid=sort-<key>`. */
export function sortHeader(label: string, key: string, active: string, dir: 1 | -1, onSort: (key: string) => void, numeric = true): HTMLElement {
  const b = el('button', { type: 'button', class: 'sort', 'data-testid': `sort-${key}`, title: t('members.sortBy', { col: label }) },
    label, key === active ? el('span', { 'aria-hidden': 'true' }, dir < 0 ? ' \u25be' : ' \u25b4') : '');
  b.addEventListener('click', () => onSort(key));
  return el('th', { class: numeric ? 'num' : '', scope: 'col', 'data-label': label, 'aria-sort': key === active ? (dir < 0 ? 'descending' : 'ascending') : 'none' }, b);
}

/**
 * Gives every cell of every `.table` under `root` the text of its column header as `data-label` (the
 * narrow-screen CSS shows it before the value when rows stack) and every header `scope=col`. Explicit
 * ARIA table roles keep the table a table for screen readers when the CSS changes its display.
 * Idempotent; cells that already carry a data-label keep it. Header text is ours or API text set as an
 * attribute value, never parsed as HTML.
 */
export function labelTables(root: ParentNode): void {
  for (const table of Array.from(root.querySelectorAll<HTMLTableElement>('table.table'))) {
    table.setAttribute('role', 'table');
    // A wrapper that scrolls sideways (a long table in a long language) must be reachable by keyboard (WCAG 2.1.1).
    const wrap = table.parentElement;
    if (wrap?.classList.contains('table-wrap') && !wrap.hasAttribute('tabindex') && wrap.scrollWidth > wrap.clientWidth) wrap.setAttribute('tabindex', '0');
    const head = table.tHead?.rows[table.tHead.rows.length - 1];
    const labels: string[] = [];
    if (head) {
      for (const th of Array.from(head.cells)) {
        const label = (th.dataset.label ?? th.textContent ?? '').trim();
        for (let k = 0; k < (th.colSpan || 1); k++) labels.push(label);
        if (th.tagName === 'TH') { th.setAttribute('scope', 'col'); th.setAttribute('role', 'columnheader'); }
      }
    }
    for (const group of [table.tHead, ...Array.from(table.tBodies), table.tFoot]) {
      if (!group) continue;
      group.setAttribute('role', 'rowgroup');
      for (const row of Array.from(group.rows)) {
        row.setAttribute('role', 'row');
        let col = 0;
        for (const cell of Array.from(row.cells)) {
          if (group !== table.tHead) {
            cell.setAttribute('role', cell.tagName === 'TH' ? 'rowheader' : 'cell');
            const label = labels[col];
            if (label && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', label);
          }
          col += cell.colSpan || 1;
        }
      }
    }
  }
}
