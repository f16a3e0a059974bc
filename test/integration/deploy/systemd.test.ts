// The units as deployed, under a real systemd: a container (test/helpers/nspawn.ts) boots Debian's systemd as
// PID 1; deploy/install.sh installs a release into it; the collector polls a real snmpd over SNMPv3, forwards to a
// real influxd with a password and sends an SMS through a pty bound in as /dev/ixmeter-modem, all under the unit's
// hardening. Then the watchdog, a SIGKILL, fping's capability, an upgrade and a rollback.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync, realpathSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { bootContainer, type Container } from '../../helpers/nspawn.ts';
import { startProc, waitFor, type Proc } from '../../helpers/proc.ts';
import { startAtModem, type AtModem } from '../alerts/pty-modem.ts';

const ROOT = process.cwd();
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
const NEXT = `${VERSION}-next`;
/** The release name install.sh gives this tree: the package version, plus `git describe` in a git checkout (read from its output). */
let RELEASE = VERSION;
const UNIT = 'ixmeter-collector.service';
const DASH = 'ixmeter-dashboard.service';
const DB = '/var/lib/ixmeter/ixmeter.db';

// Secrets, random per run: none may appear in the journal.
const secret = () => randomBytes(12).toString('hex');
const S = { auth: `auth${secret()}`, priv: `priv${secret()}`, community: `comm${secret()}`, influx: `infl${secret()}`, pin: String(1000 + (randomBytes(2).readUInt16BE() % 9000)) };

let work: string;
let ct: Container | undefined;
let socat: Proc | undefined;
let modem: AtModem | undefined;
const t0 = Date.now();

const sh = (script: string, timeoutMs = 60_000) => ct!.run('sh', ['-c', script], { timeoutMs });
const show = async (unit: string, props: string[]) => {
  const out = await ct!.run('systemctl', ['show', unit, ...props.map((p) => `--property=${p}`)]);
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
};
const sql = async (q: string) => (await ct!.run('sqlite3', ['-readonly', DB, q])).trim();
const mainPid = async () => Number((await show(UNIT, ['MainPID'])).MainPID);
const journal = (args: string[] = []) => ct!.run('journalctl', ['--no-pager', '-o', 'cat', ...args]);
const okPolls = async () => Number(await sql("SELECT count(*) FROM polls WHERE switch='sw1' AND ok=1"));

async function waitActive(unit: string, notPid?: number, timeoutMs = 60_000): Promise<number> {
  return waitFor(`${unit} active/running${notPid ? ` with a new main PID (not ${notPid})` : ''}`, async () => {
    const p = await show(unit, ['ActiveState', 'SubState', 'MainPID']);
    const pid = Number(p.MainPID);
    return p.ActiveState === 'active' && p.SubState === 'running' && pid > 0 && pid !== notPid ? pid : undefined;
  }, timeoutMs, 200);
}

