// The annual impact report: a calendar year in the IXP's time zone as the sum of its months (each computed by the
// monthly report's computeReport, so the two never disagree), growth on the previous year like for like, local
// content share by month, members joined, and headlines. Pure model + renderers (JSON, CSV, HTML; PDF via pdf.ts).
import type { Reader } from '../readers/reader.ts';
import { addMonths, monthRange, yearRange } from '../calendar.ts';
import { elapsedShare, growth, likeForLike } from '../../collector/figures/partmonth.ts';
import { loadYearRows } from './data.ts';
import { categoryLabel, coveragePct, formatters, growthReason, methodTexts, partMonthText, shortMonth, STRINGS, STRINGS2 } from './i18n.ts';
import { computeReport, type GrowthFigure, type ReportInput, type ReportLang, type ReportMember, type ReportModel } from './model.ts';
import { barChart, esc, hbarChart } from './svg.ts';
import { REPORT_CSS } from './html.ts';

/** One month's line of the annual report. */
export interface AnnualMonth {
  month: string;
  complete: boolean;
  bytes: number;
  p95Mbps: number | null;
  transitSaved: number;
  netSaved: number;
  /** Only for the month in progress. */
  transitSavedProjected?: number;
  netSavedProjected?: number;
  localContentShare: number | null;
  coverage: number;
  resolution: number;
  members: number;
}

/** One member's year: sums of its months. */
export interface AnnualMember {
  asn: number;
  name: string;
  category: string;
  buysTransit: boolean;
  bytes: number;
  bytesReceived: number;
  transitSaved: number;
  netSaved: number;
  portFee: number;
  /** Connected time in the year so far / the year's length. */
  connectedShare: number;
  /** Highest monthly billable P95, Mbit/s. */
  p95MaxMbps: number | null;
  joined?: string;
}

/** An annual impact report. */
export interface AnnualReportModel {
  kind: 'ixmeter-annual-report';
  version: 2;
  lang: ReportLang;
  period: { year: number; from: string; to: string; timezone: string; complete: boolean; elapsedShare: number };
  currency: string;
  method: ReportModel['method'];
  ixp: {
    id: string; name: string; country?: string; timezone: string;
    /** Σ months. */
    bytes: number; transitSaved: number; netSaved: number; portFees: number; peakMethodSaved: number;
    /** Highest monthly P95 and peak. */
    p95MaxMbps: number | null; peakMbps: number | null;
    /** Content members' bytes sent / all bytes sent over the year. */
    localContentShare: number | null;
    /** Measured share of the year so far. */
    coverage: number;
    resolution: number;
  };
  months: AnnualMonth[];
  members: AnnualMember[];
  growth: { previousYear: Omit<GrowthFigure, 'month'> & { year: number } };
  membership: { count: number; joined: { asn: number; name: string; joined?: string }[] };
  headlines: string[];
  generatedAt: string;
}

/** A month's figures as computeReport gives them, with its span. */
export type MonthFiguresOf = { from: number; to: number; report: ReturnType<typeof computeReport> };

