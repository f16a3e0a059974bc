// sFlow lab traffic source, run inside a member namespace (`ip netns exec`): sinks UDP on port 9999
// (IPv4 and IPv6) so peers' datagrams end here, and on the stdin line `go` sends its flows interleaved at
// --pps, then prints `done SENT`. Lab addresses only (10.99.x.y, 2001:db8:99::/64); exits on stdin close.
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { bind4: { type: 'string' }, bind6: { type: 'string' }, flows: { type: 'string', default: '[]' }, pps: { type: 'string', default: '1000' } } });
const V4 = /^10\.99\.\d+\.\d+$/, V6 = /^2001:db8:99::[0-9a-f]+$/;
/** @type {{to: string, size: number, count: number}[]} */
const flows = JSON.parse(values.flows);
if (!V4.test(values.bind4 ?? '') || !V6.test(values.bind6 ?? '') || flows.some((f) => !V4.test(f.to) && !V6.test(f.to))) {
  console.error('sflow-traffic: addresses must be lab addresses (10.99.x.y, 2001:db8:99::N)');
  process.exit(2);
}
const s4 = createSocket('udp4'), s6 = createSocket({ type: 'udp6', ipv6Only: true });
for (const s of [s4, s6]) { s.on('message', () => {}); s.on('error', (e) => { console.error(`sflow-traffic: ${e.message}`); process.exit(1); }); }
await new Promise((r) => s4.bind(9999, values.bind4, r));
await new Promise((r) => s6.bind(9999, values.bind6, r));

function go(pps) {
  // Round-robin over the flows, so every flow spreads over the whole send time.
  const queue = [];
  const left = flows.map((f) => f.count);
  for (let more = true; more;) {
    more = false;
    flows.forEach((f, i) => { if (left[i] > 0) { left[i]--; queue.push(f); more = true; } });
  }
  return new Promise((resolve) => {
    const start = performance.now();
    let sent = 0, acked = 0;
    if (queue.length === 0) { resolve(0); return; }
    const timer = setInterval(() => {
      const due = Math.min(queue.length, Math.floor(((performance.now() - start) / 1000) * pps));
      for (; sent < due; sent++) {
        const f = queue[sent];
        (V4.test(f.to) ? s4 : s6).send(Buffer.alloc(f.size, 0x61), 9999, f.to, () => { if (++acked === queue.length) resolve(acked); });
      }
      if (sent >= queue.length) clearInterval(timer);
    }, 2);
  });
}

process.stdout.write('ready\n');
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => { if (line.trim() === 'go') go(Number(values.pps)).then((n) => process.stdout.write(`done ${n}\n`)); });
rl.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