const CONFIG = `# written by test/integration/deploy/systemd.test.ts
ixp: {id: lab, name: Container IXP}
switches:
  - name: sw1
    host: 127.0.0.1
    port: 1161
    snmp: {version: "3", user: ixmtest, authProtocol: sha, authKey: {file: /etc/ixmeter/secrets/snmp-auth}, privProtocol: aes, privKey: {file: /etc/ixmeter/secrets/snmp-priv}}
    timeout: 1
    retries: 1
  - name: gone
    host: 127.0.0.1
    port: 1162
    snmp: {version: "2c", community: {file: /etc/ixmeter/secrets/community}}
    timeout: 0.5
    retries: 0
polling: {interval: 2, maxGapIntervals: 3}
store: {path: ${DB}}
influxdb: {url: "http://127.0.0.1:8086", api: v1, database: ixmeter, username: ixmwriter, password: {file: /etc/ixmeter/secrets/influx}, timeout: 5}
alerts:
  pendingPolls: 1
  channels:
    sms: {device: /dev/ixmeter-modem, recipients: ["+9607771234"], pin: {file: /etc/ixmeter/secrets/pin}, timeout: 2}
dashboard: {listen: "127.0.0.1:3000"}
`;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-systemd-'));
  try {
    const share = path.join(work, 'share');
    mkdirSync(share);
    // A second release: the same tree under another version (node_modules from the first: nothing to download).
    const next = path.join(work, 'src-next');
    mkdirSync(next);
    execFileSync('sh', ['-c', `tar -C "${ROOT}" --exclude=./.git --exclude=./node_modules --exclude='./*.db*' -cf - . | tar -C "${next}" -xf -`]);
    const pkg = readFileSync(path.join(next, 'package.json'), 'utf8').replace(`  "version": "${VERSION}",`, `  "version": "${NEXT}",`);
    writeFileSync(path.join(next, 'package.json'), pkg);
    symlinkSync('/srv/ixmeter/node_modules', path.join(next, 'node_modules'));

    // The modem: a pty pair; the collector's end is bound into the container as /dev/ixmeter-modem (group dialout).
    socat = startProc('socat', ['-d', '-d', `pty,raw,echo=0,link=${work}/modem-dev,perm=0660,group=dialout`, `pty,raw,echo=0,link=${work}/modem-far`]);
    await waitFor('socat pty pair', () => existsSync(`${work}/modem-dev`) && /starting data transfer loop/.test(socat!.output()), 10_000, 20);
    modem = await startAtModem(`${work}/modem-far`, { pin: S.pin });

    writeFileSync(path.join(share, 'ixmeter.yaml'), CONFIG);
    for (const [f, v] of [['snmp-auth', S.auth], ['snmp-priv', S.priv], ['community', S.community], ['influx', S.influx], ['pin', S.pin]]) writeFileSync(path.join(share, f), `${v}\n`, { mode: 0o600 });
    // The switch: snmpd answering SNMPv3 authPriv on the container's own loopback.
    writeFileSync(path.join(share, 'snmpd.conf'), [
      'agentAddress udp:127.0.0.1:1161', `createUser ixmtest SHA "${S.auth}" AES "${S.priv}"`, 'rouser ixmtest priv',
      'sysName container-sw1', 'dontLogTCPWrappersConnects yes', ''].join('\n'), { mode: 0o600 });
    writeFileSync(path.join(share, 'influxdb.conf'), `reporting-enabled = false
bind-address = "127.0.0.1:8088"
[meta]
  dir = "/run/ixt-influx/meta"
  logging-enabled = false
[data]
  dir = "/run/ixt-influx/data"
  wal-dir = "/run/ixt-influx/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:8086"
  auth-enabled = true
  log-enabled = false
[continuous_queries]
  enabled = false
`);

    ct = await bootContainer({
      binds: [
        { src: ROOT, dest: '/srv/ixmeter' },
        { src: next, dest: '/srv/ixmeter-next' },
        { src: share, dest: '/mnt/ixt' },
        { src: realpathSync(`${work}/modem-dev`), dest: '/dev/ixmeter-modem', ro: false },
        // netbase's files, on every Debian box but not in the container's empty /etc: fping looks up "icmp" there.
        { src: '/etc/protocols', dest: '/etc/protocols' },
        { src: '/etc/services', dest: '/etc/services' },
      ],
      // The host's /usr is read-only in the container; install.sh links /usr/local/bin/ixmeter.
      tmpfs: ['/usr/local/bin'],
      // Only a loopback in here: network-online.target would wait 2 minutes for a link that never comes.
      mask: ['systemd-networkd-wait-online.service'],
    });
    // The switch and the central InfluxDB, as transient units of the container's systemd.
    await ct.run('systemd-run', ['--unit=ixt-switch', '--setenv=MIBS=', '--setenv=SNMP_PERSISTENT_DIR=/run/ixt-snmp', '/usr/sbin/snmpd', '-f', '-Lo', '-C', '-c', '/mnt/ixt/snmpd.conf']);
    await ct.run('systemd-run', ['--unit=ixt-influxdb', '/usr/bin/influxd', 'run', '-config', '/mnt/ixt/influxdb.conf']);
    await waitFor('influxd in the container', async () => (await ct!.exec('curl', ['-sf', '-o', '/dev/null', 'http://127.0.0.1:8086/ping'])).code === 0, 30_000, 200);
    const q = (query: string) => ct!.run('curl', ['-sf', '-XPOST', 'http://127.0.0.1:8086/query', '-u', `admin:${S.influx}`, '--data-urlencode', `q=${query}`]);
    await ct.run('curl', ['-sf', '-XPOST', 'http://127.0.0.1:8086/query', '--data-urlencode', `q=CREATE USER admin WITH PASSWORD '${S.influx}' WITH ALL PRIVILEGES`]);
    await q('CREATE DATABASE ixmeter');
    await q(`CREATE USER ixmwriter WITH PASSWORD '${S.influx}'`);
    await q('GRANT WRITE ON ixmeter TO ixmwriter');
    await waitFor('snmpd in the container', async () => (await ct!.exec('snmpget', ['-v3', '-l', 'authPriv', '-u', 'ixmtest', '-a', 'SHA', '-A', S.auth, '-x', 'AES', '-X', S.priv, '-On', '127.0.0.1:1161', '1.3.6.1.2.1.1.3.0'])).code === 0, 20_000, 200);
  } catch (e) {
    process.stderr.write(`setup failed: ${(e as Error).message}\n`);
    throw e;
  }
}, 180_000);

