// `ixmeter run`: the long-running collector (polls every switch, stores, forwards), with --check
// (build everything, start nothing) and --dump (the effective config, secrets redacted).
// Command-line handling and signals only; the wiring is collector/main.ts.
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { CliError } from '../index.ts';
import { loadConfig } from '../../collector/config/load.ts';
import { redact, resolveSecret } from '../../collector/config/secrets.ts';
import type { Config } from '../../collector/config/types.ts';
import { configureLogging, getLogger } from '../../collector/log.ts';
import { createCollector } from '../../collector/main.ts';
import { filtersFor } from '../../collector/profiles.ts';
import { targetFromConfig } from '../../collector/snmp/index.ts';
import { createStore } from '../../collector/store/index.ts';
import { parseListen } from '../../collector/metrics/index.ts';
import { resolveMembers } from '../../collector/members/index.ts';
import { createLatency } from '../../collector/latency/index.ts';

export const summary = 'Run the collector: poll the switches, store locally, forward to InfluxDB';

export const help = `Usage: ixmeter run [--config FILE] [--check | --dump]

Runs the long-running collector: every switch in the config is polled at polling.interval
(aligned to the clock), rates and gaps go to the local store, and from there to InfluxDB when
one is configured. SIGTERM or SIGINT stops it cleanly (the poll in progress is finished).
Under systemd (Type=notify, NotifyAccess=all) it reports READY=1 and keeps the watchdog fed.

Options:
  --config FILE   the YAML config (default ./ixmeter.yaml)
  --check         load the config, resolve every secret and build every component without
                  starting anything; exit 0 when all is well
  --dump          print the effective config (defaults filled, env overrides applied) as YAML,
                  with every secret redacted
  --help          this text

Exit codes: 0 stopped cleanly, 1 runtime failure, 2 bad usage or bad config,
3 the local store cannot be written (disk full, read-only): nothing more can be recorded.`;

/** Resolves every secret the config names, so that --check fails now rather than at the first poll. */
function resolveAllSecrets(config: Config): void {
  for (const sw of config.switches) targetFromConfig(sw);
  const ix = config.influxdb;
  if (ix?.password !== undefined) resolveSecret(ix.password, 'influxdb.password');
  if (ix?.token !== undefined) resolveSecret(ix.token, 'influxdb.token');
  const pin = config.alerts?.channels?.sms?.pin;
  if (pin !== undefined) resolveSecret(pin, 'alerts.channels.sms.pin');
  if (config.dashboard.sessionSecret !== undefined) resolveSecret(config.dashboard.sessionSecret, 'dashboard.sessionSecret');
  for (const sw of config.switches) filtersFor(sw); // a missing or broken switch profile fails here
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', default: './ixmeter.yaml' }, check: { type: 'boolean' }, dump: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  const file = values.config!;
  const config = loadConfig(file);
  if (values.dump) {
    process.stdout.write(YAML.stringify(redact(config)));
    return 0;
  }
  configureLogging({ level: config.log.level, levels: config.log.levels });
  const log = getLogger('collector');
  resolveAllSecrets(config);
  if (values.check) {
    // Build, never start: the store is created (not opened), the collector stores its arguments.
    const store = createStore(config.store, { log: log.child('store') });
    createCollector(config, { store, log });
    try {
      if (config.metrics.listen) parseListen(config.metrics.listen);
      const members = resolveMembers(config); // parses the IX-F and PeeringDB files the config names
      // Latency probes: every target address (config and IX-F vlan_list) and the round's timing.
      if (config.latency) createLatency(config.latency, { store, nameOf: (asn) => members.get(asn)?.name.value, ixfFile: config.memberSources?.ixf }).targets();
    } catch (err) {
      throw new CliError(`${file}: ${(err as Error).message}`, 2);
    }
    process.stdout.write(`${file}: configuration OK (${config.switches.length} switch${config.switches.length === 1 ? '' : 'es'}, every ${config.polling.interval} s, store ${config.store.path}${config.influxdb ? `, InfluxDB ${config.influxdb.api} ${config.influxdb.url}` : ''})\n`);
    return 0;
  }
  if (config.switches.length === 0) throw new CliError(`${file}: no switches configured; add one under 'switches' (see config.example.yaml)`);

  let exitCode = 0;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => { finish = resolve; });
  const collector = createCollector(config, {
    log,
    onFatal: (err, code) => {
      log.error({ exitCode: code }, `${err.message}: stopping the collector rather than polling without a record`);
      exitCode = code;
      void collector.stop().finally(() => finish(code));
    },
  });
  const onSignal = (sig: NodeJS.Signals) => {
    log.info({ signal: sig }, 'stopping');
    void collector.stop().finally(() => finish(exitCode));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await collector.start();
  } catch (err) {
    await collector.stop().catch(() => {});
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    const e = err as Error & { code?: string; name?: string };
    if (e?.name === 'StoreError') throw new CliError(`${e.message} (check store.path in ${file})`, 1);
    throw err;
  }
  const code = await finished;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // A library handle that outlives stop() must not keep a stopped collector alive.
  setTimeout(() => process.exit(code), 3000).unref();
  return code;
}
