// `ixmeter report`: a monthly impact report of one IXP or all of them, from the local store (or, with a central
// config, from InfluxDB), as HTML, PDF, CSV or JSON, in English, French or Portuguese. Reads only; writes the output
// file it is asked for.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { loadConfig } from '../../collector/config/load.ts';
import type { IxpConfig } from '../../collector/config/types.ts';
import { resolveMembers } from '../../collector/members/index.ts';
import { createStore, StoreError } from '../../collector/store/index.ts';
import {
  buildAnnualReport, buildReport, isMonth, membersOfConfig, membersOfRegistry, renderAnnualCsv, renderAnnualHtml, renderCsv, renderHtml, renderJson, renderPdf,
  type AnnualReportModel, type ReportLang, type ReportMember, type ReportModel,
} from '../../dashboard/reports/index.ts';
import { createSqliteReader } from '../../dashboard/readers/sqlite.ts';
import { createInfluxReader, InfluxReadError } from '../../dashboard/readers/influxql.ts';
import type { Reader } from '../../dashboard/readers/reader.ts';
import { createInfluxPeeringReader, createSqlitePeeringReader, type PeeringReader } from '../../dashboard/readers/peering.ts';
import { createSqliteLatencyReader, type LatencyReader } from '../../dashboard/readers/latency.ts';
import { createInfluxLatencyReader } from '../../dashboard/readers/latency-influxql.ts';

export const summary = 'Monthly or annual impact report (HTML, PDF, CSV, JSON) of one IXP or all';

export const help = `Usage: ixmeter report --ixp ID|all --month YYYY-MM|--year YYYY --format html|pdf|csv|json
                      [--lang en|fr|pt] [--out FILE] [--config FILE]

Traffic exchanged locally (and its growth), peak and 95th percentile, international transit saved
(Mbit/s and money, gross and net of port fees, per member and in total), local content share and its
trend, members and new members, port capacity and utilisation, availability, a methodology section with
coverage, and headline sentences ready to paste into an impact report.

  --ixp ID|all    the IXP's id (config ixp.id), or all. With a central config (dashboard.reader:
                  influxdb), every IXP whose collector forwards to its InfluxDB
  --month YYYY-MM the month, in the IXP's time zone (a month in progress: figures so far, and projected)
  --year YYYY     an annual report instead: the year's months summed, growth on the previous year (like
                  for like while the year is in progress), content share by month, members joined
  --format        html (printable page with charts), pdf (through Debian's chromium), csv (one row per
                  member and a total row), json (the contract for other tools)
  --lang          en (default), fr or pt
  --out FILE      write there (default: standard output)
  --config FILE   config file (default: $IXMETER_CONFIG or ./ixmeter.yaml)
`;

const FORMATS = ['html', 'pdf', 'csv', 'json'] as const;
const LANGS = ['en', 'fr', 'pt'] as const;

