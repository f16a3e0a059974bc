// The net-snmp adapter: the ONLY file that imports net-snmp. Multi-column GETBULK walks, GET,
// Counter64 → bigint, and errors worded for people. It does not interpret IF-MIB (that is sample.ts).
import { createRequire } from 'node:module';
import { counter64ToBigInt } from './counter64.ts';
import { SnmpError, type Column, type SnmpClient, type SnmpTarget, type SnmpValue } from './index.ts';
import { getLogger } from '../log.ts';

const log = getLogger('collector:snmp');

// net-snmp ships no types; this is the part of its API used here.
interface Varbind { oid: string; type: number; value: unknown }
interface NetSnmpSession {
  get(oids: string[], cb: (err: Error | null, varbinds?: Varbind[]) => void): void;
  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: (err: Error | null, varbinds?: Varbind[][]) => void): void;
  close(): void;
  on(event: 'error' | 'close', cb: (e?: Error) => void): void;
}
interface NetSnmp {
  createSession(target: string, community: string, options: object): NetSnmpSession;
  createV3Session(target: string, user: object, options: object): NetSnmpSession;
  Version2c: number;
  Version3: number;
  ObjectType: Record<string, number>;
  SecurityLevel: Record<string, number>;
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
  ResponseInvalidCode: Record<string, number>;
  RequestTimedOutError: new (...a: unknown[]) => { readonly timedOut: unique symbol };
  RequestFailedError: new (...a: unknown[]) => { readonly failed: unique symbol };
  ResponseInvalidError: new (...a: unknown[]) => { readonly invalid: unique symbol };
}
const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;

const T_COUNTER64 = snmp.ObjectType.Counter64;
const T_NO_SUCH_OBJECT = snmp.ObjectType.NoSuchObject;
const T_NO_SUCH_INSTANCE = snmp.ObjectType.NoSuchInstance;
const T_END_OF_MIB_VIEW = snmp.ObjectType.EndOfMibView;

function isException(type: number): boolean {
  return type === T_NO_SUCH_OBJECT || type === T_NO_SUCH_INSTANCE || type === T_END_OF_MIB_VIEW;
}

function convert(vb: Varbind): SnmpValue {
  return vb.type === T_COUNTER64 ? counter64ToBigInt(vb.value as Buffer) : (vb.value as SnmpValue);
}

/** Instance suffix after `dotPrefixLen` characters: a number for a single integer sub-identifier, else the string. */
function indexKey(oid: string, dotPrefixLen: number): number | string {
  const suffix = oid.substring(dotPrefixLen);
  if (suffix.indexOf('.') < 0) {
    const n = +suffix;
    if (Number.isSafeInteger(n)) return n;
  }
  return suffix;
}

/** Compares two dotted OIDs numerically: <0, 0, >0. */
export function compareOids(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * How to split `n` columns into concurrent GETBULK walks once the agent's per-response varbind
 * limit `cap` is known (snmpsim: 64, snmpd: maxGetbulkResponses 100). Rows per request become
 * floor(cap / size), so groups whose size divides the cap fill every response. Returns group sizes,
 * largest first; one group when splitting gains nothing.
 */
export function planGroups(n: number, cap: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left > 0) {
    let best = 1;
    let bestFill = 0;
    for (let s = Math.min(left, cap); s >= 1; s--) {
      const fill = s * Math.floor(cap / s);
      if (fill > bestFill) { best = s; bestFill = fill; }
    }
    sizes.push(best);
    left -= best;
  }
  return sizes;
}

interface Walk { dot: string; next: string; out: Column; done: boolean }

/** Requests outstanding at once per agent. */
const MAX_IN_FLIGHT = 4;

class NetSnmpClient implements SnmpClient {
  readonly target: string;
  private readonly session: NetSnmpSession;
  /** Largest number of varbinds the agent put in one truncated GETBULK response (learnt). */
  private cap = 0;
  private lastSessionError: Error | undefined;
  private closed = false;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Requests sent (GET and GETBULK, not retransmissions) and varbinds received, for benchmarks. */
  readonly stats = { requests: 0, varbinds: 0 };