/** Computes a year from its months' figures (pure). `months` are the year's months that have begun, oldest first. */
export function computeAnnual(o: {
  ixp: ReportInput['ixp']; year: number; from: number; to: number; now: number; months: MonthFiguresOf[];
  /** The previous year's traffic over the like-for-like span ({@link likeForLike}): bytes and coverage. */
  previousYear: { bytes: number; coverage: number };
}): Omit<AnnualReportModel, 'lang' | 'method' | 'headlines' | 'generatedAt'> & { sources: string[] } {
  const reports = o.months.map((m) => m.report);
  const months: AnnualMonth[] = reports.map((r) => ({
    month: r.period.month, complete: r.period.complete, bytes: r.ixp.bytes, p95Mbps: r.ixp.p95Mbps,
    transitSaved: r.ixp.transitSaved, netSaved: r.ixp.netSaved,
    ...(r.period.complete ? {} : { transitSavedProjected: r.ixp.transitSavedProjected, netSavedProjected: r.ixp.netSavedProjected }),
    localContentShare: r.ixp.localContentShare, coverage: r.ixp.coverage, resolution: r.ixp.resolution, members: r.membership.count,
  }));
  const sum = (f: (m: AnnualMonth) => number) => months.reduce((a, m) => a + f(m), 0);
  const bytes = sum((m) => m.bytes);
  const content = sum((m) => (m.localContentShare ?? 0) * m.bytes);
  // Coverage of the year so far: each month's coverage weighted by its time so far.
  const spans = o.months.map((m) => Math.max(0, Math.min(m.to, o.now) - m.from));
  const span = spans.reduce((a, b) => a + b, 0);
  const coverage = span > 0 ? months.reduce((a, m, i) => a + m.coverage * spans[i]!, 0) / span : 0;
  const byAsn = new Map<number, AnnualMember & { connectedMs: number }>();
  for (const [i, r] of reports.entries()) {
    const monthMs = o.months[i]!.to - o.months[i]!.from;
    for (const m of r.members) {
      let a = byAsn.get(m.asn);
      if (!a) {
        a = { asn: m.asn, name: m.name, category: m.category, buysTransit: m.buysTransit, bytes: 0, bytesReceived: 0, transitSaved: 0, netSaved: 0, portFee: 0, connectedShare: 0, p95MaxMbps: null, joined: m.joined, connectedMs: 0 };
        byAsn.set(m.asn, a);
      }
      a.bytes += m.bytes; a.bytesReceived += m.bytesReceived; a.transitSaved += m.transitSaved; a.netSaved += m.netSaved; a.portFee += m.portFee;
      a.connectedMs += m.connectedShare * monthMs;
      if (m.p95Mbps !== null) a.p95MaxMbps = Math.max(a.p95MaxMbps ?? 0, m.p95Mbps);
    }
  }
  const yearMs = o.to - o.from;
  const members = [...byAsn.values()].map(({ connectedMs, ...m }) => ({ ...m, connectedShare: connectedMs / yearMs }))
    .sort((a, b) => b.bytes - a.bytes || a.asn - b.asn);
  // Growth on the previous year, like for like (the caller measured the same elapsed span of it).
  const prev = o.previousYear;
  const g = growth({ label: String(o.year), bytes, coverage }, { label: String(o.year - 1), bytes: prev.bytes, coverage: prev.coverage });
  const fromDay = `${o.year}-01-01`;
  const toDay = `${o.year + 1}-01-01`;
  const joined = members.filter((m) => m.joined && m.joined >= fromDay && m.joined < toDay).map((m) => ({ asn: m.asn, name: m.name, joined: m.joined }));
  return {
    kind: 'ixmeter-annual-report',
    version: 2,
    period: { year: o.year, from: new Date(o.from).toISOString(), to: new Date(o.to).toISOString(), timezone: o.ixp.timezone, complete: o.now >= o.to, elapsedShare: elapsedShare(o, o.now) },
    currency: o.ixp.currency,
    ixp: {
      id: o.ixp.id, name: o.ixp.name, country: o.ixp.country, timezone: o.ixp.timezone,
      bytes, transitSaved: sum((m) => m.transitSaved), netSaved: sum((m) => m.netSaved),
      portFees: reports.reduce((a, r) => a + r.ixp.portFees, 0), peakMethodSaved: reports.reduce((a, r) => a + r.ixp.peakMethodSaved, 0),
      p95MaxMbps: months.reduce<number | null>((a, m) => (m.p95Mbps === null ? a : Math.max(a ?? 0, m.p95Mbps)), null),
      peakMbps: reports.reduce<number | null>((a, r) => (r.ixp.peakMbps === null ? a : Math.max(a ?? 0, r.ixp.peakMbps)), null),
      localContentShare: bytes > 0 ? content / bytes : null,
      coverage, resolution: months.reduce((a, m) => Math.max(a, m.resolution), 300),
    },
    months,
    members,
    growth: { previousYear: { year: o.year - 1, bytes: prev.bytes, change: g.change, coverage: prev.coverage, ...(g.notComparable ? { notComparable: g.notComparable } : {}) } },
    membership: { count: members.length, joined },
    sources: [...new Set(reports.flatMap((r) => r.sources))].sort(),
  };
}

