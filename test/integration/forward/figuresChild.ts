// A collector-like forwarder process for the figures crash test: forwards a store's outbox to InfluxDB 1.x
// (v1, with credentials). With --hang-after-delete it prints "deleted" once InfluxDB ran the first delete and
// then blocks its thread before the outbox cursor moves, so the test can SIGKILL it at exactly that point.
import { parseArgs } from 'node:util';
import { createStore } from '../../../collector/store/index.ts';
import { createForwarder } from '../../../collector/forward/index.ts';

const { values: a } = parseArgs({ options: {
  db: { type: 'string' }, url: { type: 'string' }, database: { type: 'string' }, user: { type: 'string' }, password: { type: 'string' },
  'hang-after-delete': { type: 'boolean', default: false },
} });
const store = createStore({ path: a.db!, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
store.open();
const fwd = createForwarder(
  { url: a.url!, api: 'v1', database: a.database!, username: a.user, password: a.password, batchSize: 3, timeout: 30, gzip: false, ixp: 'mvix', timezone: 'Indian/Maldives' },
  {
    store, minBackoffMs: 100, maxBackoffMs: 1000,
    hooks: {
      deleted: (result) => {
        process.stdout.write(`deleted ${result}\n`);
        if (a['hang-after-delete']) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until killed
      },
    },
  },
);
await fwd.drain();
process.stdout.write('caught up\n');
store.close();
