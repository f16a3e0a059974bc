// `ixmeter serve --config FILE`: runs the dashboard (JSON API + pages) over the local store or InfluxDB,
// prints its URL, and stops cleanly on SIGINT/SIGTERM. No collecting here (`ixmeter run` does that).
import { parseArgs } from 'node:util';
import { loadConfig } from '../../collector/config/load.ts';
import { configureLogging } from '../../collector/log.ts';
import { CliError, UsageError } from '../index.ts';
import { createDashboard } from '../../dashboard/server/index.ts';
import { UsersFileError } from '../../dashboard/server/users.ts';

export const summary = 'Serve the dashboard (API and pages) from the local store or InfluxDB';
export const help = `Usage: ixmeter serve --config FILE [--listen HOST:PORT]

Serves the dashboard's JSON API (docs/API.md) and the built pages (dist/web).
Reads the local SQLite store (dashboard.reader: sqlite, the default) or InfluxDB
over InfluxQL (dashboard.reader: influxdb). Listens on dashboard.listen
(default 0.0.0.0:3000); the PORT environment variable overrides the port.
Users and roles: see \`ixmeter user --help\`.

Options:
  -c, --config FILE     the YAML config (required)
      --listen H:P      listen address, overrides dashboard.listen
  -h, --help            this help
`;

/** Runs until a signal arrives. */
export async function run(argv: string[]): Promise<number> {
  let values: { config?: string; listen?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, listen: { type: 'string' } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!values.config) throw new UsageError('--config FILE is required');
  const cfg = loadConfig(values.config);
  configureLogging({ level: cfg.log.level, levels: cfg.log.levels });
  const dash = createDashboard(cfg, { listen: values.listen });
  let url: string;
  try {
    url = await dash.start();
  } catch (err) {
    if (err instanceof UsersFileError) throw new CliError(err.message, 2);
    throw new CliError(`dashboard: ${(err as Error).message}`);
  }
  process.stdout.write(`ixmeter dashboard: ${url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await dash.stop();
  return 0;
}