/** What {@link buildAnnualReport} needs (as buildReport, with a year). */
export interface BuildAnnualOptions {
  reader: Reader;
  ixp: { id: string; name: string; country?: string; timezone?: string; currency?: string; transitPricePerMbps?: number; launched?: string };
  members: ReportMember[];
  year: number;
  lang?: ReportLang;
  now?: number;
}

/** Builds one IXP's annual report from the collector's month rows (read-only). */
export async function buildAnnualReport(o: BuildAnnualOptions): Promise<AnnualReportModel> {
  const now = o.now ?? Date.now();
  const lang = o.lang ?? 'en';
  const ixp = { id: o.ixp.id, name: o.ixp.name, country: o.ixp.country, timezone: o.ixp.timezone ?? 'UTC', currency: o.ixp.currency ?? 'USD', transitPricePerMbps: o.ixp.transitPricePerMbps ?? 0, launched: o.ixp.launched };
  const tz = ixp.timezone;
  const y = yearRange(o.year, tz);
  const py = yearRange(o.year - 1, tz);
  const span = likeForLike(y, py, now);
  const year = await loadYearRows(o.reader, { ixp, year: o.year, now, span });
  const none = { month: '', from: 0, to: 0, ixp: undefined, span: { bytes: 0, coverage: 0 } };
  // Each month's figures as its monthly report gives them (the same function over the same rows).
  const months: MonthFiguresOf[] = [];
  for (let i = 0; i < 12; i++) {
    const month = addMonths(`${o.year}-01`, i);
    const r = monthRange(month, tz);
    if (r.from > now) break;
    const input: ReportInput = { ixp, month, from: r.from, to: r.to, now, members: o.members, rows: year.rows.filter((x) => x.month === month), ixpWindows: [], previousMonth: none, previousYear: none, trend: [] };
    months.push({ from: r.from, to: r.to, report: computeReport(input) });
  }
  const pBytes = year.previousYear.bytes;
  const pCoverage = year.previousYear.coverage;
  const { sources, ...figures } = computeAnnual({
    ixp, year: o.year, from: y.from, to: y.to, now, months,
    previousYear: { bytes: pBytes, coverage: pCoverage },
  });
  const g = figures.growth.previousYear;
  const base: Omit<AnnualReportModel, 'headlines'> = {
    ...figures,
    growth: { previousYear: g.notComparable ? { ...g, reason: growthReason(lang, g.notComparable) } : g },
    lang,
    method: { ...methodTexts(lang), partMonth: partMonthText(lang), sources, resolution: figures.ixp.resolution },
    generatedAt: new Date(now).toISOString(),
  };
  return { ...base, headlines: annualHeadlines(base) };
}

