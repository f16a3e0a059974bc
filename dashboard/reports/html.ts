// HTML rendering of impact reports: one self-contained page (inline CSS and SVG charts, no script, no
// external resource) that also prints to PDF. Every text from switches or member lists is escaped.
import { categoryLabel, formatters, partMonthText, shortMonth, STRINGS, STRINGS2 } from './i18n.ts';
import type { ReportModel } from './model.ts';
import { peeringFigureRows, peeringHtml } from './peering.ts';
import { barChart, esc, hbarChart, lineChart } from './svg.ts';
import { resilienceHtml } from './resilience.ts';

/** The reports' inline stylesheet (monthly and annual pages share it). */
export const REPORT_CSS = `body{font:13px/1.45 system-ui,"DejaVu Sans",Arial,sans-serif;color:#222;margin:24px auto;max-width:820px;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 8px;border-bottom:1px solid #ccc}
.meta{color:#555}.headlines li{margin:4px 0}.warn{color:#8a5a00}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #eee;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}tr.total td{font-weight:bold;border-top:2px solid #999}
.chart{margin:6px 0 12px}.fig{break-inside:avoid;page-break-inside:avoid}section.report{page-break-after:always}section.report:last-child{page-break-after:auto}
@page{size:A4;margin:14mm}@media print{body{margin:0;max-width:none}}`;

