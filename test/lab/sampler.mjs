// Lab ground truth, run inside the switch namespace (`ip netns exec`): prints the kernel's own
// byte and packet counters of the given interfaces every --every ms as one JSON line with a wall-clock
// stamp. Reads /sys only; sends nothing.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { every: { type: 'string', default: '20' }, seconds: { type: 'string', default: '600' } },
  allowPositionals: true,
});
const names = positionals.filter((n) => /^[A-Za-z0-9_.-]{1,15}$/.test(n));
const read = (n, f) => readFileSync(`/sys/class/net/${n}/statistics/${f}`, 'utf8').trim();
const once = () => {
  const t = performance.timeOrigin + performance.now();
  const c = {};
  for (const n of names) c[n] = [read(n, 'rx_bytes'), read(n, 'tx_bytes'), read(n, 'rx_packets'), read(n, 'tx_packets')];
  process.stdout.write(JSON.stringify({ t, c }) + '\n');
};
once();
setInterval(once, Number(values.every));
setTimeout(() => process.exit(0), Number(values.seconds) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