/** Headline sentences for an annual impact report, in the report's language. */
export function annualHeadlines(r: Omit<AnnualReportModel, 'headlines'>): string[] {
  const f = formatters(r.lang, r.currency);
  const x = r.ixp;
  const y = r.period.year;
  const g = r.growth.previousYear;
  const out: string[] = [];
  const up = (g.change ?? 0) >= 0;
  const gtxt = g.change === null ? ''
    : r.lang === 'fr' ? ` (${f.pct(Math.abs(g.change))} de ${up ? 'plus' : 'moins'} qu'en ${y - 1}${r.period.complete ? '' : ' sur la même période'})`
    : r.lang === 'pt' ? ` (${f.pct(Math.abs(g.change))} ${up ? 'mais' : 'menos'} do que em ${y - 1}${r.period.complete ? '' : ' no mesmo período'})`
    : ` (${f.pct(Math.abs(g.change))} ${up ? 'more' : 'less'} than in ${y - 1}${r.period.complete ? '' : ' over the same period'})`;
  const joined = r.membership.joined.length;
  if (r.lang === 'fr') {
    out.push(`En ${y}, les membres de ${x.name} ont échangé localement ${f.bytes(x.bytes)} de trafic${gtxt}.`);
    out.push(`Le peering à ${x.name} a économisé ${f.money(x.transitSaved)} de transit international (${f.money(x.netSaved)} nets des frais de port), somme des ${r.months.length} mois.`);
    if (x.localContentShare !== null) out.push(`Le contenu local a représenté ${f.pct(x.localContentShare)} du trafic échangé.`);
    out.push(`${x.name} comptait ${r.membership.count} membres, dont ${joined} arrivé${joined > 1 ? 's' : ''} en ${y}.`);
    if (!r.period.complete) out.push(`${y} est en cours (${f.pct(r.period.elapsedShare)} écoulé) : chiffres jusqu'à maintenant.`);
    if (x.coverage < 0.95) out.push(`Ces chiffres reposent sur des mesures couvrant ${f.pct(x.coverage)} de l'année écoulée.`);
  } else if (r.lang === 'pt') {
    out.push(`Em ${y}, os membros do ${x.name} trocaram localmente ${f.bytes(x.bytes)} de tráfego${gtxt}.`);
    out.push(`O peering no ${x.name} poupou ${f.money(x.transitSaved)} de trânsito internacional (${f.money(x.netSaved)} líquidos das taxas de porta), soma dos ${r.months.length} meses.`);
    if (x.localContentShare !== null) out.push(`O conteúdo local representou ${f.pct(x.localContentShare)} do tráfego trocado.`);
    out.push(`O ${x.name} tinha ${r.membership.count} membros, ${joined} dos quais aderiram em ${y}.`);
    if (!r.period.complete) out.push(`${y} está em curso (${f.pct(r.period.elapsedShare)} decorrido): valores até agora.`);
    if (x.coverage < 0.95) out.push(`Estes valores baseiam-se em medições que cobrem ${f.pct(x.coverage)} do ano decorrido.`);
  } else {
    out.push(`In ${y}, members of ${x.name} exchanged ${f.bytes(x.bytes)} of traffic locally${gtxt}.`);
    out.push(`Peering at ${x.name} saved ${f.money(x.transitSaved)} of international transit (${f.money(x.netSaved)} net of port fees), the sum of ${r.months.length} months.`);
    if (x.localContentShare !== null) out.push(`Local content made up ${f.pct(x.localContentShare)} of the traffic exchanged.`);
    out.push(`${x.name} had ${r.membership.count} members, ${joined} of them joined in ${y}.`);
    if (!r.period.complete) out.push(`${y} is in progress (${f.pct(r.period.elapsedShare)} elapsed): figures up to now.`);
    if (x.coverage < 0.95) out.push(`These figures rest on measurements covering ${f.pct(x.coverage)} of the year so far.`);
  }
  return out;
}

/** CSV columns of annual reports: one row per month, one per member, one total. */
export const ANNUAL_CSV_COLUMNS = [
  'ixp', 'year', 'currency', 'row', 'month', 'asn', 'name', 'category', 'buys_transit', 'bytes', 'bytes_received', 'p95_mbps',
  'transit_saved', 'net_saved', 'port_fee', 'local_content_share', 'coverage', 'connected_share', 'complete',
  'transit_saved_projected', 'net_saved_projected',
] as const;

