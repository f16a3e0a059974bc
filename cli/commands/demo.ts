// `ixmeter demo`: the whole system on one box with a simulated switch, for a first look.
// Prints the address and the demo logins; Ctrl-C stops everything; a restart reuses the store.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { UsageError } from '../index.ts';
import { configureLogging } from '../../collector/log.ts';
import { DEMO_MEMBER_ASN, DEMO_PASSWORD, startDemo } from '../demo/index.ts';
import { DEMO_PORTS } from '../demo/model.ts';

export const summary = 'Run a simulated IXP: switch, collector, store and dashboard on this machine';
export const help = `Usage: ixmeter demo [--dir DIR] [--listen HOST:PORT]

Starts a simulated peering switch (a real SNMP agent on 127.0.0.1), the collector
polling it every 10 s into a local SQLite store (with 35 days of simulated
history, marked as demo data), and the dashboard at http://localhost:3000
(PORT overrides the port). Ctrl-C stops everything; starting again reuses the store.

Options:
      --dir DIR         where the demo keeps its store (default ./.demo, or IXMETER_DEMO_DIR)
      --listen H:P      dashboard address (default 0.0.0.0:3000)
  -h, --help            this help
`;

export async function run(argv: string[]): Promise<number> {
  let values: { dir?: string; listen?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, listen: { type: 'string' } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  configureLogging({ level: (process.env.IXMETER_LOG_LEVEL as 'info') ?? 'info', levels: { 'collector:snmp': 'error' } });
  const dir = path.resolve(values.dir || process.env.IXMETER_DEMO_DIR || '.demo');
  process.stdout.write(`ixmeter demo: preparing the simulated IXP in ${dir} ...\n`);
  const demo = await startDemo({ dir, listen: values.listen });
  const member = DEMO_PORTS.find((p) => p.member.asn === DEMO_MEMBER_ASN)!.member;
  process.stdout.write([
    '',
    `ixmeter demo is running: ${demo.url}`,
    `  simulated IXP "${demo.config.ixp!.name}" (id ${demo.config.ixp!.id}), switch ${demo.config.switches[0].name} on udp 127.0.0.1:${demo.config.switches[0].port}, polled every ${demo.config.polling.interval} s`,
    `  store: ${demo.config.store.path} (demo data)`,
    `  logins, password "${DEMO_PASSWORD}": operator, reporter, member (AS${member.asn} ${member.name})`,
    '  Ctrl-C stops it.',
    '',
  ].join('\n'));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  process.stdout.write('ixmeter demo: stopping ...\n');
  await demo.stop();
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
}
