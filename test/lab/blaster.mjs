// Lab traffic source, run inside a member namespace (`ip netns exec`): on each stdin line
// `burst BYTES RATE` sends BYTES of UDP payload to one peer across the lab bridge, paced at RATE
// bytes/s, then prints `done`; it also sinks what peers send. Lab addresses only; exits after --seconds.
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    bind: { type: 'string' },
    to: { type: 'string' },
    size: { type: 'string', default: '1000' },
    port: { type: 'string', default: '9999' },
    seconds: { type: 'string', default: '600' },
  },
});
const LAB = /^10\.99\.\d+\.\d+$/;
if (!values.bind || !LAB.test(values.bind) || (values.to && !LAB.test(values.to))) {
  console.error('blaster: --bind and --to must be lab addresses (10.99.x.y)');
  process.exit(2);
}
const size = Number(values.size);
const port = Number(values.port);
const payload = Buffer.alloc(size, 0x61);

const sock = createSocket('udp4');
sock.on('message', () => { /* sink: peers' datagrams end here, so no ICMP unreachable goes back */ });
sock.on('error', (e) => { console.error(`blaster: ${e.message}`); process.exit(1); });

/** Sends `bytes` (rounded up to whole datagrams) paced at `rate` bytes/s; token pacing every 2 ms. */
function burst(bytes, rate, to = values.to) {
  return new Promise((resolve) => {
    const total = Math.ceil(bytes / size);
    const start = performance.now();
    let sent = 0;
    let acked = 0;
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate / size));
      for (; sent < due; sent++) {
        sock.send(payload, port, to, () => { if (++acked === total) resolve(total * size); });
      }
      if (sent >= total) clearInterval(timer);
    }, 2);
  });
}

sock.bind(port, values.bind, () => {
  process.stdout.write('ready\n');
  const rl = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    // `burst BYTES RATE [TO]`: TO (a lab address) overrides --to for this burst (the two-switch lab).
    const m = /^burst (\d+) (\d+)(?: (\S+))?$/.exec(line.trim());
    const to = m?.[3] ?? values.to;
    if (!m || !to || !LAB.test(to)) { process.stdout.write('done 0\n'); return; }
    queue = queue.then(() => burst(Number(m[1]), Number(m[2]), to)).then((n) => { process.stdout.write(`done ${n}\n`); });
  });
  rl.on('close', () => process.exit(0));
});
setTimeout(() => process.exit(0), Number(values.seconds) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