function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One or more annual reports as CSV (RFC 4180, CRLF). */
export function renderAnnualCsv(reports: AnnualReportModel | AnnualReportModel[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const lines = [ANNUAL_CSV_COLUMNS.join(',')];
  for (const r of list) {
    const id = r.ixp.id;
    for (const m of r.months) {
      lines.push([id, r.period.year, r.currency, 'month', m.month, null, null, null, null, m.bytes, null, m.p95Mbps, m.transitSaved, m.netSaved, null,
        m.localContentShare, m.coverage, null, m.complete, m.transitSavedProjected, m.netSavedProjected].map(cell).join(','));
    }
    for (const m of r.members) {
      lines.push([id, r.period.year, r.currency, 'member', null, m.asn, m.name, m.category, m.buysTransit, m.bytes, m.bytesReceived, m.p95MaxMbps,
        m.transitSaved, m.netSaved, m.portFee, null, null, m.connectedShare, null, null, null].map(cell).join(','));
    }
    const x = r.ixp;
    lines.push([id, r.period.year, r.currency, 'total', null, null, x.name, null, null, x.bytes, null, x.p95MaxMbps, x.transitSaved, x.netSaved, x.portFees,
      x.localContentShare, x.coverage, null, r.period.complete, null, null].map(cell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}


function one(r: AnnualReportModel): string {
  const s = STRINGS[r.lang];
  const s2 = STRINGS2[r.lang];
  const f = formatters(r.lang, r.currency);
  const x = r.ixp;
  const g = r.growth.previousYear;
  const growthTxt = g.change === null ? `${s2.growthYearPrev}: ${g.reason ?? '–'}` : `${f.signedPct(g.change)} ${s2.growthYearPrev}`;
  const money2 = (so: number, pr: number | undefined) => (pr === undefined ? f.money(so) : `${f.money(so)} ${s2.soFar} (${f.money(pr)} ${s2.projected})`);
  const months = r.months.map((m) => `<tr data-testid="month-${esc(m.month)}"><td>${esc(f.month(m.month))}${m.complete ? '' : ` <span class="warn">(${esc(s2.monthInProgress)})</span>`}</td>
<td class="n">${esc(f.bytes(m.bytes))}</td><td class="n">${esc(f.mbps(m.p95Mbps))}</td><td class="n">${esc(money2(m.transitSaved, m.transitSavedProjected))}</td><td class="n">${esc(money2(m.netSaved, m.netSavedProjected))}</td><td class="n">${esc(f.pct(m.localContentShare))}</td><td class="n">${m.members}</td><td class="n">${esc(f.pct(m.coverage))}</td></tr>`).join('\n');
  const members = r.members.map((m) => `<tr data-testid="member-${m.asn}"><td>${esc(m.name)}</td><td class="n">AS${m.asn}</td><td>${esc(categoryLabel(r.lang, m.category))}</td><td>${m.buysTransit ? s.yes : s.no}</td>
<td class="n">${esc(f.bytes(m.bytes))}</td><td class="n">${esc(f.bytes(m.bytesReceived))}</td><td class="n">${esc(f.pct(m.connectedShare))}</td><td class="n">${esc(f.money(m.transitSaved))}</td><td class="n">${esc(f.money(m.netSaved))}</td></tr>`).join('\n');
  return `<section class="report" data-testid="annual-${esc(x.id)}">
<h1>${esc(s2.annualTitle)} — ${esc(x.name)}</h1>
<p class="meta">${esc(s2.year)}: ${r.period.year} (${esc(r.period.timezone)}) · ${esc(s.generated)} ${esc(r.generatedAt.slice(0, 16).replace('T', ' '))} UTC${r.period.complete ? '' : ` · <span class="warn" data-testid="year-incomplete">${esc(s2.yearIncomplete)}</span>`}</p>
<h2>${esc(s.headlines)}</h2>
<ul class="headlines" data-testid="headlines">${r.headlines.map((h) => `<li>${esc(h)}</li>`).join('')}</ul>
<table data-testid="figures">
<tr><th>${esc(s.traffic)}</th><td class="n">${esc(f.bytes(x.bytes))}</td><td>${esc(growthTxt)}</td></tr>
<tr><th>${esc(s.saved)}</th><td class="n">${esc(f.money(x.transitSaved))}</td><td>${esc(`${s.savedNet} ${f.money(x.netSaved)}; ${s.portFees} ${f.money(x.portFees)}`)}</td></tr>
<tr><th>${esc(s.content)}</th><td class="n">${esc(f.pct(x.localContentShare))}</td><td></td></tr>
<tr><th>${esc(s.members)}</th><td class="n">${r.membership.count}</td><td>${esc(`${s2.joinedMembers}: ${r.membership.joined.map((m) => `${m.name} (AS${m.asn}, ${m.joined})`).join(', ') || s.none}`)}</td></tr>
<tr><th>${esc(s.coverage)}</th><td class="n">${esc(f.pct(x.coverage))}</td><td>${esc(`${s.resolution}: ${f.resolution(x.resolution)}`)}</td></tr>
</table>
<div class="fig"><h2>${esc(s.chartMonthly)}</h2>
${barChart(r.months.map((m) => ({ label: shortMonth(r.lang, m.month), value: m.bytes, line: m.localContentShare })), { fmt: f.bytes, title: s.chartMonthly })}</div>
<div class="fig"><h2>${esc(s2.chartSavingsMonthly)}</h2>
${barChart(r.months.map((m) => ({ label: shortMonth(r.lang, m.month), value: m.transitSaved })), { fmt: f.money, title: s2.chartSavingsMonthly })}</div>
<h2>${esc(s2.monthly)}</h2>
<table data-testid="months"><tr><th>${esc(s.month)}</th><th class="n">${esc(s2.bytesSent)}</th><th class="n">P95</th><th class="n">${esc(s.savedGross)}</th><th class="n">${esc(s.savedNet)}</th><th class="n">${esc(s.content)}</th><th class="n">${esc(s.members)}</th><th class="n">${esc(s.coverage)}</th></tr>
${months}
<tr class="total"><td>${esc(s.total)}</td><td class="n">${esc(f.bytes(x.bytes))}</td><td class="n">${esc(f.mbps(x.p95MaxMbps))}</td><td class="n">${esc(f.money(x.transitSaved))}</td><td class="n">${esc(f.money(x.netSaved))}</td><td class="n">${esc(f.pct(x.localContentShare))}</td><td class="n">${r.membership.count}</td><td class="n">${esc(f.pct(x.coverage))}</td></tr>
</table>
<div class="fig"><h2>${esc(s.chartSavings)}</h2>
${hbarChart(r.members.filter((m) => m.transitSaved > 0).slice().sort((a, b) => b.transitSaved - a.transitSaved).slice(0, 15).map((m) => ({ label: m.name, value: m.transitSaved })), { fmt: f.money, title: s.chartSavings })}</div>
<h2>${esc(s.members)}</h2>
<table data-testid="members"><tr><th>${esc(s.member)}</th><th class="n">ASN</th><th>${esc(s.category)}</th><th>${esc(s.buysTransit)}</th><th class="n">${esc(s2.bytesSent)}</th><th class="n">${esc(s2.bytesReceived)}</th><th class="n">${esc(s2.connected)}</th><th class="n">${esc(s.savedGross)}</th><th class="n">${esc(s.savedNet)}</th></tr>
${members}
</table>
<h2>${esc(s.methodology)}</h2>
<ul data-testid="methodology">
<li><b>P95.</b> ${esc(r.method.p95)}</li>
<li><b>${esc(s.saved)}.</b> ${esc(r.method.transitSaved)}</li>
<li><b>${esc(s.savedNet)}.</b> ${esc(r.method.netSaved)}</li>
<li><b>${esc(s.content)}.</b> ${esc(r.method.localContentShare)}</li>
<li data-testid="method-partmonth">${esc(r.method.partMonth)}</li>
<li><b>${esc(s.coverage)}: ${esc(f.pct(x.coverage))}.</b> ${esc(r.method.coverage)}${g.notComparable && g.notComparable !== 'no-traffic' ? ` (${esc(r.period.year - 1)}: ${esc(coveragePct(g.notComparable.coverage))})` : ''}</li>
</ul>
</section>`;
}

/** One or more annual reports as one printable HTML page (no script, no external resource; text escaped). */
export function renderAnnualHtml(reports: AnnualReportModel | AnnualReportModel[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const lang = list[0]?.lang ?? 'en';
  const title = `${STRINGS2[lang].annualTitle} — ${list.length === 1 ? `${list[0]!.ixp.name} — ` : ''}${list[0]?.period.year ?? ''}`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body>
${list.map(one).join('\n')}
</body></html>
`;
}
