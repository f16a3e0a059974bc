// deploy/ checked with the real tools: systemd-analyze verify on every unit, nginx -t on the site with a
// self-signed certificate, the InfluxDB 1.x setup script against a real influxd, install.sh staged twice.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync, mkdirSync, cpSync, readlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';

const ROOT = process.cwd();
let dir: string;
beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'ixm-deploy-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr });
    });
  });
}

const units = [
  ...readdirSync(path.join(ROOT, 'deploy/systemd')).filter((f) => f.endsWith('.service')).map((f) => path.join(ROOT, 'deploy/systemd', f)),
];

describe('systemd units', () => {
  it('there are the collector and dashboard units', () => {
    expect(units.map((u) => path.basename(u)).sort()).toEqual(['ixmeter-collector.service', 'ixmeter-dashboard.service']);
  });

  for (const unit of units) {
    it(`systemd-analyze verify ${path.basename(unit)}: no error, no warning`, async () => {
      const r = await run('systemd-analyze', ['verify', '--man=no', unit]);
      expect(r.out.trim()).toBe('');
      expect(r.code).toBe(0);
    });
  }

  it('verify does catch a mistake (so the checks above can fail)', async () => {
    const bad = path.join(dir, 'bad.service');
    writeFileSync(bad, readFileSync(units[0], 'utf8').replace('WatchdogSec=', 'WatchdogSecs='));
    const r = await run('systemd-analyze', ['verify', '--man=no', bad]);
    expect(r.out).toContain("Unknown key 'WatchdogSecs'");
  });

  it('the collector unit is notify + watchdog + restart, and hardened', () => {
    const text = readFileSync(path.join(ROOT, 'deploy/systemd/ixmeter-collector.service'), 'utf8');
    for (const line of ['Type=notify', 'NotifyAccess=all', 'Restart=on-failure', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'User=ixmeter', 'ReadWritePaths=/var/lib/ixmeter']) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).toMatch(/^WatchdogSec=\d+s$/m);
  });

  it('both units allow V8\'s pkey_alloc, fail other calls with EPERM; only the collector holds CAP_NET_RAW (fping)', () => {
    // Proven under a real systemd in test/integration/deploy/systemd.test.ts; pinned here so an edit is seen at once.
    const read = (u: string) => readFileSync(path.join(ROOT, 'deploy/systemd', u), 'utf8').split('\n');
    const collector = read('ixmeter-collector.service');
    const dashboard = read('ixmeter-dashboard.service');
    for (const lines of [collector, dashboard]) {
      expect(lines).toContain('SystemCallFilter=@system-service @pkey');
      expect(lines).toContain('SystemCallErrorNumber=EPERM');
    }
    expect(collector.filter((l) => /^(CapabilityBoundingSet|AmbientCapabilities)=/.test(l))).toEqual(['CapabilityBoundingSet=CAP_NET_RAW', 'AmbientCapabilities=CAP_NET_RAW']);
    expect(dashboard.filter((l) => /^(CapabilityBoundingSet|AmbientCapabilities)=/.test(l))).toEqual(['CapabilityBoundingSet=', 'AmbientCapabilities=']);
  });
});

