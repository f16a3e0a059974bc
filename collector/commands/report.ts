// `ixmeter report`: a monthly impact report of one IXP or all of them, from the local store, as HTML, PDF,
// CSV or JSON, in English, French or Portuguese. Reads only; writes the output file it is asked for.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../cli.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { resolveMembers } from '../members/index.ts';
import { createStore, StoreError } from '../store/index.ts';
import { buildReport, isMonth, renderCsv, renderHtml, renderJson, renderPdf, type ReportLang, type ReportModel } from '../../dashboard/reports/index.ts';

export const summary = 'Monthly impact report (HTML, PDF, CSV, JSON) of one IXP or all';

export const help = `Usage: ixmeter report --ixp ID|all --month YYYY-MM --format html|pdf|csv|json
                      [--lang en|fr|pt] [--out FILE] [--config FILE]

Traffic exchanged locally (and its growth), peak and 95th percentile, international transit saved
(Mbit/s and money, gross and net of port fees, per member and in total), local content share and its
trend, members and new members, port capacity and utilisation, availability, a methodology section with
coverage, and headline sentences ready to paste into an impact report.

  --ixp ID|all    the IXP's id (config ixp.id), or all: this config's IXP and dashboard.ixpConfigs
                  (each read from the store named in its own config)
  --month YYYY-MM the month, in the IXP's time zone (a month in progress: figures up to now)
  --format        html (printable page with charts), pdf (through Debian's chromium), csv (one row per
                  member and a total row), json (the contract for other tools)
  --lang          en (default), fr or pt
  --out FILE      write there (default: standard output)
  --config FILE   config file (default: $IXMETER_CONFIG or ./ixmeter.yaml)
`;

const FORMATS = ['html', 'pdf', 'csv', 'json'] as const;
const LANGS = ['en', 'fr', 'pt'] as const;

/** The IXPs a config knows: its own, and those of dashboard.ixpConfigs (paths relative to the config file). */
function knownIxps(config: Config, configFile: string): Config[] {
  const out: Config[] = [];
  if (config.ixp) out.push(config);
  for (const f of config.dashboard?.ixpConfigs ?? []) {
    const other = loadConfig(path.resolve(path.dirname(configFile), f));
    if (other.ixp && !out.some((c) => c.ixp!.id === other.ixp!.id)) out.push(other);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ixp: { type: 'string' }, month: { type: 'string' }, lang: { type: 'string' }, format: { type: 'string' },
      out: { type: 'string' }, config: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  if (!values.ixp) throw new UsageError('--ixp ID|all is required');
  if (!values.month) throw new UsageError('--month YYYY-MM is required');
  if (!isMonth(values.month)) throw new UsageError(`--month: '${values.month}' is not YYYY-MM`);
  const format = values.format ?? '';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const lang = (values.lang ?? 'en') as ReportLang;
  if (!(LANGS as readonly string[]).includes(lang)) throw new UsageError(`--lang must be one of ${LANGS.join(', ')}`);
  const configFile = values.config ?? process.env.IXMETER_CONFIG ?? 'ixmeter.yaml';
  const config = loadConfig(configFile);
  const ixps = knownIxps(config, configFile);
  if (!ixps.length) throw new CliError(`${configFile}: no IXP configured (set the ixp section)`, 2);
  const chosen = values.ixp === 'all' ? ixps : ixps.filter((c) => c.ixp!.id === values.ixp);
  if (!chosen.length) throw new CliError(`--ixp: unknown IXP '${values.ixp}' (known: ${ixps.map((c) => c.ixp!.id).join(', ')}, all)`, 2);

  const reports: ReportModel[] = [];
  for (const c of chosen) {
    const store = createStore(c.store, { readonly: true });
    try {
      store.open();
      const registry = resolveMembers(c, { db: store.db });
      reports.push(buildReport({ db: store.db, ixp: c.ixp!, registry, month: values.month, lang }));
    } catch (e) {
      if (e instanceof StoreError) throw new CliError(`IXP ${c.ixp!.id}: ${e.message}`);
      throw e;
    } finally {
      try { store.close(); } catch { /* the store may not have opened: the original error matters */ }
    }
  }
  const one = values.ixp === 'all' ? reports : reports[0]!;
  let body: string | Buffer;
  if (format === 'json') body = renderJson(one);
  else if (format === 'csv') body = renderCsv(one);
  else if (format === 'html') body = renderHtml(one);
  else {
    try { body = await renderPdf(renderHtml(one)); } catch (e) { throw new CliError(`PDF: ${(e as Error).message}`); }
  }
  if (values.out) {
    try { writeFileSync(values.out, body); } catch (e) { throw new CliError(`${values.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`); }
    process.stderr.write(`${values.out}: ${format} report of ${reports.map((r) => r.ixp.id).join(', ')} for ${values.month}\n`);
  } else process.stdout.write(body);
  return 0;
}
