// `ixmeter members import` with InfluxDB configured: the members it saved reach the figures outbox as
// ixp_member_info points (one per changed member, none for an unchanged import), for the forwarder to send.
// Without InfluxDB nothing is queued. InfluxDB itself is not contacted here (the forwarder sends the outbox).
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/members.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';

const IXF = path.join(import.meta.dirname, '../../fixtures/ixf/example-suprnet-v0.7-2020-03-14.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-imeta-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function setup(name: string, influx: boolean, xmission = 'XMission (config)') {
  const dbFile = path.join(tmp, `${name}.db`);
  const cfgFile = path.join(tmp, `${name}.yaml`);
  const write = (xm: string) => writeFileSync(cfgFile, [
    'ixp: {id: sup, name: SUPRnet, transitPricePerMbps: 2}',
    `store: {path: ${dbFile}}`,
    ...(influx ? ['influxdb: {url: "http://127.0.0.1:9", api: v1, database: ixmeter}'] : []),
    'memberSources: {ifAlias: false}',
    'members:',
    `  - {asn: 6315, name: "${xm}", category: isp, portFeePerMonth: 50}`,
  ].join('\n') + '\n');
  write(xmission);
  const db = openDatabase(dbFile);
  db.prepare(`INSERT INTO ports (switch, if_index, name, alias, speed_mbps, first_seen, last_seen) VALUES ('sw1', 1, 'Eth1/1', 'AS42 Packet Clearing House', 1000, 0, 1)`).run();
  db.close();
  return { dbFile, cfgFile, rename: write };
}

async function importOnce(cfgFile: string): Promise<void> {
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try { expect(await run(['import', '--ixf', IXF, '--config', cfgFile])).toBe(0); } finally { o.mockRestore(); e.mockRestore(); }
}

function metaRows(dbFile: string): { asn: number | null; key: string }[] {
  const db = openDatabase(dbFile);
  try { return db.prepare("SELECT asn, key FROM figures_outbox WHERE kind = 'meta' ORDER BY seq").all() as never; } finally { db.close(); }
}

describe('members import queues the changed member points', () => {
  it('one point per member and the IXP and its ports; an unchanged import queues nothing; a renamed member queues one', async () => {
    const s = setup('with', true);
    await importOnce(s.cfgFile);
    const first = metaRows(s.dbFile);
    const members = first.filter((r) => r.asn !== null).map((r) => JSON.parse(r.key));
    expect(members.length).toBe(23); // the export's 23 (the config's AS6315 is one of them)
    expect(members.every((m) => m.m === 'ixp_member_info' && m.removed === false)).toBe(true);
    expect(members.find((m) => m.asn === 6315)).toMatchObject({ name: 'XMission (config)', port_fee_per_month: 50 });
    expect(members.find((m) => m.asn === 42)).toMatchObject({ ports: '[{"switch":"sw1","port":"Eth1/1"}]' });
    expect(first.filter((r) => r.asn === null).map((r) => JSON.parse(r.key).m).sort()).toEqual(['ixp_info', 'ixp_port_info']);

    await importOnce(s.cfgFile);
    expect(metaRows(s.dbFile).length).toBe(first.length);

    s.rename('XMission Inc');
    await importOnce(s.cfgFile);
    const added = metaRows(s.dbFile).slice(first.length).map((r) => JSON.parse(r.key));
    expect(added).toEqual([expect.objectContaining({ m: 'ixp_member_info', asn: 6315, name: 'XMission Inc' })]);
  });

  it('without InfluxDB nothing is queued', async () => {
    const s = setup('without', false);
    await importOnce(s.cfgFile);
    expect(metaRows(s.dbFile)).toEqual([]);
  });
});
