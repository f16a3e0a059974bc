// `ixmeter members import|list` end to end: an IX-F export served over loopback HTTP, ports known to the
// store by their ifAlias, the mapping proposed and saved; a broken file rejected with its JSON path and
// nothing stored (through the real CLI process for the exit code).
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/members.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { execFileP } from '../../helpers/proc.ts';

const FIX = path.join(import.meta.dirname, '../../fixtures');
const ROOT = path.join(import.meta.dirname, '../../..');
const supr = readFileSync(path.join(FIX, 'ixf/example-suprnet-v0.7-2020-03-14.json'), 'utf8');
const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-mcli-'));
const dbFile = path.join(tmp, 'store.db');
const cfgFile = path.join(tmp, 'ixmeter.yaml');
let server: Server;
let base = '';

beforeAll(async () => {
  writeFileSync(cfgFile, [
    'ixp: {id: sup, name: SUPRnet, transitPricePerMbps: 2}',
    `store: {path: ${dbFile}}`,
    'members:',
    '  - {asn: 6315, name: XMission (config), category: isp, portFeePerMonth: 50}',
  ].join('\n') + '\n');
  const db = openDatabase(dbFile);
  const ins = db.prepare(`INSERT INTO ports (switch, if_index, name, alias, speed_mbps, first_seen, last_seen) VALUES ('sw1', ?, ?, ?, ?, 0, 1)`);
  ins.run(1, 'Eth1/1', 'AS42 Packet Clearing House', 1000);
  ins.run(2, 'Eth1/2', 'Peering: AS36040 Google', 10000);
  ins.run(3, 'Eth1/3', 'AS6315 - XMission', 10000);
  ins.run(4, 'Eth1/4', 'AS65001 <b>Raajje</b>', 10000);
  ins.run(5, 'Eth1/5', 'AS210 UEN', 1000); // IX-F says 10G: not mapped
  db.close();
  server = createServer((req, res) => {
    if (req.url === '/ixf.json') { res.setHeader('content-type', 'application/json'); res.end(supr); }
    else if (req.url === '/multi.json') {
      // The same operator's second exchange in the same export: two members are connected there only.
      const d = JSON.parse(supr);
      d.ixp_list.push({ ...d.ixp_list[0], ixp_id: 2, shortname: 'suprnet-north', switch: [] });
      for (const m of d.member_list.slice(0, 2)) for (const c of m.connection_list) c.ixp_id = 2;
      res.end(JSON.stringify(d));
    } else if (req.url === '/broken.json') { const d = JSON.parse(supr); d.member_list[3].asnum = 'abc'; res.end(JSON.stringify(d)); }
    else { res.statusCode = 404; res.end('no'); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try { return { code: await run(argv), out, err }; } finally { o.mockRestore(); e.mockRestore(); }
}

describe('members CLI', () => {
  it('rejects a broken export with its JSON path and stores nothing (real process, exit 2)', async () => {
    const r = await execFileP('node', ['bin/ixmeter.mjs', 'members', 'import', '--ixf', `${base}/broken.json`, '--config', cfgFile], { cwd: ROOT }).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${base}/broken.json: member_list[3].asnum: expected integer, got "abc"; nothing stored`);
    expect(r.stderr).not.toContain('    at ');
    const db = openDatabase(dbFile);
    expect(db.prepare('SELECT count(*) AS n FROM members').get()).toEqual({ n: 0 });
    db.close();
  });

  it('reports an HTTP error clearly', async () => {
    await expect(run(['import', '--ixf', `${base}/missing.json`, '--config', cfgFile])).rejects.toThrow(`${base}/missing.json: HTTP 404 Not Found; nothing stored`);
  });

  it('imports over HTTP, proposes the mapping, says what it could not map, and lists with sources', async () => {
    const r = await capture(['import', '--ixf', `${base}/ixf.json`, '--peeringdb', path.join(FIX, 'peeringdb/net-sample.json'), '--config', cfgFile]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('IX-F 0.7, tdc-ops-sw1, 23 members');
    expect(r.out).toContain('AS42 Packet Clearing House AS42 [tdcSUPRnetNexus, 1000 Mbit/s] → sw1 Eth1/1 (ASN and speed)');
    expect(r.out).toMatch(/AS210 Utah Education Network \[tdcSUPRnetNexus, 10000 Mbit\/s\]: no SNMP port of AS210 runs at 10000 Mbit\/s/);
    expect(r.out).toContain('AS4181 TDS Telecom [tdcSUPRnetNexus, 10000 Mbit/s]: no SNMP port has AS4181 in its ifAlias');
    expect(r.err).toContain('warning: ' + `${base}/ixf.json: version: schema version 0.7`);
    expect(r.out).toMatch(/24 members saved; 3 ports mapped, \d+ not mapped/);

    const l = await capture(['list', '--json', '--config', cfgFile]);
    const members = JSON.parse(l.out).members as any[];
    const by = (asn: number) => members.find((m) => m.asn === asn);
    expect(by(6315).name).toEqual({ value: 'XMission (config)', source: 'config' });
    expect(by(6315).portFeePerMonth).toEqual({ value: 50, source: 'config' });
    expect(by(36040).category).toEqual({ value: 'content', source: 'peeringdb' });
    expect(by(36040).ports.map((p: any) => [p.port, p.source])).toEqual([['Eth1/2', 'ixf+ifalias']]);
    expect(by(65001).name).toEqual({ value: 'Raajje Online (PeeringDB)', source: 'peeringdb' });
    expect(by(210).ports.map((p: any) => [p.port, p.source])).toEqual([['Eth1/5', 'ifalias']]);
    // Importing the same export again changes no port history.
    const rowsOf = () => { const db = openDatabase(dbFile); try { return db.prepare('SELECT asn, switch, port, valid_from, valid_to, source FROM member_ports ORDER BY id').all(); } finally { db.close(); } };
    const before = rowsOf();
    expect(before.length).toBeGreaterThan(0);
    expect((await capture(['import', '--ixf', `${base}/ixf.json`, '--peeringdb', path.join(FIX, 'peeringdb/net-sample.json'), '--config', cfgFile])).code).toBe(0);
    expect(rowsOf()).toEqual(before);
    const table = await capture(['list', '--config', cfgFile]);
    expect(table.out).toMatch(/AS36040\s+Google LLC AS36040\s+content\s+no\s+ixf,peeringdb\s+sw1 Eth1\/2/);
  });

  it('an export of several IXPs needs --ixf-ixp; with it, only the members of that IXP are imported', async () => {
    const err = await run(['import', '--ixf', `${base}/multi.json`, '--dry-run', '--config', cfgFile]).catch((e) => e);
    expect(err.message).toBe(`${base}/multi.json: ixp_list: the export lists 2 IXPs: choose one by its ixp_id (1 (tdc-ops-sw1), 2 (suprnet-north)); nothing stored`);
    expect(err.code).toBe(2);
    const north = await capture(['import', '--ixf', `${base}/multi.json`, '--ixf-ixp', '2', '--dry-run', '--config', cfgFile]);
    expect(north.out).toContain('IX-F 0.7, suprnet-north, 2 members');
    const main = await capture(['import', '--ixf', `${base}/multi.json`, '--ixf-ixp', '1', '--dry-run', '--config', cfgFile]);
    expect(main.out).toContain('IX-F 0.7, tdc-ops-sw1, 21 members');
    await expect(run(['import', '--ixf', `${base}/multi.json`, '--ixf-ixp', '7', '--config', cfgFile])).rejects.toThrow('ixp_list: no IXP with ixp_id 7; the export lists 1 (tdc-ops-sw1), 2 (suprnet-north); nothing stored');
    await expect(run(['import', '--ixf', `${base}/multi.json`, '--ixf-ixp', 'north', '--config', cfgFile])).rejects.toThrow(`--ixf-ixp: expected the IXP's ixp_id (a whole number), got 'north'`);
  });
});
