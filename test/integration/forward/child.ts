// A collector-like process for the crash and scale tests: opens its own store (optionally fills
// it with synthetic polls of recorded interfaces), forwards everything, prints progress lines
// ("acked TABLE SEQ") and a final JSON line of local counts, and exits 0 once caught up.
import { parseArgs } from 'node:util';
import { createStore } from '../../../collector/store/index.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';

const { values: a } = parseArgs({ options: {
  db: { type: 'string' }, url: { type: 'string' }, database: { type: 'string' }, ixp: { type: 'string' },
  switch: { type: 'string' }, ports: { type: 'string', default: '0' }, polls: { type: 'string', default: '0' },
  batch: { type: 'string', default: '5000' }, from: { type: 'string', default: String(Date.UTC(2026, 0, 5)) },
} });
const store = createStore({ path: a.db!, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
store.open();
if (Number(a.polls) > 0) {
  const sw = new SynthSwitch(a.switch!, Number(a.ports));
  for (let i = 0, t = Number(a.from); i < Number(a.polls); i++, t += 60_000) {
    const p = sw.poll(t);
    store.writePoll(p.poll, p.sample, p.result);
  }
}
const fwd = createForwarder(
  { url: a.url!, api: 'v1', database: a.database!, batchSize: Number(a.batch), timeout: 30, gzip: true, ixp: a.ixp! },
  { store, hooks: { acked: (table) => process.stdout.write(`acked ${table}\n`) }, minBackoffMs: 100, maxBackoffMs: 1000 },
);
for (;;) {
  try { await fwd.drain(); break; } catch (e) { process.stderr.write(`${(e as Error).message}\n`); await new Promise((r) => setTimeout(r, 200)); }
}
const n = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
process.stdout.write(JSON.stringify({ rates: n('SELECT count(*) n FROM rates'), polls: n('SELECT count(*) n FROM polls'), rollups: n('SELECT count(*) n FROM rollups WHERE res = 300') }) + '\n');
store.close();
