// `ixmeter start` (npm start): with a config file (--config, or ./ixmeter.yaml) the real collector and
// dashboard in one process; without one, the demo. Wiring only.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { loadConfig } from '../../collector/config/load.ts';
import { configureLogging, getLogger } from '../../collector/log.ts';
import { createCollector } from '../../collector/main.ts';
import { createDashboard } from '../../dashboard/server/index.ts';

export const summary = 'Collector and dashboard from ./ixmeter.yaml (or --config); the demo when there is no config';
export const help = `Usage: ixmeter start [--config FILE]

With a config file (--config FILE, or ./ixmeter.yaml in the current folder): runs the
collector and the dashboard together, as \`ixmeter run\` and \`ixmeter serve\` would.
Without one: runs \`ixmeter demo\` (a simulated IXP on this machine).

Options:
  -c, --config FILE     the YAML config
  -h, --help            this help
`;

export async function run(argv: string[]): Promise<number> {
  let values: { config?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const file = values.config ?? (existsSync('ixmeter.yaml') ? 'ixmeter.yaml' : undefined);
  if (!file) return (await import('./demo.ts')).run([]);
  return runCollectorAndDashboard(file);
}

/** The real collector and the dashboard over its store, in one process, until a signal. */
async function runCollectorAndDashboard(file: string): Promise<number> {
  const config = loadConfig(file);
  configureLogging({ level: config.log.level, levels: config.log.levels });
  const log = getLogger('collector');
  if (config.switches.length === 0) throw new CliError(`${file}: no switches configured; add one under 'switches' (see config.example.yaml)`);
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => { finish = resolve; });
  let exitCode = 0;
  const collector = createCollector(config, {
    log,
    onFatal: (err, code) => {
      log.error({ exitCode: code }, `${err.message}: stopping rather than polling without a record`);
      exitCode = code;
      finish(code);
    },
  });
  const dashboard = createDashboard(config);
  const onSignal = () => finish(exitCode);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await collector.start();
    // The dashboard opens the store read-only: the collector has created it by now.
    const url = await dashboard.start();
    process.stdout.write(`ixmeter: collecting from ${config.switches.length} switch${config.switches.length === 1 ? '' : 'es'} into ${config.store.path}; dashboard ${url}\n`);
  } catch (err) {
    await dashboard.stop().catch(() => {});
    await collector.stop().catch(() => {});
    throw err instanceof Error && err.name === 'StoreError' ? new CliError(`${err.message} (check store.path in ${file})`) : err;
  }
  const code = await finished;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  await dashboard.stop().catch(() => {});
  await collector.stop();
  setTimeout(() => process.exit(code), 3000).unref();
  return code;
}
