// Monthly impact reports: buildReport reads the month figures the collector computed through a Reader (the local
// store or a central InfluxDB); renderers turn the model into JSON (the contract for other tools), CSV, HTML and PDF.
// Reads only; the CLI (`ixmeter report`) and the dashboard server both call these.
import type { IxpConfig } from '../../collector/config/types.ts';
import type { Reader } from '../readers/reader.ts';
import type { PeeringReader } from '../readers/peering.ts';
import type { LatencyReader } from '../readers/latency.ts';
import { loadReportInput } from './data.ts';
import { growthReason, headlines, methodTexts, partMonthText } from './i18n.ts';
import { computeReport, type GrowthFigure, type ReportLang, type ReportMember, type ReportModel } from './model.ts';
import { loadPeeringSection, peeringHeadlines } from './peering.ts';
import { readLatencyMonth, resilienceHeadlines, resilienceSection, sectionEnd, windowTraffic } from './resilience.ts';

/** A growth figure with its reason in the report's language when it is not comparable. */
function withReason(g: GrowthFigure, lang: ReportLang): GrowthFigure {
  return g.notComparable ? { ...g, reason: growthReason(lang, g.notComparable) } : g;
}

export type { ReportModel, ReportLang, Figures, IxpFigures, MemberFigures, ReportInput, ReportMember } from './model.ts';
export { computeReport } from './model.ts';
export { loadReportInput, membersOfConfig, membersOfRegistry } from './data.ts';
export { renderCsv, parseReportCsv, CSV_COLUMNS } from './csv.ts';
export { renderHtml } from './html.ts';
export { renderPdf } from './pdf.ts';
export { monthRange, addMonths, isMonth, monthOf } from '../calendar.ts';
export { STRINGS, formatters } from './i18n.ts';

/** What {@link buildReport} needs. */
export interface BuildReportOptions {
  /** Where the collector's figures are read: the local store (createSqliteReader) or a central InfluxDB. */
  reader: Reader;
  /** The IXP (config.ixp, defaults filled). */
  ixp: Pick<IxpConfig, 'id' | 'name' | 'country' | 'timezone' | 'currency' | 'transitPricePerMbps'> & { launched?: string };
  /** Names, categories and join dates of the members (membersOfRegistry / membersOfConfig). */
  members: ReportMember[];
  /** The sFlow matrix (the IPv6 share and measured local content section); none: no such section. */
  peering?: PeeringReader;
  /** The latency rounds (the resilience section: international outages and latency); none: no such section. */
  latency?: LatencyReader;
  /** 'YYYY-MM', in the IXP's time zone. */
  month: string;
  lang?: ReportLang;
  /** Epoch ms; figures of a month in progress stop here. Default Date.now(). */
  now?: number;
}

/** The resilience section of a month through a latency reader. */
async function resilience(reader: LatencyReader, ixp: string, o: Parameters<typeof resilienceSection>[1]) {
  return resilienceSection(await readLatencyMonth(reader, ixp, o.from, sectionEnd(o)), o);
}

/** Builds one IXP's monthly report. */
export async function buildReport(o: BuildReportOptions): Promise<ReportModel> {
  const now = o.now ?? Date.now();
  const lang = o.lang ?? 'en';
  const ixp = { id: o.ixp.id, name: o.ixp.name, country: o.ixp.country, timezone: o.ixp.timezone ?? 'UTC', currency: o.ixp.currency ?? 'USD', transitPricePerMbps: o.ixp.transitPricePerMbps ?? 0, launched: o.ixp.launched };
  const input = await loadReportInput(o.reader, { ixp, members: o.members, month: o.month, now });
  const { sources, ...computed } = computeReport(input);
  const g = computed.growth;
  const figures = { ...computed, growth: { previousMonth: withReason(g.previousMonth, lang), previousYear: withReason(g.previousYear, lang) } };
  const peering = o.peering ? await loadPeeringSection(o.peering, ixp.id, { from: input.from, to: input.to, now, lang, members: figures.members }) : null;
  const base: Omit<ReportModel, 'headlines'> = {
    ...figures,
    ...(peering ? { peering } : {}),
    lang,
    method: { ...methodTexts(lang), partMonth: partMonthText(lang), sources, resolution: figures.ixp.resolution },
    generatedAt: new Date(now).toISOString(),
    // The traffic during an outage: the one call to re-wire when the report reads traffic another way.
    resilience: o.latency ? await resilience(o.latency, ixp.id, { from: input.from, to: input.to, now, lang, trafficBytes: (a, b) => windowTraffic(input.ixpWindows, a, b) }) : null,
  };
  return { ...base, headlines: [...headlines(base), ...peeringHeadlines(base), ...resilienceHeadlines(base)] };
}

/** The JSON contract: one report, or `{reports: [...]}` for several IXPs. */
export function renderJson(reports: ReportModel | ReportModel[]): string {
  return JSON.stringify(Array.isArray(reports) ? { reports } : reports, null, 2) + '\n';
}

export { buildAnnualReport, computeAnnual, renderAnnualCsv, renderAnnualHtml, ANNUAL_CSV_COLUMNS, type AnnualReportModel } from './annual.ts';