  constructor(private readonly t: SnmpTarget) {
    this.target = `${t.host}:${t.port}`;
    const options = {
      port: t.port,
      timeout: Math.max(1, Math.round(t.timeout * 1000)),
      retries: t.retries,
      transport: t.host.includes(':') ? 'udp6' : 'udp4',
      idBitsSize: 32,
    };
    if (t.version === '3') {
      if (!t.user || !t.authKey || !t.privKey || !t.authProtocol || !t.privProtocol) throw new SnmpError('SNMPv3 needs user, auth protocol and key, priv protocol and key', 'other');
      const user = {
        name: t.user,
        level: snmp.SecurityLevel.authPriv,
        authProtocol: snmp.AuthProtocols[t.authProtocol],
        authKey: t.authKey,
        privProtocol: snmp.PrivProtocols[t.privProtocol],
        privKey: t.privKey,
      };
      this.session = snmp.createV3Session(t.host, user, { ...options, version: snmp.Version3, context: t.context ?? '' });
    } else {
      if (t.community === undefined) throw new SnmpError('SNMP v2c needs a community', 'other');
      this.session = snmp.createSession(t.host, t.community, { ...options, version: snmp.Version2c });
    }
    // A response that cannot be decoded (e.g. wrong privacy key) is emitted here, not on the request.
    this.session.on('error', (e) => { this.lastSessionError = e; log.debug({ switch: t.name, err: e?.message }, 'undecodable SNMP message'); });
  }

  /** Words a net-snmp error for a person; never includes a secret. */
  private wrap(err: unknown): SnmpError {
    if (err instanceof SnmpError) return err;
    const e = err as { message?: string; code?: number };
    if (err instanceof snmp.RequestTimedOutError) {
      if (this.t.version === '2c') return new SnmpError('no answer (wrong community or unreachable)', 'timeout');
      if (this.lastSessionError) return new SnmpError('no usable answer: the response could not be decoded (wrong SNMPv3 privacy key or protocol?)', 'auth');
      return new SnmpError('no answer (unreachable, unknown SNMPv3 user, or wrong privacy key or protocol)', 'timeout');
    }
    if (err instanceof snmp.ResponseInvalidError && e.code === snmp.ResponseInvalidCode.EAuthFailure) {
      // RFC 3414 3.2: the agent's usmStats report, or our own check of the response's digest.
      const what = String(e.message);
      const hint = /digest/i.test(what) ? 'wrong authentication key or protocol'
        : /user/i.test(what) ? 'unknown user'
          : /decrypt/i.test(what) ? 'wrong privacy key or protocol'
            : /security ?level/i.test(what) ? 'the user does not allow authPriv'
              : /time window/i.test(what) ? 'not in time window (agent clock or engine boots)'
                : 'authentication failed';
      return new SnmpError(`SNMPv3 ${hint}`, 'auth');
    }
    if (/decrypt/i.test(String(e?.message))) return new SnmpError('SNMPv3 could not decrypt the response (wrong privacy key, or wrong auth or privacy protocol)', 'auth');
    if (err instanceof snmp.RequestFailedError) return new SnmpError(`agent error ${e.message}`, 'protocol');
    return new SnmpError(e?.message ?? String(err), 'other');
  }

  /**
   * Runs `fn` when fewer than MAX_IN_FLIGHT requests are outstanding. Concurrent walks overlap
   * round trips, but a switch answers one request at a time: too many queued at a slow agent
   * would outlast the timeout and be sent again.
   */
  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private rawBulk(oids: string[], rows: number): Promise<Varbind[][]> {
    return this.slot(() => {
      this.stats.requests++;
      return new Promise((resolve, reject) => {
        this.session.getBulk(oids, 0, rows, (err, vbs) => (err ? reject(this.wrap(err)) : resolve(vbs ?? [])));
      });
    });
  }

  get(oids: readonly string[]): Promise<(SnmpValue | null)[]> {
    return this.slot(() => this.rawGet(oids));
  }

