// A map-backed SnmpClient for unit tests (OID → typed value, walk by prefix, like telegraf's
// testSNMPConnection). No network. It can be told to time out or to fail columns.
import { SnmpError, type Column, type SnmpClient, type SnmpValue } from '../../collector/snmp/index.ts';

/** Options to make the fake misbehave. */
export interface FakeSnmpOptions {
  /** Every request rejects with this (e.g. a timeout). */
  fail?: SnmpError;
  /** Column OIDs whose walk yields nothing, as a refusing agent's would. */
  failColumns?: string[];
  target?: string;
}

export class FakeSnmp implements SnmpClient {
  readonly target: string;
  readonly values: Map<string, SnmpValue>;
  /** Calls made, for assertions: ['bulk', oids] / ['get', oids]. */
  readonly calls: { op: 'bulk' | 'get'; oids: string[] }[] = [];
  closed = false;

  constructor(values: Map<string, SnmpValue> | Record<string, SnmpValue>, private readonly opts: FakeSnmpOptions = {}) {
    this.values = values instanceof Map ? new Map(values) : new Map(Object.entries(values));
    this.target = opts.target ?? '192.0.2.1:161';
  }

  /** Parses snmprec text (`OID|TYPE|VALUE`, see shared/data/snmprec/README.md) into typed values. */
  static fromSnmprec(text: string, opts?: FakeSnmpOptions): FakeSnmp {
    const m = new Map<string, SnmpValue>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      const a = line.indexOf('|');
      const b = line.indexOf('|', a + 1);
      const oid = line.slice(0, a);
      let tag = line.slice(a + 1, b);
      const raw = line.slice(b + 1);
      const hex = tag.endsWith('x');
      if (hex) tag = tag.slice(0, -1);
      switch (tag) {
        case '2': case '65': case '66': case '67': m.set(oid, Number(raw)); break;
        case '70': m.set(oid, BigInt(raw)); break;
        case '4': m.set(oid, hex ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'utf8')); break;
        default: m.set(oid, raw);
      }
    }
    return new FakeSnmp(m, opts);
  }

  async bulkColumns(oids: readonly string[], _maxRepetitions: number): Promise<Map<string, Column>> {
    this.calls.push({ op: 'bulk', oids: [...oids] });
    if (this.opts.fail) throw this.opts.fail;
    const out = new Map<string, Column>();
    for (const col of oids) {
      const c: Column = new Map();
      out.set(col, c);
      if (this.opts.failColumns?.includes(col)) continue;
      const dot = col + '.';
      for (const [oid, v] of this.values) {
        if (!oid.startsWith(dot)) continue;
        const suffix = oid.slice(dot.length);
        c.set(/^\d+$/.test(suffix) ? Number(suffix) : suffix, v);
      }
    }
    return out;
  }

  async get(oids: readonly string[]): Promise<(SnmpValue | null)[]> {
    this.calls.push({ op: 'get', oids: [...oids] });
    if (this.opts.fail) throw this.opts.fail;
    return oids.map((o) => this.values.get(o) ?? null);
  }

  close(): void { this.closed = true; }
}