/** Runs the command; `deps.now` is the clock (tests; default Date.now). */
export async function run(argv: string[], deps: { now?: () => number } = {}): Promise<number> {
  const now = deps.now ?? Date.now;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ixp: { type: 'string' }, month: { type: 'string' }, year: { type: 'string' }, lang: { type: 'string' }, format: { type: 'string' },
      out: { type: 'string' }, config: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  if (!values.ixp) throw new UsageError('--ixp ID|all is required');
  if (values.month && values.year) throw new UsageError('give --month YYYY-MM or --year YYYY, not both');
  if (!values.month && !values.year) throw new UsageError('--month YYYY-MM or --year YYYY is required');
  if (values.month && !isMonth(values.month)) throw new UsageError(`--month: '${values.month}' is not YYYY-MM`);
  if (values.year && !/^\d{4}$/.test(values.year)) throw new UsageError(`--year: '${values.year}' is not YYYY`);
  const year = values.year ? Number(values.year) : undefined;
  const format = values.format ?? '';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const lang = (values.lang ?? 'en') as ReportLang;
  if (!(LANGS as readonly string[]).includes(lang)) throw new UsageError(`--lang must be one of ${LANGS.join(', ')}`);
  const configFile = values.config ?? process.env.IXMETER_CONFIG ?? 'ixmeter.yaml';
  const config = loadConfig(configFile);
  // A central config reads every IXP from InfluxDB (what the collectors forwarded); otherwise the local store.
  const central = config.dashboard?.reader === 'influxdb';
  if (central && !config.influxdb) throw new CliError(`${configFile}: dashboard.reader is influxdb but there is no influxdb section`, 2);
  const store = central ? undefined : createStore(config.store, { readonly: true });
  let reader: Reader;
  let peering: PeeringReader;
  let latency: LatencyReader | undefined;
  let ixps: { ixp: IxpConfig; members: () => ReportMember[] }[];
  const reports: ReportModel[] = [];
  const annual: AnnualReportModel[] = [];
  const label = (id: string) => (central ? `IXP ${id} (InfluxDB)` : `IXP ${id}`);
  let chosen: typeof ixps = [];
  try {
    if (store) {
      try { store.open(); } catch (e) { if (e instanceof StoreError) throw new CliError(`IXP ${config.ixp?.id ?? '?'}: ${e.message}`); throw e; }
      reader = createSqliteReader(store.db);
      peering = createSqlitePeeringReader(store.db);
      // A store from before migration 005 has no latency tables (no resilience section then).
      latency = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'latency'").get() ? createSqliteLatencyReader(store.db) : undefined;
      ixps = config.ixp ? [{ ixp: config.ixp, members: () => membersOfRegistry(resolveMembers(config, { db: store.db }), config.ixp!.transitPricePerMbps) }] : [];
    } else {
      reader = createInfluxReader(config.influxdb!);
      peering = createInfluxPeeringReader(config.influxdb!);
      latency = createInfluxLatencyReader(config.influxdb!);
      try {
        ixps = (await reader.describe()).map((d) => ({ ixp: d.ixp, members: () => membersOfConfig(d.members, d.ixp.transitPricePerMbps) }));
      } catch (e) { if (e instanceof InfluxReadError) throw new CliError(e.message); throw e; }
    }
    if (!ixps.length) throw new CliError(central ? `${configFile}: no IXP has forwarded its description to InfluxDB yet` : `${configFile}: no IXP configured (set the ixp section)`, 2);
    chosen = values.ixp === 'all' ? ixps : ixps.filter((c) => c.ixp.id === values.ixp);
    if (!chosen.length) throw new CliError(`--ixp: unknown IXP '${values.ixp}' (known: ${ixps.map((c) => c.ixp.id).join(', ')}, all)`, 2);
    for (const c of chosen) {
      try {
        const src = { reader, ixp: c.ixp, members: c.members(), peering, latency, lang, now: now() };
        if (year !== undefined) annual.push(await buildAnnualReport({ ...src, year }));
        else reports.push(await buildReport({ ...src, month: values.month! }));
      } catch (e) {
        if (e instanceof InfluxReadError) throw new CliError(`${label(c.ixp.id)}: ${e.message}`);
        throw e;
      }
    }
  } finally {
    try { store?.close(); } catch { /* the store may not have opened: the original error matters */ }
  }
  const all = values.ixp === 'all';
  let body: string | Buffer;
  if (year !== undefined) {
    const one = all ? annual : annual[0]!;
    if (format === 'json') body = JSON.stringify(all ? { reports: annual } : one, null, 2) + '\n';
    else if (format === 'csv') body = renderAnnualCsv(one);
    else if (format === 'html') body = renderAnnualHtml(one);
    else {
      try { body = await renderPdf(renderAnnualHtml(one)); } catch (e) { throw new CliError(`PDF: ${(e as Error).message}`); }
    }
  } else {
    const one = all ? reports : reports[0]!;
    if (format === 'json') body = renderJson(one);
    else if (format === 'csv') body = renderCsv(one);
    else if (format === 'html') body = renderHtml(one);
    else {
      try { body = await renderPdf(renderHtml(one)); } catch (e) { throw new CliError(`PDF: ${(e as Error).message}`); }
    }
  }
  if (values.out) {
    try { writeFileSync(values.out, body); } catch (e) { throw new CliError(`${values.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`); }
    process.stderr.write(`${values.out}: ${format} ${year !== undefined ? 'annual ' : ''}report of ${chosen.map((c) => c.ixp.id).join(', ')} for ${values.month ?? values.year}\n`);
  } else process.stdout.write(body);
  return 0;
}