describe('nginx site', () => {
  it('nginx -t accepts the site with a self-signed certificate', async () => {
    const d = path.join(dir, 'nginx');
    mkdirSync(d);
    const key = path.join(d, 'key.pem');
    const cert = path.join(d, 'cert.pem');
    const ssl = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=dashboard.example.org']);
    expect(ssl.code).toBe(0);
    const site = readFileSync(path.join(ROOT, 'deploy/nginx/ixmeter.conf'), 'utf8');
    expect(site).toContain('proxy_pass http://ixmeter_dashboard;');
    expect(site).toContain('server 127.0.0.1:3000;');
    expect(site).toMatch(/add_header Strict-Transport-Security "max-age=\d+[^"]*" always;/);
    expect(site).toMatch(/^\s*gzip on;/m);
    writeFileSync(path.join(d, 'site.conf'), site
      .replace('/etc/letsencrypt/live/dashboard.example.org/fullchain.pem', cert)
      .replace('/etc/letsencrypt/live/dashboard.example.org/privkey.pem', key));
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${d}/${t};`).join(' ');
    writeFileSync(path.join(d, 'nginx.conf'), `pid ${d}/nginx.pid;\nerror_log ${d}/error.log;\nevents {}\nhttp {\n  access_log ${d}/access.log;\n  ${temp}\n  include ${d}/site.conf;\n}\n`);
    const r = await run('nginx', ['-t', '-p', d, '-c', path.join(d, 'nginx.conf'), '-e', path.join(d, 'error.log')]);
    expect(r.out).toContain('test is successful');
    expect(r.code).toBe(0);
    // and a broken certificate path is refused
    writeFileSync(path.join(d, 'site.conf'), site);
    const bad = await run('nginx', ['-t', '-p', d, '-c', path.join(d, 'nginx.conf'), '-e', path.join(d, 'error.log')]);
    expect(bad.code).not.toBe(0);
  });
});

describe('InfluxDB 1.x setup script', () => {
  let influx: InfluxServer;
  beforeAll(async () => { influx = await startInfluxDB(); });
  afterAll(async () => { await influx?.stop(); });

  it('creates database, default retention policy and users; a second run updates them', async () => {
    const w = path.join(dir, 'writer');
    const r = path.join(dir, 'reader');
    writeFileSync(w, "s3cret'pw\n", { mode: 0o600 });
    writeFileSync(r, 'readpw\n', { mode: 0o600 });
    const env = { INFLUX_URL: influx.url, IXMETER_WRITER_PASSWORD_FILE: w, IXMETER_READER_PASSWORD_FILE: r };
    const first = await run('bash', [path.join(ROOT, 'deploy/influxdb/setup-v1.sh')], env);
    expect(first.out).not.toContain("s3cret'pw");
    expect(first.code).toBe(0);
    expect(first.out).toContain('retention policy ixmeter_5y on ixmeter: created (1826d)');
    expect(first.out).toContain('user ixmeter_writer: created');

    const rps = await influx.query('SHOW RETENTION POLICIES ON "ixmeter"');
    const row = rps.results[0].series![0].values.find((v) => v[0] === 'ixmeter_5y')!;
    expect(row[1]).toBe('43824h0m0s');
    expect(row[row.length - 1]).toBe(true); // default
    const grants = await influx.query('SHOW GRANTS FOR "ixmeter_reader"');
    expect(grants.results[0].series![0].values).toEqual([['ixmeter', 'READ']]);

    const second = await run('bash', [path.join(ROOT, 'deploy/influxdb/setup-v1.sh')], { ...env, INFLUX_RP_DURATION: '400d' });
    expect(second.code).toBe(0);
    expect(second.out).toContain('retention policy ixmeter_5y on ixmeter: updated (400d)');
    expect(second.out).toContain('user ixmeter_writer: password updated');
    const rps2 = await influx.query('SHOW RETENTION POLICIES ON "ixmeter"');
    expect(rps2.results[0].series![0].values.find((v) => v[0] === 'ixmeter_5y')![1]).toBe('9600h0m0s');
  });

  it('says clearly when no InfluxDB answers', async () => {
    const r = await run('bash', [path.join(ROOT, 'deploy/influxdb/setup-v1.sh')], { INFLUX_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('setup-v1: no InfluxDB answers at http://127.0.0.1:9');
  });
});

describe('shell scripts', () => {
  for (const f of ['install.sh', 'influxdb/setup-v1.sh', 'influxdb/setup-v2.sh']) {
    it(`bash -n deploy/${f}`, async () => {
      const r = await run('bash', ['-n', path.join(ROOT, 'deploy', f)]);
      expect(r.out).toBe('');
      expect(r.code).toBe(0);
    });
  }
});

describe('install.sh', () => {
  it('stages an install, and a second run changes nothing', async () => {
    const src = path.join(dir, 'src');
    const stage = path.join(dir, 'stage');
    mkdirSync(path.join(src, 'deploy'), { recursive: true });
    mkdirSync(stage);
    cpSync(path.join(ROOT, 'deploy'), path.join(src, 'deploy'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(src, 'package.json'));
    writeFileSync(path.join(src, 'config.example.yaml'), 'ixp: {id: x, name: X}\n');
    const env = { IXMETER_INSTALL_ROOT: stage };
    const first = await run('bash', [path.join(src, 'deploy/install.sh'), '--role', 'collector', '--skip-build'], env);
    expect(first.code).toBe(0);
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(readlinkSync(path.join(stage, 'opt/ixmeter/current'))).toBe(`releases/${version}`);
    expect(existsSync(path.join(stage, 'etc/systemd/system/ixmeter-collector.service'))).toBe(true);
    expect(existsSync(path.join(stage, 'etc/systemd/system/ixmeter-dashboard.service'))).toBe(false);
    expect(readFileSync(path.join(stage, 'etc/ixmeter/ixmeter.yaml'), 'utf8')).toBe('ixp: {id: x, name: X}\n');
    writeFileSync(path.join(stage, 'etc/ixmeter/ixmeter.yaml'), 'edited by the operator\n');
    const second = await run('bash', [path.join(src, 'deploy/install.sh'), '--role', 'collector', '--skip-build'], env);
    expect(second.code).toBe(0);
    expect(second.out.trim()).toBe(`install.sh: nothing to do: release ${version} already installed`);
    expect(readFileSync(path.join(stage, 'etc/ixmeter/ixmeter.yaml'), 'utf8')).toBe('edited by the operator\n');
    const bad = await run('bash', [path.join(src, 'deploy/install.sh'), '--role', 'pi'], env);
    expect(bad.code).toBe(2);
  });
});
