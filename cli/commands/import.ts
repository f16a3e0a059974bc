// `ixmeter import mrtg`: stores a port's MRTG log history in the local store at its real resolutions.
// Reads the whole file and checks every line before writing anything; writes in one transaction.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { loadConfig } from '../../collector/config/load.ts';
import { MrtgError, parseMrtgLog, storeMrtgRows } from '../../collector/importers/mrtg.ts';
import { createStore } from '../../collector/store/index.ts';
import { refreshFigures } from '../../collector/store/figures.ts';

export const summary = 'Import history from other tools (MRTG logs) into the local store';

export const help = `Usage: ixmeter import mrtg --switch NAME --port IFNAME FILE.log [--config FILE]

Stores the history of one switch port from an MRTG log (bytes/s, newest first) in the local store.
Each row keeps its real resolution (5 min, 30 min, 2 h, 1 day): nothing is interpolated, and figures
computed from the coarser rows say so. Rows the collector already measured are never overwritten, and
importing the same file again changes nothing. A malformed line is reported with its number and nothing
of the file is stored.

Options:
  --switch NAME   the switch the port belongs to (its name in the config)
  --port IFNAME   the interface name (ifName) of the port
  --config FILE   config file (default: $IXMETER_CONFIG or ./ixmeter.yaml), for the store path
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { switch: { type: 'string' }, port: { type: 'string' }, config: { type: 'string' } },
  });
  const [kind, file, ...extra] = positionals;
  if (kind !== 'mrtg') throw new UsageError(kind ? `unknown import kind '${kind}' (only 'mrtg')` : 'what to import? (mrtg)');
  if (!file) throw new UsageError('missing the MRTG log file');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!values.switch) throw new UsageError('--switch is required');
  if (!values.port) throw new UsageError('--port is required');
  const config = loadConfig(values.config ?? process.env.IXMETER_CONFIG ?? 'ixmeter.yaml');
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new CliError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`); }
  let parsed;
  try { parsed = parseMrtgLog(text, file); } catch (e) {
    if (e instanceof MrtgError) throw new CliError(`${e.message}; nothing stored`);
    throw e;
  }
  const store = createStore(config.store, {});
  store.open();
  try {
    const r = storeMrtgRows(store.db, values.switch, values.port, parsed.rows);
    // The member windows and months of the imported span (coarse history counts where no 5-minute window exists).
    if (r.from !== null && r.to !== null) await refreshFigures(store.db, config, r.from, r.to);
    const res = (n: number) => (n === 300 ? '5 min' : n === 1800 ? '30 min' : n === 7200 ? '2 h' : n === 86400 ? '1 day' : `${n} s`);
    const all = [...new Set([...Object.keys(r.inserted), ...Object.keys(r.skipped)].map(Number))].sort((a, b) => a - b);
    const out = [
      `${file}: ${parsed.rows.length} rows for ${values.switch} ${values.port}` +
        (r.from !== null ? ` from ${new Date(r.from).toISOString()} to ${new Date(r.to!).toISOString()}` : '') +
        (r.createdPort ? ' (port not yet seen by the collector: created)' : ''),
      ...all.map((k) => `  ${res(k).padEnd(6)} ${String(r.inserted[k] ?? 0).padStart(5)} stored, ${String(r.skipped[k] ?? 0).padStart(5)} already there`),
    ];
    if (parsed.dropped) out.push(`  ${parsed.dropped} oldest rows were MRTG's zero pre-fill (no data): not stored`);
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    store.close();
  }
  return 0;
}
