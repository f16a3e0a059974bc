// The latency section of the config: absent means no prober, defaults when present, unknown keys and bad
// values are errors naming the path, and `run --check` refuses a target that is not a literal address.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../collector/config/load.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BASE = 'switches: []\nmetrics: { listen: "" }\n';

describe('latency config', () => {
  it('absent: no prober', () => {
    expect(parseConfig(BASE, 'c.yaml', {}).latency).toBeUndefined();
  });

  it('present: smokeping-like defaults', () => {
    expect(parseConfig(`${BASE}latency: {}\n`, 'c.yaml', {}).latency).toEqual({
      interval: 300, pings: 20, periodMs: 1000, intervalMs: 10, timeoutMs: 1500, sizeBytes: 56, fping: 'fping',
      ixfRouters: true, routers: [], references: [], outageRounds: 1,
      alerts: { lossThreshold: 0.2, lossRounds: 3, silentRounds: 2, outage: true },
    });
  });

  it('unknown keys and bad values list every problem with its path', () => {
    let err: unknown;
    try {
      parseConfig(`${BASE}latency:\n  pingz: 5\n  pings: 0\n  references:\n    - { name: x, address: 9.9.9.9, kind: abroad }\n`, 'c.yaml', {});
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('/latency/pingz');
    expect(msg).toContain('/latency/pings');
    expect(msg).toContain('/latency/references/0/kind');
  });

  it('IXMETER_LATENCY__PINGS overrides the file', () => {
    expect(parseConfig(`${BASE}latency: {}\n`, 'c.yaml', { IXMETER_LATENCY__PINGS: '5' }).latency?.pings).toBe(5);
  });
});

it('run --check names a reference that is not a literal address (exit 2, no stack trace)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixmeter-lat-cfg-'));
  try {
    const file = path.join(dir, 'c.yaml');
    writeFileSync(file, `switches:\n  - { name: sw1, host: 192.0.2.1, snmp: { version: "2c", community: c } }\nstore: { path: ${dir}/s.db }\nmetrics: { listen: "" }\n` +
      'latency:\n  references:\n    - { name: Google, address: dns.google, kind: international }\n');
    const r = spawnSync(process.execPath, ['bin/ixmeter.mjs', 'run', '--config', file, '--check'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('latency.references[0].address: "dns.google" is not an IPv4 or IPv6 address');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