afterAll(async () => {
  try { await ct?.stop(); } finally {
    await modem?.stop().catch(() => {});
    await socat?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    process.stderr.write(`systemd.test.ts: ${((Date.now() - t0) / 1000).toFixed(1)} s from setup to teardown\n`);
  }
}, 60_000);

describe('deploy/install.sh into a running systemd', () => {
  it('installs user, folders, release and both units; a second run changes nothing', async () => {
    const first = await ct!.exec('/srv/ixmeter/deploy/install.sh', ['--role', 'collector', '--dashboard', '--skip-build'], { timeoutMs: 120_000 });
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain('created system user ixmeter');
    expect(first.out).toContain(`installed release ${VERSION}`);
    RELEASE = /installed release (\S+)/.exec(first.out)![1]!;
    expect(first.out).toContain(`enabled ${UNIT}`);
    expect(first.out).toContain(`enabled ${DASH}`);
    expect((await ct!.run('id', ['-nG', 'ixmeter'])).split(/\s+/)).toContain('dialout');
    expect((await ct!.run('stat', ['-c', '%a %U:%G', '/etc/ixmeter', '/etc/ixmeter/secrets', '/var/lib/ixmeter'])).trim().split('\n'))
      .toEqual(['750 root:ixmeter', '700 ixmeter:ixmeter', '750 ixmeter:ixmeter']);
    expect((await ct!.run('readlink', ['/opt/ixmeter/current'])).trim()).toBe(`releases/${RELEASE}`);
    expect((await ct!.run('systemctl', ['is-enabled', UNIT, DASH])).trim().split('\n')).toEqual(['enabled', 'enabled']);

    const second = await ct!.exec('/srv/ixmeter/deploy/install.sh', ['--role', 'collector', '--dashboard', '--skip-build'], { timeoutMs: 120_000 });
    expect(second.code, second.out).toBe(0);
    expect(second.out.trim()).toBe(`install.sh: nothing to do: release ${RELEASE} already installed`);
  }, 180_000);

  it('both units start with a real config and reach active/running; READY=1 comes after the store is open', async () => {
    await sh(`install -m 0640 -o root -g ixmeter /mnt/ixt/ixmeter.yaml /etc/ixmeter/ixmeter.yaml
      for f in snmp-auth snmp-priv community influx pin; do install -m 0600 -o ixmeter -g ixmeter /mnt/ixt/$f /etc/ixmeter/secrets/$f; done`);
    await ct!.run('systemctl', ['start', UNIT, DASH], { timeoutMs: 120_000 });
    const pid = await waitActive(UNIT);
    await waitActive(DASH);
    const p = await show(UNIT, ['Type', 'NRestarts', 'ExecMainStartTimestampMonotonic', 'ActiveEnterTimestampMonotonic', 'WatchdogUSec']);
    expect(p.Type).toBe('notify');
    expect(p.WatchdogUSec).not.toBe('0');
    // systemctl start returned only after READY=1: by then the collector had opened (and migrated) its store.
    const lines = (await journal(['-u', UNIT, '-o', 'short-monotonic', '--output-fields=MESSAGE'])).split('\n');
    const started = lines.findIndex((l) => l.includes('collector started'));
    const ready = lines.findIndex((l) => /Started ixmeter-collector\.service/.test(l));
    expect(started, lines.join('\n')).toBeGreaterThanOrEqual(0);
    expect(ready, lines.join('\n')).toBeGreaterThan(started);
    expect(Number(p.ActiveEnterTimestampMonotonic)).toBeGreaterThan(Number(p.ExecMainStartTimestampMonotonic));
    process.stdout.write(`collector start-up under systemd (exec to READY=1): ${((Number(p.ActiveEnterTimestampMonotonic) - Number(p.ExecMainStartTimestampMonotonic)) / 1000).toFixed(0)} ms\n`);
    expect(await sql("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='polls'")).toBe('1');
    // It polls, under the unit's user.
    await waitFor('three good polls of sw1', async () => (await okPolls()) >= 3, 30_000, 500);
    expect((await ct!.run('ps', ['-o', 'user=', '-p', String(pid)])).trim()).toBe('ixmeter');
    // The dashboard (Type=simple: active once started) answers on its loopback port, reading the local store.
    const health = await waitFor('the dashboard on 127.0.0.1:3000', async () => {
      const r = await ct!.exec('curl', ['-sf', 'http://127.0.0.1:3000/api/health']);
      return r.code === 0 ? JSON.parse(r.stdout) as { ok: boolean; reader: string; version: string } : undefined;
    }, 30_000, 300);
    expect(health).toMatchObject({ ok: true, reader: 'sqlite', version: VERSION });
    expect((await ct!.run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:3000/']))).toBe('200');
  }, 180_000);

  it('systemctl status shows the poll loop\'s status text', async () => {
    const status = await waitFor('a STATUS= line from the collector', async () => {
      const s = (await show(UNIT, ['StatusText'])).StatusText;
      return s && /sw1/.test(s) ? s : undefined;
    }, 30_000, 500);
    expect(status).toMatch(/sw1 ok/);
    expect(status).toMatch(/gone failing/);
    const out = (await ct!.exec('systemctl', ['status', '--no-pager', UNIT])).out;
    expect(out).toContain(`Status: "${status}`.slice(0, 30));
  }, 60_000);

  it('hardening does not break the program: the SMS goes out through the serial device; forwarding reaches InfluxDB', async () => {
    // The unreachable switch fires an alert after one failed poll; the SMS channel opens /dev/ixmeter-modem.
    await waitFor('an SMS through the modem', () => modem!.messages.length > 0, 60_000, 200);
    expect(modem!.messages[0].to).toBe('+9607771234');
    expect(modem!.messages[0].text).toMatch(/gone/);
    expect(modem!.commands).toContain(`AT+CPIN="${S.pin}"`);
    const counted = await waitFor('points in InfluxDB', async () => {
      const r = await ct!.exec('curl', ['-sf', '-G', 'http://127.0.0.1:8086/query', '-u', `admin:${S.influx}`, '--data-urlencode', 'db=ixmeter', '--data-urlencode', 'q=SHOW MEASUREMENTS']);
      return r.code === 0 && /ixp_poll/.test(r.stdout) ? r.stdout : undefined;
    }, 60_000, 500);
    expect(counted).toContain('ixp_poll');
  }, 120_000);

  it('the collector writes only under /var/lib/ixmeter, and opens the modem under DevicePolicy=closed', async () => {
    const p = await show(UNIT, ['ProtectSystem', 'DevicePolicy', 'NoNewPrivileges']);
    expect(p).toEqual({ ProtectSystem: 'strict', DevicePolicy: 'closed', NoNewPrivileges: 'yes' });
    // Places the ixmeter user may write by file permissions alone: its secrets folder and a world-writable one.
    await sh('mkdir -p -m 1777 /srv/open');
    const script = 'for f in /etc/ixmeter/secrets/probe /srv/open/probe /var/lib/ixmeter/probe; do (echo > $f) 2>/dev/null && echo "wrote $f"; done; ' +
      '(exec 3<>/dev/ixmeter-modem) && echo "opened modem"; true';
    try {
      // The collector's own [Service] settings, as a transient service running a shell.
      const probe = await runUnderCollectorHardening('probe', ['/bin/sh', '-c', script]);
      expect(probe.out.trim().split('\n').sort()).toEqual(['opened modem', 'wrote /var/lib/ixmeter/probe']);
      // The same user without the sandbox writes all three: the refusals above are the unit's doing.
      const bare = await ct!.exec('systemd-run', ['--wait', '--pipe', '--quiet', '-p', 'User=ixmeter', '-p', 'SupplementaryGroups=dialout', '/bin/sh', '-c', script]);
      expect(bare.out).toContain('wrote /etc/ixmeter/secrets/probe');
      expect(bare.out).toContain('wrote /srv/open/probe');
    } finally {
      await sh('rm -f /etc/ixmeter/secrets/probe /srv/open/probe /var/lib/ixmeter/probe');
    }
    // DevicePolicy=closed is shown here not to break the modem only: systemd inside this container gets no device
    // cgroup (a mknod'ed node of a major outside DeviceAllow opens just as well), so the refusal of other devices
    // cannot be observed in it. On a Pi the policy is enforced by the kernel.
  }, 60_000);

  it('fping runs under the collector\'s hardening with exactly CAP_NET_RAW, and fails without it', async () => {
    const p = await show(UNIT, ['CapabilityBoundingSet', 'AmbientCapabilities']);
    expect(p.CapabilityBoundingSet).toBe('cap_net_raw');
    expect(p.AmbientCapabilities).toBe('cap_net_raw');
    const ok = await runUnderCollectorHardening('fping', ['/usr/bin/fping', '-c', '2', '-p', '100', '127.0.0.1']);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/127\.0\.0\.1 : xmt\/rcv\/%loss = 2\/2\/0%/);
    // Without the ambient capability: NoNewPrivileges ignores fping's file capability, so no raw socket.
    const noAmbient = await runUnderCollectorHardening('fping-noambient', ['/usr/bin/fping', '-c', '1', '127.0.0.1'], { AmbientCapabilities: '' });
    expect(noAmbient.code).not.toBe(0);
    expect(noAmbient.out).toContain("can't create socket");
    // With an empty bounding set (the unit before latency probing) the kernel refuses to run fping at all.
    const none = await runUnderCollectorHardening('fping-nocap', ['/usr/bin/fping', '-c', '1', '127.0.0.1'], { CapabilityBoundingSet: '', AmbientCapabilities: '' });
    expect(none.code).not.toBe(0);
    expect(none.out).not.toContain('xmt/rcv');
  }, 60_000);

  it('systemd-analyze security of both units', async () => {
    for (const u of [UNIT, DASH]) {
      const r = await ct!.exec('systemd-analyze', ['security', '--no-pager', u]);
      process.stdout.write(`\n--- systemd-analyze security ${u}\n${r.out}\n`);
      const m = r.out.match(/Overall exposure level for \S+: ([\d.]+) (\S+)/);
      expect(m, r.out).not.toBeNull();
      expect(Number(m![1])).toBeLessThan(u === UNIT ? 3 : 2.5);
      expect(['OK', 'SAFE', 'PERFECT']).toContain(m![2].replace(/[^A-Z]/g, ''));
    }
  }, 60_000);
});

describe('the watchdog and restarts', () => {
  it('a wedged collector (SIGSTOP) is killed and restarted within WatchdogSec', async () => {
    // The unit's own WatchdogSec is 180 s (a Pi's slow disk); a drop-in shortens it so the test does not wait 3 minutes.
    await sh('mkdir -p /etc/systemd/system/ixmeter-collector.service.d && printf "[Service]\\nWatchdogSec=8s\\n" > /etc/systemd/system/ixmeter-collector.service.d/zz-test.conf && systemctl daemon-reload && systemctl restart ixmeter-collector');
    const pid = await waitActive(UNIT);
    await waitFor('polls after the restart', async () => (await okPolls()) >= 8, 30_000, 500);
    const before = Number((await show(UNIT, ['NRestarts'])).NRestarts);
    const stoppedAt = Date.now();
    await ct!.run('kill', ['-STOP', String(pid)]);
    const newPid = await waitActive(UNIT, pid, 60_000);
    process.stdout.write(`SIGSTOP to active/running again: ${Date.now() - stoppedAt} ms (WatchdogSec=8s + RestartSec=10s)\n`);
    const p = await show(UNIT, ['NRestarts']);
    expect(Number(p.NRestarts)).toBe(before + 1);
    const log = await journal(['-u', UNIT, '--since', `@${Math.floor(stoppedAt / 1000) - 1}`]);
    expect(log).toMatch(/Watchdog timeout \(limit 8s\)/);
    expect(newPid).not.toBe(pid);
    // The watchdog's SIGABRT leaves no core dump in the state folder (a Pi's SD card would fill with them).
    expect((await ct!.run('ls', ['-A', '/var/lib/ixmeter'])).split('\n').filter((f) => /core/.test(f))).toEqual([]);
  }, 120_000);

  it('a SIGKILL is restarted after RestartSec; the store is intact and polls resume from the last sample with a gap', async () => {
    const pid = await mainPid();
    await waitFor('polls', async () => (await okPolls()) >= 3, 30_000, 500);
    const lastT = Number(await sql("SELECT max(t) FROM polls WHERE switch='sw1' AND ok=1"));
    const killedAt = Date.now();
    await ct!.run('kill', ['-KILL', String(pid)]);
    await waitActive(UNIT, pid, 60_000);
    const restartedAfter = Date.now() - killedAt;
    process.stdout.write(`SIGKILL to active/running again: ${restartedAfter} ms (RestartSec=10s)\n`);
    expect(restartedAfter).toBeGreaterThanOrEqual(10_000); // RestartSec=10s
    await waitFor('two polls after the restart', async () => Number(await sql(`SELECT count(*) FROM polls WHERE switch='sw1' AND ok=1 AND t > ${lastT}`)) >= 2, 30_000, 500);
    expect(await sql('PRAGMA integrity_check')).toBe('ok');
    // The first interval after the restart spans the outage: longer than maxGapIntervals x interval, so a gap row
    // (every rate NULL), and no rate was computed across it.
    const first = Number(await sql(`SELECT min(t) FROM polls WHERE switch='sw1' AND ok=1 AND t > ${lastT}`));
    const rows = (await sql(`SELECT r.gap, r.interval, r.in_bps FROM rates r JOIN ports p ON p.id = r.port_id WHERE p.switch='sw1' AND r.t = ${first}`)).split('\n');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [gap, interval, inBps] = row.split('|');
      expect(gap, row).not.toBe('');
      expect(Number(interval)).toBeGreaterThan(6);
      expect(inBps).toBe('');
    }
    // And normal rates resume (the restarted collector took its `prev` from the store). Under load the restarted
    // collector's start-up work (store checks, member figures) can delay its first polls, so wait for them.
    const normal = () => sql(`SELECT count(*) FROM rates r JOIN ports p ON p.id = r.port_id WHERE p.switch='sw1' AND r.t > ${first} AND r.gap IS NULL AND r.in_bps IS NOT NULL`);
    await waitFor('a normal rate after the restart', async () => Number(await normal()) > 0, 30_000, 500);
    expect(Number(await normal())).toBeGreaterThan(0);
  }, 120_000);
});

