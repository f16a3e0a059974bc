// `ixmeter check`, `run --check` and `run --dump` as a user runs them: the real CLI against snmpsim
// (two recordings and a community nobody answers), InfluxDB 1.6.7 (v1) and VictoriaMetrics (v2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SNMPREC_DIR, startSnmpSim, type SnmpSim } from '../../helpers/snmpsim.ts';
import { checkInflux } from '../../../cli/commands/check.ts';
import { run as runCommand } from '../../../cli/commands/run.ts';
import { SecretError } from '../../../collector/config/secrets.ts';
import { freeTcpPort } from '../../helpers/ports.ts';
import { startInfluxDB, startVictoriaMetrics, type InfluxServer, type VictoriaMetrics } from '../../helpers/influxdb.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/ixmeter.mjs', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 50_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let sim: SnmpSim;
let influx: InfluxServer;
let vm: VictoriaMetrics;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-check-'));
  [sim, influx, vm] = await Promise.all([
    startSnmpSim({ files: [path.join(SNMPREC_DIR, 'arista_eos.snmprec'), path.join(SNMPREC_DIR, 'jetstream.snmprec')], readyCommunity: 'arista_eos' }),
    startInfluxDB(),
    startVictoriaMetrics(),
  ]);
  await influx.query('CREATE DATABASE ixmeter');
});

afterAll(async () => {
  await Promise.all([sim?.stop(), influx?.stop(), vm?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

function writeConfig(name: string, influxdb: string): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(file, `
switches:
  - { name: arista, host: 127.0.0.1, port: ${sim.port}, snmp: { version: "2c", community: { env: ARISTA_COMMUNITY } } }
  - { name: tplink, host: 127.0.0.1, port: ${sim.port}, snmp: { version: "2c", community: { file: ${path.join(work, 'tplink.community')} } } }
  - { name: gone, host: 127.0.0.1, port: ${sim.port}, timeout: 0.3, retries: 0, snmp: { version: "2c", community: wrong-community } }
store: { path: ${path.join(work, `${name}.db`)} }
${influxdb}
`);
  return file;
}

describe('ixmeter check', () => {
  beforeAll(() => {
    writeFileSync(path.join(work, 'tplink.community'), 'jetstream\n');
    chmodSync(path.join(work, 'tplink.community'), 0o600);
  });

  it('says per target what works: switches, InfluxDB v1; exit 1 when one fails', async () => {
    const file = writeConfig('v1', `influxdb: { url: "${influx.url}", api: v1, database: ixmeter }`);
    const r = await cli(['check', '--config', file], { ARISTA_COMMUNITY: 'arista_eos' });
    expect(r.code).toBe(1);
    const line = (re: RegExp) => r.stdout.split('\n').find((l) => re.test(l)) ?? '';
    expect(line(/arista/)).toMatch(/^switch\s+OK\s+arista \(127\.0\.0\.1:\d+\): sysName "<private>", up \d+d \d+h, 55 interfaces$/);
    expect(line(/tplink/)).toMatch(/OK\s+tplink .*55 interfaces \(no ifXTable: 32-bit counters only\)/);
    expect(line(/gone/)).toMatch(/^switch\s+FAIL\s+gone \(127\.0\.0\.1:\d+\): get system: .*no answer/);
    expect(line(/^influxdb/)).toMatch(/OK\s+http:\/\/127\.0\.0\.1:\d+: ping OK \(version 1\.6\.7.*\), write to database ixmeter allowed/);
    expect(r.stdout).toMatch(/1 of 4 targets failed/);
    for (const secret of ['arista_eos', 'jetstream', 'wrong-community']) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('an unknown InfluxDB database fails with what to fix; v2 (VictoriaMetrics) passes; the token never shows', async () => {
    const base = { batchSize: 5000, timeout: 10, gzip: true };
    const bad = await checkInflux({ ...base, url: influx.url, api: 'v1', database: 'nosuchdb' });
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(/write to database nosuchdb: HTTP 404: database not found: "nosuchdb" \(create it, or fix the name in the config\)/);
    const v2 = await checkInflux({ ...base, url: vm.url, api: 'v2', org: 'ix', bucket: 'ixmeter', token: { env: 'INFLUX_TOKEN' } }, { INFLUX_TOKEN: 'tok-secret-123' });
    expect(v2).toMatchObject({ ok: true });
    expect(v2.detail).toMatch(/write to bucket ixmeter \(org ix\) allowed/);
    expect(v2.detail).not.toContain('tok-secret-123');
    const closed = await freeTcpPort(); // nothing listens there
    const down = await checkInflux({ ...base, url: `http://127.0.0.1:${closed}`, api: 'v1', database: 'x' });
    expect(down).toMatchObject({ ok: false, detail: `http://127.0.0.1:${closed}: ping: ECONNREFUSED` });
  });

  it('an invalid config lists every error and exits 2 before reaching anything', async () => {
    const file = path.join(work, 'bad.yaml');
    writeFileSync(file, 'switches:\n  - { name: sw1, host: h, snmp: { version: "2c", community: c }, colour: red }\npolling: { interval: 7 }\nlog: { level: loud }\n');
    const r = await cli(['check', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/switches/0/colour: unknown key');
    expect(r.stderr).toContain('/log/level: must be one of');
    expect(r.stdout).toBe('');
  });
});

describe('ixmeter run --check / --dump', () => {
  it('--check builds without starting (exit 0; no store created); a missing secret is a SecretError (exit 2)', async () => {
    const file = writeConfig('built', '');
    const ok = await cli(['run', '--config', file, '--check'], { ARISTA_COMMUNITY: 'arista_eos' });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/configuration OK \(3 switches, every 60 s/);
    expect(existsSync(path.join(work, 'built.db'))).toBe(false);
    delete process.env.ARISTA_COMMUNITY;
    await expect(runCommand(['--config', file, '--check'])).rejects.toThrow(SecretError);
    await expect(runCommand(['--config', file, '--check'])).rejects.toThrow(/switches\.arista\.snmp\.community: environment variable ARISTA_COMMUNITY is not set/);
  });

  it('--dump prints the effective config with secrets redacted', async () => {
    const file = writeConfig('dump', `influxdb: { url: "${influx.url}", api: v1, database: ixmeter, password: literal-pass-9 }`);
    const r = await cli(['run', '--config', file, '--dump'], { IXMETER_POLLING__INTERVAL: '30' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/interval: 30/);
    expect(r.stdout).toMatch(/password: \(secret\)/);
    expect(r.stdout).toMatch(/community: \(secret\)/);
    expect(r.stdout).not.toContain('literal-pass-9');
    expect(r.stdout).not.toContain('wrong-community');
  });
});
