// Run inside the lab switch namespace: receives sFlow datagrams on 127.0.0.1 at each --port and writes
// each one as `PORT HEX` on stdout, so a test can replay the very same datagrams to several collectors.
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', multiple: true } } });
let ready = 0;
for (const p of values.port ?? []) {
  const s = createSocket({ type: 'udp4', recvBufferSize: 16 * 1024 * 1024 });
  s.on('message', (m) => process.stdout.write(`${p} ${m.toString('hex')}\n`));
  s.on('error', (e) => { console.error(`sflow-capture: ${e.message}`); process.exit(1); });
  s.bind(Number(p), '127.0.0.1', () => { if (++ready === values.port.length) process.stdout.write('ready\n'); });
}
process.on('SIGTERM', () => process.exit(0));