function one(r: ReportModel): string {
  const s = STRINGS[r.lang];
  const s2 = STRINGS2[r.lang];
  const f = formatters(r.lang, r.currency);
  const x = r.ixp;
  const growthTxt = (g: ReportModel['growth']['previousMonth'], vs: string) => (g.change === null ? `${vs}: ${g.reason ?? '–'}` : `${f.signedPct(g.change)} ${vs}`);
  const proj = (so: number, pr: number | undefined) => (pr === undefined ? f.money(so) : `${f.money(so)} ${s2.soFar}; ${f.money(pr)} ${s2.projected}`);
  const savedMbps = r.members.filter((m) => m.buysTransit).reduce((a, m) => a + (m.p95Mbps ?? 0), 0);
  const row = (label: string, value: string, note = '') => `<tr><th>${esc(label)}</th><td class="n">${esc(value)}</td><td>${esc(note)}</td></tr>`;
  const srcText = r.method.sources.map((k) => (k === 'poll' ? s.srcPoll : k === 'mrtg' ? s.srcMrtg : k === 'demo' ? s.srcDemo : k)).join('; ') || s.noData;
  const members = r.members.map((m) => `<tr data-testid="member-${m.asn}"><td>${esc(m.name)}</td><td class="n">AS${m.asn}</td><td>${esc(categoryLabel(r.lang, m.category))}</td><td>${m.buysTransit ? s.yes : s.no}</td>
<td class="n">${esc(f.bytes(m.bytes))}</td><td class="n">${esc(f.bytes(m.bytesReceived))}</td><td class="n">${esc(f.pct(m.connectedShare))}</td><td class="n">${esc(f.mbps(m.p95Mbps))}</td><td class="n">${esc(proj(m.transitSaved, m.transitSavedProjected))}</td><td class="n">${esc(proj(m.netSaved, m.netSavedProjected))}</td><td class="n">${esc(f.pct(m.coverage))}</td><td class="n">${esc(f.resolution(m.resolution))}</td></tr>`).join('\n');
  return `<section class="report" data-testid="report-${esc(x.id)}">
<h1>${esc(s.title)} — ${esc(x.name)}</h1>
<p class="meta">${esc(s.month)}: ${esc(f.month(r.period.month))} (${esc(r.period.timezone)}) · ${esc(s.generated)} ${esc(r.generatedAt.slice(0, 16).replace('T', ' '))} UTC${r.period.complete ? '' : ` · <span class="warn">${esc(s.incomplete)}</span>`}</p>
<h2>${esc(s.headlines)}</h2>
<ul class="headlines" data-testid="headlines">${r.headlines.map((h) => `<li>${esc(h)}</li>`).join('')}</ul>
<table data-testid="figures">
${row(s.traffic, f.bytes(x.bytes), `${growthTxt(r.growth.previousMonth, s.growthPrev)}; ${growthTxt(r.growth.previousYear, s.growthYear)}`)}
${row(s.peak, f.mbps(x.peakMbps))}
${row(s.p95, f.mbps(x.p95Mbps), `${s.p95In} ${f.mbps(x.p95InMbps)}; ${s.p95Out} ${f.mbps(x.p95OutMbps)}`)}
${row(s.saved, f.mbps(savedMbps), `${s.savedGross} ${proj(x.transitSaved, x.transitSavedProjected)}; ${s.savedNet} ${proj(x.netSaved, x.netSavedProjected)}; ${s.portFees} ${f.money(x.portFees)}`)}
${row(s.peakMethod, f.money(x.peakMethodSaved))}
${row(s.content, f.pct(x.localContentShare), `${f.month(r.growth.previousMonth.month)}: ${f.pct(r.localContent.previousMonth)}; ${f.month(r.growth.previousYear.month)}: ${f.pct(r.localContent.previousYear)}`)}
${peeringFigureRows(r)}
${row(s.members, String(r.membership.count), `${s.newMembers}: ${r.membership.new.map((m) => `${m.name} (AS${m.asn})`).join(', ') || s.none}`)}
${row(s.capacity, f.mbps(r.capacity.capacityMbps), `${r.capacity.ports} ${s.ports.toLowerCase()}; ${s.utilisation}: ${s.meanUtil} ${f.pct(r.capacity.meanUtilisation)}, ${s.p95Util} ${f.pct(r.capacity.p95Utilisation)}, ${s.peakUtil} ${f.pct(r.capacity.peakUtilisation)}`)}
${row(s.availability, f.pct(r.availability.trafficFlowing), `${s.trafficFlowing}; ${s.collectors}: ${r.availability.collectorsReporting === null ? s.notRecorded : f.pct(r.availability.collectorsReporting)}`)}
${row(s.coverage, f.pct(x.coverage), `${s.resolution}: ${f.resolution(x.resolution)}`)}
</table>
<div class="fig"><h2>${esc(s.chartTraffic)}</h2>
${lineChart(r.series.map((p) => ({ t: p.t, a: p.inBps, b: p.outBps })), { labelA: s.inLabel, labelB: s.outLabel, unit: 'bit/s', fmt: (v) => f.mbps(v / 1e6), title: s.chartTraffic, from: Date.parse(r.period.from), to: Date.parse(r.period.to), maxGapMs: Math.max(3_600_000, r.ixp.resolution * 1000) * 1.5 })}</div>
<div class="fig"><h2>${esc(s.chartMonthly)}</h2>
${barChart(r.localContent.trend.map((t) => ({ label: shortMonth(r.lang, t.month), value: t.bytes, line: t.share })), { fmt: f.bytes, title: s.chartMonthly })}</div>
<div class="fig"><h2>${esc(s.chartSavings)}</h2>
${hbarChart(r.members.filter((m) => m.transitSaved > 0).sort((a, b) => b.transitSaved - a.transitSaved).slice(0, 15).map((m) => ({ label: m.name, value: m.transitSaved })), { fmt: f.money, title: s.chartSavings })}</div>
${resilienceHtml(r)}
<h2>${esc(s.members)}</h2>
<table data-testid="members"><tr><th>${esc(s.member)}</th><th class="n">ASN</th><th>${esc(s.category)}</th><th>${esc(s.buysTransit)}</th><th class="n">${esc(s2.bytesSent)}</th><th class="n">${esc(s2.bytesReceived)}</th><th class="n">${esc(s2.connected)}</th><th class="n">P95</th><th class="n">${esc(s.savedGross)}</th><th class="n">${esc(s.savedNet)}</th><th class="n">${esc(s.coverage)}</th><th class="n">${esc(s.resolution)}</th></tr>
${members}
<tr class="total"><td>${esc(s.total)}</td><td></td><td></td><td></td><td class="n">${esc(f.bytes(x.bytes))}</td><td class="n">${esc(f.bytes(r.members.reduce((a, m) => a + m.bytesReceived, 0)))}</td><td></td><td class="n">${esc(f.mbps(x.p95Mbps))}</td><td class="n">${esc(proj(x.transitSaved, x.transitSavedProjected))}</td><td class="n">${esc(proj(x.netSaved, x.netSavedProjected))}</td><td class="n">${esc(f.pct(x.coverage))}</td><td class="n">${esc(f.resolution(x.resolution))}</td></tr>
</table>
${peeringHtml(r)}
<h2>${esc(s.methodology)}</h2>
<ul data-testid="methodology">
<li><b>P95.</b> ${esc(r.method.p95)}</li>
<li><b>${esc(s.saved)}.</b> ${esc(r.method.transitSaved)}</li>
<li><b>${esc(s.savedNet)}.</b> ${esc(r.method.netSaved)}</li>
<li><b>${esc(s.content)}.</b> ${esc(r.method.localContentShare)}</li>
<li data-testid="method-partmonth">${esc(partMonthText(r.lang))}</li>
<li><b>${esc(s.coverage)}: ${esc(f.pct(x.coverage))}.</b> ${esc(r.method.coverage)} ${esc(s.resolution)}: ${esc(f.resolution(r.method.resolution))}.</li>
<li><b>${esc(s.sources)}.</b> ${esc(srcText)}</li>
</ul>
</section>`;
}

/** One or more reports as one printable HTML page. */
export function renderHtml(reports: ReportModel | ReportModel[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const lang = list[0]?.lang ?? 'en';
  const title = list.length === 1 ? `${STRINGS[lang].title} — ${list[0]!.ixp.name} — ${list[0]!.period.month}` : `${STRINGS[lang].title} — ${list[0]?.period.month ?? ''}`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body>
${list.map(one).join('\n')}
</body></html>
`;
}
