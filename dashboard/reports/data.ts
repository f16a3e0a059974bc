// Reads what a report needs through a Reader (the local store or a central InfluxDB alike): the month figures the
// collector computed (member_months / ixp_member_month) for the month, the trend and the comparisons, and the IXP's
// own windows of the month for the chart. Read-only; the figures themselves are never recomputed here.
import type { MemberConfig } from '../../collector/config/types.ts';
import { bytesOf, coverage, defaultBuysTransit, type WindowSample } from '../../collector/figures/impact.ts';
import { likeForLike } from '../../collector/figures/partmonth.ts';
import type { MonthRow } from '../../collector/figures/months.ts';
import type { MemberRegistry } from '../../collector/members/registry.ts';
import type { Reader } from '../readers/reader.ts';
import type { EarlierMonth, ReportInput, ReportMember } from './model.ts';
import { addMonths, monthRange } from '../calendar.ts';

/** The report's members from the member registry (the local store: config, IX-F, PeeringDB, ifAlias). */
export function membersOfRegistry(registry: MemberRegistry, ixpPricePerMbps: number): ReportMember[] {
  return registry.list().map((m) => ({
    asn: m.asn, name: m.name.value, category: m.category.value, buysTransit: m.buysTransit.value,
    transitPricePerMbps: m.transitPricePerMbps?.value ?? ixpPricePerMbps,
    portFeePerMonth: m.portFeePerMonth.value, joined: m.joined?.value, left: m.left?.value,
    sources: { name: m.name.source, category: m.category.source },
    portCount: m.ports.length,
  }));
}

/** The report's members from member entries (what a central dashboard knows from `ixp_member_info`). */
export function membersOfConfig(members: (MemberConfig & { sources?: { name: string; category: string } })[], ixpPricePerMbps: number): ReportMember[] {
  return members.map((m) => ({
    asn: m.asn, name: m.name, category: m.category ?? 'isp', buysTransit: defaultBuysTransit(m.category ?? 'isp', m.buysTransit),
    transitPricePerMbps: m.transitPricePerMbps ?? ixpPricePerMbps, portFeePerMonth: m.portFeePerMonth ?? 0, joined: m.joined, left: m.left,
    ...(m.sources ? { sources: m.sources } : {}),
    portCount: m.ports?.length ?? 0,
  }));
}

/** Options of {@link loadReportInput}. */
export interface LoadOptions {
  ixp: ReportInput['ixp'];
  members: ReportMember[];
  month: string;
  now: number;
}

/** Bytes and coverage of the IXP over `span` of an earlier month: its month row when the span is the whole month, else its windows. */
async function spanTraffic(reader: Reader, ixp: string, row: MonthRow | undefined, month: { from: number; to: number }, span: { from: number; to: number }, now: number): Promise<{ bytes: number; coverage: number }> {
  if (span.from === month.from && span.to === month.to) return { bytes: row?.bytesIn ?? 0, coverage: row?.coverage ?? 0 };
  if (span.to <= span.from) return { bytes: 0, coverage: 0 };
  const samples = (await reader.memberWindowRows(ixp, [0], span.from, span.to)).get(0) ?? [];
  return { bytes: bytesOf(samples, 'in'), coverage: coverage(samples, (Math.min(span.to, now) - span.from) / 1000) };
}

/** Gathers a month's report input: the month, the one before, the same month a year before, and 12 months of trend. */
export async function loadReportInput(reader: Reader, o: LoadOptions): Promise<ReportInput> {
  const tz = o.ixp.timezone;
  const cur = { month: o.month, ...monthRange(o.month, tz) };
  const prevM = addMonths(o.month, -1);
  const prevY = addMonths(o.month, -12);
  const trendMonths = Array.from({ length: 12 }, (_, i) => addMonths(o.month, i - 11));
  const rows = await reader.monthRows(o.ixp.id, [prevY, ...trendMonths]);
  const of = (m: string) => rows.filter((r) => r.month === m);
  const earlier = async (m: string): Promise<EarlierMonth> => {
    const r = monthRange(m, tz);
    const ixpRow = of(m).find((x) => x.asn === 0);
    const span = likeForLike(cur, r, o.now);
    return { month: m, ...r, ixp: ixpRow, span: await spanTraffic(reader, o.ixp.id, ixpRow, r, span, o.now) };
  };
  const windows: WindowSample[] = (await reader.memberWindowRows(o.ixp.id, [0], cur.from, cur.to)).get(0) ?? [];
  return {
    ixp: o.ixp, month: o.month, from: cur.from, to: cur.to, now: o.now, members: o.members,
    rows: of(o.month),
    ixpWindows: windows,
    previousMonth: await earlier(prevM),
    previousYear: await earlier(prevY),
    trend: trendMonths.map((m) => ({ month: m, ...monthRange(m, tz), rows: of(m) })),
  };
}

/** A year's month rows and the previous year's like-for-like traffic (the annual report's input). */
export async function loadYearRows(reader: Reader, o: { ixp: ReportInput['ixp']; year: number; now: number; span: { from: number; to: number } }): Promise<{ rows: MonthRow[]; previousYear: { bytes: number; coverage: number } }> {
  const tz = o.ixp.timezone;
  const months = Array.from({ length: 12 }, (_, i) => addMonths(`${o.year}-01`, i));
  const prev = Array.from({ length: 12 }, (_, i) => addMonths(`${o.year - 1}-01`, i));
  const rows = await reader.monthRows(o.ixp.id, [...prev, ...months]);
  let bytes = 0;
  let have = 0;
  for (const m of prev) {
    const r = monthRange(m, tz);
    const f = Math.max(r.from, o.span.from);
    const t = Math.min(r.to, o.span.to);
    if (f >= t) continue;
    const row = rows.find((x) => x.month === m && x.asn === 0);
    const tr = await spanTraffic(reader, o.ixp.id, row, r, { from: f, to: t }, o.now);
    bytes += tr.bytes;
    have += tr.coverage * (t - f);
  }
  return { rows: rows.filter((r) => months.includes(r.month)), previousYear: { bytes, coverage: o.span.to > o.span.from ? have / (o.span.to - o.span.from) : 0 } };
}
