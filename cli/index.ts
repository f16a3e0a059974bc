// The `ixmeter` command line: finds the command, runs it, maps errors to exit codes
// (0 ok, 1 runtime failure, 2 bad usage or bad config). Each command lives in commands/<name>.ts
// and exports `summary`, `help` and `run(argv)`. No command logic here.
import { ConfigError } from '../collector/config/load.ts';
import { SecretError } from '../collector/config/secrets.ts';

export interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

/** Thrown for a user mistake on the command line: printed with the command's usage, exit 2. */
export class UsageError extends Error {}

/** A runtime failure worth one clear line and no stack trace (unreachable switch, bad credentials...). Exit 1 or `code`. */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) { super(message); }
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  start: () => import('./commands/start.ts'),
  demo: () => import('./commands/demo.ts'),
  discover: () => import('./commands/discover.ts'),
  poll: () => import('./commands/poll.ts'),
  run: () => import('./commands/run.ts'),
  check: () => import('./commands/check.ts'),
  status: () => import('./commands/status.ts'),
  serve: () => import('./commands/serve.ts'),
  user: () => import('./commands/user.ts'),
  members: () => import('./commands/members.ts'),
  import: () => import('./commands/import.ts'),
  report: () => import('./commands/report.ts'),
  alerts: () => import('./commands/alerts.ts'),
  latency: () => import('./commands/latency.ts'),
  sflow: () => import('./commands/sflow.ts'),
};

async function usage(): Promise<string> {
  const lines = ['Usage: ixmeter <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    let summary = '';
    try { summary = (await load()).summary; } catch { summary = '(not available)'; }
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', 'Run `ixmeter <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await usage()) + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    const { VERSION } = await import('../collector/paths.ts');
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`ixmeter: unknown command '${name}'\n\n${await usage()}\n`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.help.trimEnd() + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ixmeter ${name}: ${err.message}\n\n${cmd.help.trimEnd()}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`ixmeter ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof SecretError) {
      process.stderr.write(`ixmeter ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`ixmeter ${name}: ${err.message}\n`);
      return err.code;
    }
    // parseArgs errors are usage errors.
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`ixmeter ${name}: ${(err as Error).message}\n\n${cmd.help.trimEnd()}\n`);
      return 2;
    }
    process.stderr.write(`ixmeter ${name}: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
