// Monthly impact reports: buildReport reads the local store and computes every figure through the impact
// module; renderers turn the model into JSON (the contract for other tools), CSV, HTML and PDF.
// Reads only; the CLI (`ixmeter report`) and the dashboard server both call these.
import type Database from 'better-sqlite3';
import type { IxpConfig } from '../../collector/config/types.ts';
import type { MemberRegistry } from '../../collector/members/registry.ts';
import { loadReportInput } from './data.ts';
import { growthReason, headlines, methodTexts, partMonthText } from './i18n.ts';
import { computeReport, type GrowthFigure, type ReportLang, type ReportModel } from './model.ts';
import { buildResilience, resilienceHeadlines, spanTraffic } from './resilience.ts';

/** A growth figure with its reason in the report's language when it is not comparable. */
function withReason(g: GrowthFigure, lang: ReportLang): GrowthFigure {
  return g.notComparable ? { ...g, reason: growthReason(lang, g.notComparable) } : g;
}

export type { ReportModel, ReportLang, Figures, IxpFigures, MemberFigures, ReportInput, PortHistory } from './model.ts';
export { computeReport } from './model.ts';
export { loadReportInput, loadPortSamples } from './data.ts';
export { renderCsv, parseReportCsv, CSV_COLUMNS } from './csv.ts';
export { renderHtml } from './html.ts';
export { renderPdf } from './pdf.ts';
export { monthRange, addMonths, isMonth, monthOf } from '../calendar.ts';
export { STRINGS, formatters } from './i18n.ts';

/** What {@link buildReport} needs. */
export interface BuildReportOptions {
  /** The local store (better-sqlite3 handle, read-only is enough). */
  db: Database.Database;
  /** The IXP (config.ixp, defaults filled). */
  ixp: Pick<IxpConfig, 'id' | 'name' | 'country' | 'timezone' | 'currency' | 'transitPricePerMbps'> & { launched?: string };
  /** The members (resolveMembers(config, {db})). */
  registry: MemberRegistry;
  /** 'YYYY-MM', in the IXP's time zone. */
  month: string;
  lang?: ReportLang;
  /** Epoch ms; figures of a month in progress stop here. Default Date.now(). */
  now?: number;
}

/** Builds one IXP's monthly report. */
export function buildReport(o: BuildReportOptions): ReportModel {
  const now = o.now ?? Date.now();
  const lang = o.lang ?? 'en';
  const ixp = { id: o.ixp.id, name: o.ixp.name, country: o.ixp.country, timezone: o.ixp.timezone ?? 'UTC', currency: o.ixp.currency ?? 'USD', transitPricePerMbps: o.ixp.transitPricePerMbps ?? 0, launched: o.ixp.launched };
  const input = loadReportInput(o.db, { ixp, registry: o.registry, month: o.month, now });
  const { sources, ...computed } = computeReport(input);
  const g = computed.growth;
  const figures = { ...computed, growth: { previousMonth: withReason(g.previousMonth, lang), previousYear: withReason(g.previousYear, lang) } };
  const base: Omit<ReportModel, 'headlines'> = {
    ...figures,
    lang,
    method: { ...methodTexts(lang), partMonth: partMonthText(lang), sources, resolution: figures.ixp.resolution },
    generatedAt: new Date(now).toISOString(),
    // The traffic during an outage: the one call to re-wire when the report reads traffic another way.
    resilience: buildResilience(o.db, { from: input.from, to: input.to, now, lang, trafficBytes: (a, b) => spanTraffic(input.ports, a, b) }),
  };
  return { ...base, headlines: [...headlines(base), ...resilienceHeadlines(base)] };
}

/** The JSON contract: one report, or `{reports: [...]}` for several IXPs. */
export function renderJson(reports: ReportModel | ReportModel[]): string {
  return JSON.stringify(Array.isArray(reports) ? { reports } : reports, null, 2) + '\n';
}

export { buildAnnualReport, computeAnnual, renderAnnualCsv, renderAnnualHtml, ANNUAL_CSV_COLUMNS, type AnnualReportModel } from './annual.ts';
