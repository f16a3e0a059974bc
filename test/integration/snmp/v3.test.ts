// SNMPv3 authPriv (SHA/AES-128, SHA-256/AES-256 Blumenthal and Reeder) against Debian's snmpsim
// with users of those protocols, and clear errors naming the switch for wrong keys or community.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, cpSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SNMPREC_DIR } from '../../helpers/snmpsim.ts';
import { freeUdpPort } from '../../helpers/ports.ts';
import { startProc, waitFor, execFileP, type Proc } from '../../helpers/proc.ts';
import { run as discover } from '../../../cli/commands/discover.ts';

// snmpsim 0.4.5 (pysnmp) names: AES256BLMT = Blumenthal (net-snmp aes256b), AES256 = Reeder (aes256r).
const USERS = [
  { user: 'ixm-sha-aes', auth: 'sha', authSim: 'SHA', authKey: 'auth-key-sha1', priv: 'aes', privSim: 'AES', privKey: 'priv-key-aes128' },
  { user: 'ixm-sha256-aes256b', auth: 'sha256', authSim: 'SHA256', authKey: 'auth-key-sha256b', priv: 'aes256b', privSim: 'AES256BLMT', privKey: 'priv-key-aes256b' },
  { user: 'ixm-sha256-aes256r', auth: 'sha256', authSim: 'SHA256', authKey: 'auth-key-sha256r', priv: 'aes256r', privSim: 'AES256', privKey: 'priv-key-aes256r' },
];
const COMMUNITY = 'routeros_crs317';

let work: string;
let proc: Proc;
let port: number;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-snmpv3-'));
  chmodSync(work, 0o755);
  const data = path.join(work, 'data');
  const cache = path.join(work, 'cache');
  cpSync(path.join(SNMPREC_DIR, `${COMMUNITY}.snmprec`), path.join(data, `${COMMUNITY}.snmprec`));
  await execFileP('mkdir', ['-p', cache]);
  await execFileP('chmod', ['-R', 'a+rX', data]);
  await execFileP('chown', ['nobody:nogroup', cache]);
  port = await freeUdpPort();
  const users = USERS.flatMap((u) => [`--v3-user=${u.user}`, `--v3-auth-key=${u.authKey}`, `--v3-auth-proto=${u.authSim}`, `--v3-priv-key=${u.privKey}`, `--v3-priv-proto=${u.privSim}`]);
  proc = startProc('/usr/bin/snmpsimd', [`--data-dir=${data}`, `--cache-dir=${cache}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    '--process-user=nobody', '--process-group=nogroup', '--logging-method=null', ...users]);
  await waitFor('snmpsim v3', async () => {
    if (proc.child.exitCode !== null) throw new Error(`snmpsim exited: ${proc.output()}`);
    await execFileP('snmpget', ['-v2c', '-c', COMMUNITY, '-t', '0.3', '-r', '0', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.3.0']);
    return true;
  }, 30_000, 200);
});
afterAll(async () => {
  await proc?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return execFileP('node', ['bin/ixmeter.mjs', ...args], { env: { ...process.env, ...env } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
}

async function inProcess(args: string[]): Promise<unknown> {
  let out = '';
  const code = await discover([...args, '--json'], { out: (s) => { out += s; } });
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe('SNMPv3 authPriv', () => {
  it.each(USERS)('$auth/$priv reads the same as v2c', async (u) => {
    const target = ['--target', `127.0.0.1:${port}`];
    const [v2, v3] = await Promise.all([
      inProcess([...target, '--community', COMMUNITY]),
      inProcess([...target, '--v3-user', u.user, '--auth-protocol', u.auth, '--auth-key', u.authKey, '--priv-protocol', u.priv, '--priv-key', u.privKey, '--context', COMMUNITY]),
    ]);
    expect((v3 as { interfaces: unknown[] }).interfaces.length).toBe(20);
    expect(v3).toEqual(v2);
  });

  it('takes keys from the environment and never prints them; a wrong auth key is a clear error', async () => {
    const u = USERS[0];
    const [ok, bad] = await Promise.all([cli(['discover', '--target', `127.0.0.1:${port}`, '--name', 'sw-v3', '--v3-user', u.user, '--auth-protocol', u.auth, '--priv-protocol', u.priv,
      '--auth-key-env', 'MY_AUTH', '--context', COMMUNITY, '--json'], { MY_AUTH: u.authKey, IXMETER_SNMP_PRIV_KEY: u.privKey }),
    cli(['discover', '--target', `127.0.0.1:${port}`, '--name', 'sw-v3', '--v3-user', u.user, '--auth-protocol', u.auth, '--priv-protocol', u.priv,
      '--context', COMMUNITY, '--timeout', '1', '--retries', '0'], { IXMETER_SNMP_AUTH_KEY: 'wrong-auth-key', IXMETER_SNMP_PRIV_KEY: u.privKey })]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).interfaces).toHaveLength(20);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe(`ixmeter discover: switch sw-v3 (127.0.0.1:${port}): get system: SNMPv3 wrong authentication key or protocol`);
    expect(bad.stderr).not.toContain('wrong-auth-key');
    expect(bad.stderr).not.toContain(u.privKey);
  });

  it('a wrong privacy key or auth protocol fails with exit 1 naming the switch', async () => {
    const u = USERS[1];
    const base = ['discover', '--target', `127.0.0.1:${port}`, '--name', 'sw-v3', '--v3-user', u.user, '--context', COMMUNITY, '--timeout', '0.5', '--retries', '0'];
    const [priv, proto] = await Promise.all([
      cli([...base, '--auth-protocol', u.auth, '--priv-protocol', u.priv], { IXMETER_SNMP_AUTH_KEY: u.authKey, IXMETER_SNMP_PRIV_KEY: 'wrong-priv-key' }),
      cli([...base, '--auth-protocol', 'sha', '--priv-protocol', u.priv], { IXMETER_SNMP_AUTH_KEY: u.authKey, IXMETER_SNMP_PRIV_KEY: u.privKey }),
    ]);
    expect(priv.code).toBe(1);
    expect(priv.stderr.trim()).toMatch(new RegExp(`^ixmeter discover: switch sw-v3 \\(127\\.0\\.0\\.1:${port}\\): get system: .*(privacy key|no answer)`));
    expect(priv.stderr).not.toContain('wrong-priv-key');
    expect(proto.code).toBe(1);
    expect(proto.stderr.trim()).toMatch(new RegExp(`^ixmeter discover: switch sw-v3 \\(127\\.0\\.0\\.1:${port}\\): get system: SNMPv3 (wrong authentication key or protocol|could not decrypt the response \\(wrong privacy key, or wrong auth or privacy protocol\\))$`));
  });

  it('bad usage exits 2 without touching the network', async () => {
    const r = await cli(['discover', '--target', `127.0.0.1:${port}`, '--v3-user', 'x', '--auth-protocol', 'md5', '--auth-key', 'abcdefgh', '--priv-protocol', 'aes', '--priv-key', 'abcdefgh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--auth-protocol must be sha or sha256, not "md5"');
  });
});