describe('upgrade and rollback with install.sh', () => {
  it('an upgrade to a second release keeps the store and restarts the running collector', async () => {
    const pid = await mainPid();
    const polls = await okPolls();
    const r = await ct!.exec('/srv/ixmeter-next/deploy/install.sh', ['--role', 'collector', '--dashboard', '--skip-build'], { timeoutMs: 120_000 });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`installed release ${NEXT}`);
    expect(r.out).toContain(`current -> releases/${NEXT}`);
    expect(r.out).toMatch(/restarted ixmeter-collector.service/);
    const newPid = await waitActive(UNIT, pid);
    expect((await ct!.run('readlink', [`/proc/${newPid}/cwd`])).trim()).toBe('/var/lib/ixmeter');
    expect((await ct!.run('cat', [`/proc/${newPid}/cmdline`])).replace(/\0/g, ' ')).toContain('/opt/ixmeter/current/bin/ixmeter.mjs run');
    expect((await ct!.run('ls', ['/opt/ixmeter/releases'])).trim().split('\n').sort()).toEqual([RELEASE, NEXT].sort());
    await waitFor('polls with the new release', async () => (await okPolls()) >= polls + 2, 30_000, 500);
    expect(await sql('PRAGMA integrity_check')).toBe('ok');
    // The config and secrets were not touched.
    expect(await ct!.run('cat', ['/etc/ixmeter/ixmeter.yaml'])).toBe(CONFIG);
  }, 180_000);

  it('install.sh --rollback refuses a release that does not know the store\'s schema', async () => {
    const pid = await mainPid();
    // As if the new release had applied a migration the first one lacks.
    await ct!.run('sqlite3', [DB, 'INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)']);
    try {
      const r = await ct!.exec('/srv/ixmeter-next/deploy/install.sh', ['--rollback']);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`the store ${DB} has schema migration(s) 999 that release ${RELEASE} does not know`);
      expect((await ct!.run('readlink', ['/opt/ixmeter/current'])).trim()).toBe(`releases/${NEXT}`);
      expect(await mainPid()).toBe(pid);
    } finally {
      await ct!.run('sqlite3', [DB, 'DELETE FROM schema_migrations WHERE version = 999']);
    }
  }, 60_000);

  it('install.sh --rollback goes back to the first release, keeps the store and restarts cleanly', async () => {
    const pid = await mainPid();
    const polls = await okPolls();
    const r = await ct!.exec('/srv/ixmeter-next/deploy/install.sh', ['--rollback'], { timeoutMs: 120_000 });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`current -> releases/${RELEASE} (was ${NEXT})`);
    expect(r.out).toContain(`restarted ${UNIT}`);
    expect(r.out).toContain(`restarted ${DASH}`);
    await waitActive(UNIT, pid);
    expect((await ct!.run('readlink', ['/opt/ixmeter/current'])).trim()).toBe(`releases/${RELEASE}`);
    await waitFor('polls after the rollback', async () => (await okPolls()) >= polls + 2, 30_000, 500);
    expect(await sql('PRAGMA integrity_check')).toBe('ok');
    expect((await show(UNIT, ['Result'])).Result).toBe('success');
    // Both releases are still there, for the next upgrade or a roll forward.
    expect((await ct!.run('ls', ['/opt/ixmeter/releases'])).trim().split('\n').sort()).toEqual([RELEASE, NEXT].sort());
    const again = await ct!.exec('/srv/ixmeter-next/deploy/install.sh', ['--rollback', RELEASE]);
    expect(again.out).toContain(`release ${RELEASE} is already current: nothing to do`);
    const missing = await ct!.exec('/srv/ixmeter-next/deploy/install.sh', ['--rollback', '9.9.9']);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('release 9.9.9 is not installed');
  }, 180_000);

  it('the journal of the whole run holds none of the secrets', async () => {
    const all = await journal([]);
    expect(all).toContain('collector started');
    for (const [name, v] of Object.entries(S)) {
      if (name === 'pin') continue; // 4 digits may occur by chance; the PIN is checked in context below
      expect(all.includes(v), `secret ${name} in the journal`).toBe(false);
    }
    expect(all).not.toMatch(new RegExp(`CPIN="?${S.pin}`));
    expect(all).not.toMatch(new RegExp(`pin\\W{1,4}${S.pin}`, 'i'));
  }, 60_000);
});

