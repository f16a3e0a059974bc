// `ixmeter alerts test --channel sms|webhook|log`: sends one test message through one configured
// channel, directly (not through the outbox), and says plainly whether it got out. Exit 1 on failure.
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../index.ts';
import { loadConfig } from '../../collector/config/load.ts';
import { configureLogging, getLogger } from '../../collector/log.ts';
import { createChannels } from '../../collector/alerts/index.ts';
import { testMessage } from '../../collector/alerts/message.ts';

export const summary = 'Send a test alert through one channel (sms, webhook or log)';

export const help = `Usage: ixmeter alerts test --channel sms|webhook|log [--config FILE] [--to NUMBER]

Sends one test message through the channel as configured under alerts.channels, and reports
whether it was delivered. SMS goes to every alerts.channels.sms.recipients number (or only
--to NUMBER); the webhook gets one JSON POST (its "text" field is what Slack and Mattermost show).

Options:
  --channel NAME  sms, webhook or log
  --config FILE   the YAML config (default: $IXMETER_CONFIG or ./ixmeter.yaml)
  --to NUMBER     SMS only: send to this number (international format, e.g. +9607771234)
  --help          this text

Exit codes: 0 delivered, 1 not delivered (the reason is printed), 2 bad usage or bad config.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { channel: { type: 'string' }, config: { type: 'string' }, to: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals[0] !== 'test' || positionals.length !== 1) throw new UsageError(positionals.length ? `unknown subcommand '${positionals.join(' ')}'` : 'missing subcommand: test');
  const name = values.channel;
  if (name !== 'sms' && name !== 'webhook' && name !== 'log') throw new UsageError(`--channel must be sms, webhook or log${name ? ` (got '${name}')` : ''}`);
  const file = values.config ?? process.env.IXMETER_CONFIG ?? 'ixmeter.yaml';
  const config = loadConfig(file);
  configureLogging({ level: config.log.level, levels: config.log.levels });
  const log = getLogger('alerts');
  const chCfg = config.alerts.channels;
  if (name === 'webhook' && !chCfg.webhook) throw new CliError(`${file}: no webhook configured (alerts.channels.webhook.url)`, 2);
  if (name === 'sms' && !chCfg.sms) throw new CliError(`${file}: no SMS channel configured (alerts.channels.sms)`, 2);
  if (values.to !== undefined && name !== 'sms') throw new UsageError('--to only applies to --channel sms');
  if (values.to !== undefined && !/^\+[1-9][0-9]{5,14}$/.test(values.to)) throw new UsageError(`--to must be a number in international format such as +9607771234 (got '${values.to}')`);

  const only = { ...config.alerts, channels: { log: { enabled: name === 'log' }, webhook: name === 'webhook' ? chCfg.webhook : undefined, sms: name === 'sms' ? chCfg.sms : undefined } };
  const [channel] = createChannels(only, { log });
  const message = testMessage(config.ixp?.id?.toUpperCase() ?? 'IXP', name, Date.now());
  const recipients = values.to ? [values.to] : channel.recipients();
  const failures: string[] = [];
  try {
    for (const to of recipients) {
      const label = to ? `${name} to ${to}` : name;
      try {
        await channel.send(message, to);
        process.stdout.write(`ok: test alert sent via ${label}\n`);
      } catch (err) {
        failures.push(`${label}: ${(err as Error).message}`);
      }
    }
  } finally {
    await channel.close();
  }
  if (failures.length) throw new CliError(`test alert NOT delivered:\n  ${failures.join('\n  ')}`);
  return 0;
}