  private rawGet(oids: readonly string[]): Promise<(SnmpValue | null)[]> {
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      this.session.get(oids.slice(), (err, vbs) => {
        if (err) return reject(this.wrap(err));
        const out: (SnmpValue | null)[] = new Array(oids.length);
        for (let i = 0; i < oids.length; i++) {
          const vb = vbs?.[i];
          out[i] = !vb || isException(vb.type) ? null : convert(vb);
        }
        resolve(out);
      });
    });
  }

  async bulkColumns(oids: readonly string[], maxRepetitions: number): Promise<Map<string, Column>> {
    const result = new Map<string, Column>();
    const walks: Walk[] = [];
    for (const oid of oids) {
      if (result.has(oid)) continue;
      const out: Column = new Map();
      result.set(oid, out);
      walks.push({ dot: oid + '.', next: oid, out, done: false });
    }
    await this.walk(walks, Math.max(1, maxRepetitions | 0), false);
    return result;
  }

  /** Walks `walks` together until every one left its subtree; splits into concurrent groups once the agent's limit is known. */
  private async walk(walks: Walk[], maxRepetitions: number, planned: boolean): Promise<void> {
    let active = walks;
    while (active.length > 0) {
      if (this.cap > 0 && !planned && active.length > 1) {
        planned = true;
        const sizes = planGroups(active.length, this.cap);
        if (sizes.length > 1) {
          const groups: Walk[][] = [];
          let at = 0;
          for (const s of sizes) { groups.push(active.slice(at, at + s)); at += s; }
          await Promise.all(groups.map((g) => this.walk(g, maxRepetitions, true)));
          return;
        }
      }
      const n = active.length;
      // Before the agent's limit is known ask maxRepetitions rows; after, exactly what fits.
      const rows = this.cap > 0 ? Math.max(1, Math.floor(this.cap / n)) : maxRepetitions;
      let cols: Varbind[][];
      try {
        cols = await this.rawBulk(active.map((w) => w.next), rows);
      } catch (err) {
        const e = err as SnmpError;
        if (e.kind !== 'protocol') throw e;
        // RFC 3416 4.2.3 lets an agent truncate a GETBULK response, but some answer tooBig instead:
        // ask for half as many varbinds and go on.
        if (/toobig/i.test(e.message) && n * rows > 1) {
          this.cap = Math.max(1, Math.floor((n * rows) / 2));
          planned = false;
          continue;
        }
        // The agent refused the request (genErr, tooBig ...): walk each column alone, so that one
        // bad column never loses the others.
        if (n === 1) {
          log.warn({ switch: this.t.name, column: active[0].dot.slice(0, -1), err: e.message }, 'column walk failed; column skipped');
          return;
        }
        await Promise.all(active.map((w) => this.walk([w], maxRepetitions, true)));
        return;
      }
      let total = 0;
      let ended = false;
      for (let c = 0; c < n; c++) {
        const w = active[c];
        const list = cols[c];
        if (!list || list.length === 0) continue;
        total += list.length;
        const before = w.next;
        const dot = w.dot;
        const dotLen = dot.length;
        for (let i = 0; i < list.length; i++) {
          const vb = list[i];
          if (isException(vb.type) || !vb.oid.startsWith(dot)) { w.done = true; ended = true; break; }
          w.out.set(indexKey(vb.oid, dotLen), convert(vb));
          w.next = vb.oid;
        }
        // An agent that does not move forward would loop for ever (RFC 3416 4.2.3 requires lexicographic order).
        if (!w.done && compareOids(w.next, before) <= 0) {
          log.warn({ switch: this.t.name, column: dot.slice(0, -1), oid: w.next }, 'agent returned OIDs out of order; column stopped');
          w.done = true;
        }
      }
      this.stats.varbinds += total;
      if (total === 0) throw new SnmpError('empty GETBULK response', 'protocol');
      // A short response while every column still had rows: the agent's per-response limit.
      if (total < n * rows && !ended && total > this.cap) this.cap = total;
      active = active.filter((w) => !w.done);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.session.close(); } catch { /* already closed */ }
  }
}

/** Opens a UDP session to one agent (v2c or v3 authPriv). Creating it sends nothing. */
export function createSnmpClient(target: SnmpTarget): SnmpClient {
  return new NetSnmpClient(target);
}
