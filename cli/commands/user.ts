// `ixmeter user add|passwd|del|list`: manages the dashboard's users file (dashboard.usersFile, mode 0600).
// Passwords come from --password-file, IXMETER_PASSWORD or stdin/prompt; never from argv, never printed.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../collector/config/load.ts';
import { CliError, UsageError } from '../index.ts';
import { checkUser, hashPassword, loadUsers, saveUsers, UsersFileError, type UserRecord } from '../../dashboard/server/users.ts';

export const summary = 'Manage dashboard users: add, passwd, del, list';
export const help = `Usage: ixmeter user add NAME --role ROLE [--ixp ID] [--asn N ...] --config FILE
       ixmeter user passwd NAME --config FILE
       ixmeter user del NAME --config FILE
       ixmeter user list --config FILE

Roles: member (needs --ixp and at least one --asn), operator (needs --ixp),
reporter, admin. The users file is dashboard.usersFile (mode 0600).

The password is read from --password-file FILE, else the IXMETER_PASSWORD
environment variable, else standard input (prompted when it is a terminal).
It is never taken from the command line. At least 8 characters.

Options:
  -c, --config FILE        the YAML config (for dashboard.usersFile)
      --users FILE         the users file (instead of the config's)
      --role ROLE          member | operator | reporter | admin
      --ixp ID             the IXP of a member or operator
      --asn N              an ASN of a member (repeat for more)
      --password-file F    read the password from this file (first line)
`;

async function readPassword(file: string | undefined): Promise<string> {
  let pw: string | undefined;
  if (file) {
    try { pw = readFileSync(file, 'utf8').split(/\r?\n/)[0]; } catch (err) { throw new CliError(`--password-file ${file}: cannot read (${(err as NodeJS.ErrnoException).code})`, 2); }
  } else if (process.env.IXMETER_PASSWORD !== undefined) {
    pw = process.env.IXMETER_PASSWORD;
  } else {
    if (process.stdin.isTTY) process.stderr.write('Password: ');
    const rl = createInterface({ input: process.stdin, terminal: false });
    for await (const line of rl) { pw = line; break; }
    rl.close();
  }
  if (pw === undefined || pw.length < 8) throw new CliError('the password must have at least 8 characters', 2);
  return pw;
}

/** Runs one user subcommand. */
export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        config: { type: 'string', short: 'c' }, users: { type: 'string' }, role: { type: 'string' }, ixp: { type: 'string' },
        asn: { type: 'string', multiple: true }, 'password-file': { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [sub, name, ...extra] = positionals;
  if (!sub) throw new UsageError('say what to do: add, passwd, del or list');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}' (passwords are never given on the command line)`);
  const file = values.users ?? (values.config ? loadConfig(values.config).dashboard.usersFile : undefined);
  if (!file) throw new UsageError('--config FILE (or --users FILE) is required');
  let users: UserRecord[];
  try { users = loadUsers(file); } catch (err) { if (err instanceof UsersFileError) throw new CliError(err.message, 2); throw err; }

  if (sub === 'list') {
    if (name) throw new UsageError('list takes no name');
    for (const u of users) {
      const extraInfo = [u.ixp ? `ixp=${u.ixp}` : '', u.asns?.length ? `asn=${u.asns.join(',')}` : ''].filter(Boolean).join(' ');
      process.stdout.write(`${u.username}\t${u.role}${extraInfo ? `\t${extraInfo}` : ''}\n`);
    }
    return 0;
  }
  if (!name) throw new UsageError(`${sub} needs a user NAME`);
  const i = users.findIndex((u) => u.username === name);

  if (sub === 'add') {
    if (i >= 0) throw new CliError(`user '${name}' exists already (use \`ixmeter user passwd ${name}\`)`, 2);
    if (!values.role) throw new UsageError('--role is required');
    const asns = (values.asn ?? []).map((a) => {
      const n = Number(a.replace(/^AS/i, ''));
      if (!Number.isSafeInteger(n) || n < 1 || n > 4294967295) throw new UsageError(`--asn '${a}' is not an AS number`);
      return n;
    });
    const u: UserRecord = { username: name, role: values.role as UserRecord['role'], hash: 'scrypt$pending' };
    if (values.ixp) u.ixp = values.ixp;
    if (asns.length) u.asns = asns;
    const problems = checkUser(u, 'user').filter((p) => !p.includes('.hash'));
    if (problems.length) throw new UsageError(problems.join('; ').replace(/user\./g, '--'));
    u.hash = await hashPassword(await readPassword(values['password-file']));
    users.push(u);
    saveUsers(file, users);
    process.stdout.write(`added ${name} (${u.role}) to ${file}\n`);
    return 0;
  }
  if (i < 0) throw new CliError(`no user '${name}' in ${file}`, 2);
  if (sub === 'passwd') {
    users[i]!.hash = await hashPassword(await readPassword(values['password-file']));
    saveUsers(file, users);
    process.stdout.write(`password of ${name} changed\n`);
    return 0;
  }
  if (sub === 'del') {
    users.splice(i, 1);
    saveUsers(file, users);
    process.stdout.write(`deleted ${name}\n`);
    return 0;
  }
  throw new UsageError(`unknown subcommand '${sub}' (add, passwd, del, list)`);
}