/**
 * Runs `cmd` as a transient service carrying the collector unit's own [Service] settings (user, sandbox, device
 * and capability sets), read from the unit file installed in the container; `override` replaces some of them.
 */
async function runUnderCollectorHardening(name: string, cmd: string[], override: Record<string, string> = {}) {
  const text = await ct!.run('cat', [`/etc/systemd/system/${UNIT}`]);
  const section = text.slice(text.indexOf('[Service]') + 9, text.indexOf('[Install]'));
  const skip = /^(Type|NotifyAccess|ExecStart|Restart|RestartSec|TimeoutStartSec|TimeoutStopSec|WatchdogSec|StateDirectory|StateDirectoryMode|EnvironmentFile)$/;
  const props: string[] = [];
  for (const line of section.split('\n')) {
    const m = line.match(/^([A-Za-z]+)=(.*)$/);
    if (!m || skip.test(m[1]) || m[1] in override) continue;
    props.push('-p', `${m[1]}=${m[2]}`);
  }
  for (const [k, v] of Object.entries(override)) props.push('-p', `${k}=${v}`);
  return ct!.exec('systemd-run', ['--wait', '--pipe', '--quiet', `--unit=ixt-${name}-${randomBytes(3).toString('hex')}`, ...props, '--', ...cmd], { timeoutMs: 30_000 });
}

