// Two batches in flight: the cursor still moves in order. A loopback HTTP server speaking InfluxDB's
// /write answers each request as the test scripts it (no InfluxDB can be told to fail one request and
// not the next), records every line it accepted and how many requests it held at once.
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createForwarder } from '../../../collector/forward/index.ts';
import { getCursor } from '../../../collector/store/cursor.ts';
import { WriteFailure } from '../../../collector/forward/influx.ts';
import type { Store } from '../../../collector/store/index.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { newStore, fill } from './fixture.ts';

interface Req { n: number; lines: string[]; res: ServerResponse }
type Answer = (r: Req, s: WriteServer) => void | Promise<void>;

class WriteServer {
  private server!: Server;
  url = '';
  accepted: string[] = [];
  requests = 0;
  open = 0;
  maxOpen = 0;
  answered = new Set<number>();
  private waiters: (() => void)[] = [];
  constructor(private answer: Answer) {}
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
  private async handle(req: IncomingMessage, res: ServerResponse) {
    const n = ++this.requests;
    this.open++; this.maxOpen = Math.max(this.maxOpen, this.open);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    await this.answer({ n, lines: body.toString('utf8').split('\n').filter(Boolean), res }, this);
  }
  ok(r: Req) { this.accepted.push(...r.lines); this.reply(r, 204, ''); }
  fail(r: Req, status: number, error: string) { this.reply(r, status, JSON.stringify({ error })); }
  private reply(r: Req, status: number, body: string) {
    r.res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    this.open--; this.answered.add(r.n);
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves when request n was answered, or after `ms` (then false). */
  async answeredBy(n: number, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!this.answered.has(n) && Date.now() < end) {
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
    return this.answered.has(n);
  }
  stop() { this.server.closeAllConnections(); return new Promise((r) => this.server.close(r)); }
}

let server: WriteServer | undefined;
let store: Store | undefined;
afterEach(async () => { await server?.stop(); store?.close(); server = undefined; store = undefined; });

const cfg = (url: string) => ({ url, api: 'v1' as const, database: 'db', batchSize: 50, timeout: 10, gzip: true, ixp: 'mvix' });
const seqAt = (s: Store, table: string, offset: number) =>
  (s.db.prepare(`SELECT seq FROM ${table} ORDER BY seq LIMIT 1 OFFSET ?`).get(offset) as { seq: number }).seq;
const localRates = (s: Store) => (s.db.prepare('SELECT count(*) n FROM rates').get() as { n: number }).n;

describe('forwarding with two batches in flight', () => {
  it('a failed batch whose successor succeeded holds the cursor before it; the retry delivers everything', async () => {
    store = newStore();
    fill(store, new SynthSwitch('sw1', 6), 30); // 30 polls (one batch), 174 rates rows (four batches of 50)
    // Request 1 is the polls table, 2 and 3 the first two rates batches. Request 3 waits until request 4
    // (the third rates batch, sent once 2 was answered) has been answered, then fails with 503.
    let fourthWhileThirdOpen = false;
    server = new WriteServer(async (r, s) => {
      if (r.n === 3) {
        fourthWhileThirdOpen = await s.answeredBy(4, 5000);
        s.fail(r, 503, 'overloaded');
      } else s.ok(r);
    });
    await server.start();
    const fwd = createForwarder(cfg(server.url), { store, hooks: {} });
    const err = await fwd.drain().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WriteFailure);
    expect((err as WriteFailure).kind).toBe('retry');
    expect(fourthWhileThirdOpen).toBe(true);
    expect(server.maxOpen).toBe(2);
    // Batch 4 of the server (rates rows 101-150) was accepted, but batch 3 (rows 51-100) was not: the
    // cursor stays at the end of rows 1-50.
    expect(getCursor(store.db, 'polls')).toBe(seqAt(store, 'polls', 29));
    expect(getCursor(store.db, 'rates')).toBe(seqAt(store, 'rates', 49));
    expect(store.backlog().find((b) => b.table === 'rates')!.points).toBe(localRates(store) - 50);

    // The server recovers: the retry sends rows 51 on (101-150 again, identical lines), and nothing is missing.
    const before = server.accepted.length;
    const again = new Set(server.accepted);
    await fwd.drain();
    expect(store.backlog().every((b) => b.points === 0)).toBe(true);
    const ratesLines = server.accepted.filter((l) => l.startsWith('ixp_port,'));
    expect(new Set(ratesLines).size).toBe(localRates(store));
    // The resent rows 101-150 are byte for byte what was accepted the first time (no duplicate on a server).
    const resent = server.accepted.slice(before).filter((l) => again.has(l));
    expect(resent.length).toBe(50);
  });

  it('a parked head batch does not hold back the successful one behind it', async () => {
    store = newStore();
    fill(store, new SynthSwitch('sw1', 6), 30);
    server = new WriteServer(async (r, s) => {
      if (r.n === 2) { await s.answeredBy(3, 5000); s.fail(r, 400, 'partial write: field type conflict: input field "in_bps" is type integer, already exists as type float dropped=50'); }
      else s.ok(r);
    });
    await server.start();
    const parked: number[] = [];
    const fwd = createForwarder(cfg(server.url), { store, hooks: { parked: (_t, n) => parked.push(n) } });
    await fwd.drain();
    expect(parked).toEqual([50]);
    expect(fwd.status().parked).toBe(50);
    expect(store.backlog().every((b) => b.points === 0)).toBe(true);
    // Everything but the parked batch arrived exactly once.
    const ratesLines = server.accepted.filter((l) => l.startsWith('ixp_port,'));
    expect(ratesLines.length).toBe(localRates(store) - 50);
    expect(new Set(ratesLines).size).toBe(ratesLines.length);
  });

  it('stop() while two batches are on the wire returns after both settled and acknowledges only answered ones in order', async () => {
    store = newStore();
    fill(store, new SynthSwitch('sw1', 6), 30);
    const held: Req[] = [];
    server = new WriteServer((r, s) => { if (r.n >= 2) held.push(r); else s.ok(r); });
    await server.start();
    const fwd = createForwarder(cfg(server.url), { store, hooks: {}, idleMs: 60_000 });
    fwd.start();
    const deadline = Date.now() + 5000;
    while (held.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(held.length).toBe(2);
    expect(fwd.status().state).toBe('sending');
    // The second rates batch is answered, the first is still open when the collector stops.
    server.ok(held[1]);
    await fwd.stop();
    expect(fwd.status().state).toBe('stopped');
    expect(getCursor(store.db, 'rates')).toBe(0);
    expect(getCursor(store.db, 'polls')).toBe(seqAt(store, 'polls', 29));
  });
});
