// The dashboard over the local store takes its members from the member registry: a member imported from an
// IX-F export (kept in the store, no config entry, no ASN in its port's ifAlias) is listed with its port's figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveMembers } from '../../../collector/members/registry.ts';
import type { ResolvedMember } from '../../../collector/members/resolve.ts';
import { validateConfig } from '../../../collector/config/load.ts';
import { createDashboard } from '../../../dashboard/server/index.ts';
import { createUserStore, hashPassword } from '../../../dashboard/server/users.ts';
import { FIXTURE_CONFIG, MEMBERS, NOW, START, SW, sqliteStore } from './fixture.ts';
import { syncFigures } from '../../../collector/store/figures.ts';

const store = sqliteStore();
let dash: ReturnType<typeof createDashboard>;
let base = '';
let cookie = '';

beforeAll(async () => {
  await store.ready;
  // "core uplink" carries no ASN: only the IX-F import knows it is AS65010's port.
  const imported: ResolvedMember = {
    asn: 65010, name: { value: 'Imported Carrier', source: 'ixf' }, category: { value: 'nsp', source: 'ixf' },
    buysTransit: { value: true, source: 'default' }, transitPricePerMbps: null, portFeePerMonth: { value: 0, source: 'default' },
    ports: [{ switch: SW, port: 'uplink', validFrom: START, validTo: null, source: 'ixf' }],
  };
  saveMembers(store.db, [imported], START);
  // As `ixmeter members import` does after saving: the figures the import touches are computed again.
  await syncFigures(store.db, FIXTURE_CONFIG);
  const cfg = validateConfig({
    ixp: { id: 'tix', name: 'Test IX', transitPricePerMbps: 10 }, members: MEMBERS,
    store: { path: store.file }, dashboard: { listen: '127.0.0.1:0' },
  });
  dash = createDashboard(cfg, {
    now: () => NOW, webDir: '/nonexistent',
    users: createUserStore([{ username: 'op', role: 'operator', ixp: 'tix', hash: await hashPassword('pw') }]),
  });
  base = (await dash.start()).replace(/\/$/, '');
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op', password: 'pw' }) });
  cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
});
afterAll(async () => { await dash?.stop(); store.cleanup(); });

describe('dashboard members from the registry', () => {
  it('lists the IX-F member on its port beside the config members', async () => {
    const r = await fetch(`${base}/api/ixps/tix/members?month=2026-01`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const { members } = await r.json() as { members: { asn: number; name: string; category: string; bytes: number; p95: { mbps: number } }[] };
    const imported = members.find((m) => m.asn === 65010);
    expect(imported).toMatchObject({ name: 'Imported Carrier', category: 'nsp' });
    // The uplink carries 999 Mbit/s in and out all month: its P95 is 999 Mbit/s.
    expect(imported!.p95.mbps).toBeCloseTo(999, 6);
    expect(members.find((m) => m.asn === 65001)?.name).toBe('Island ISP');
  });
});
