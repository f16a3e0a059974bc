// `ixmeter start` (npm start): with a config file (--config, or ./ixmeter.yaml) the real collector and
// dashboard in one process; without one, the demo. Wiring only.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli.ts';

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
  const { runCollectorAndDashboard } = await import('./run.ts');
  return runCollectorAndDashboard(file);
}
