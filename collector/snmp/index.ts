// The SNMP edge of the collector: the small SnmpClient interface every poller uses, the target
// shape, and pollSwitch (IF-MIB → Sample). Only client.ts talks to net-snmp; nothing here computes rates.
import type { SwitchConfig } from '../config/types.ts';
import { resolveSecret } from '../config/secrets.ts';

/**
 * A value as read from an agent: Integer32/Counter32/Gauge32/TimeTicks → number, Counter64 → bigint
 * (exact), OCTET STRING/Opaque → Buffer (a FakeSnmp may use a string), OID/IpAddress → string.
 */
export type SnmpValue = number | bigint | string | Buffer;

/** Rows of one column: instance suffix (a number for single-integer indexes such as ifIndex) → value. */
export type Column = Map<number | string, SnmpValue>;

/** The SNMP operations a poller needs. Implemented by client.ts (net-snmp) and test/fakes/FakeSnmp.ts. */
export interface SnmpClient {
  /** `host:port`, for error messages. */
  readonly target: string;
  /**
   * Walks several columns at once with GETBULK (one varbind per column per request), each column
   * until it leaves its subtree. Returns one map per requested column OID; a column that is absent
   * or that the agent refuses comes back empty and never loses the others. Rejects only when the
   * agent cannot be read at all (timeout, authentication).
   * @param maxRepetitions rows asked per request (the agent may return fewer; walking continues from the last OID).
   */
  bulkColumns(oids: readonly string[], maxRepetitions: number): Promise<Map<string, Column>>;
  /** GET of instances; null where the agent has no such object/instance. */
  get(oids: readonly string[]): Promise<(SnmpValue | null)[]>;
  /** Releases the socket. */
  close(): void;
  /** Requests sent and varbinds received so far (the net-snmp client counts; fakes may not). */
  readonly stats?: { requests: number; varbinds: number };
}

/** Where and how to reach one agent, with secrets already resolved. Never log it whole. */
export interface SnmpTarget {
  /** The switch's name, used in error text. */
  name: string;
  host: string;
  /** UDP port. Default 161. */
  port: number;
  version: '2c' | '3';
  community?: string;
  user?: string;
  authProtocol?: 'sha' | 'sha256';
  authKey?: string;
  privProtocol?: 'aes' | 'aes256b' | 'aes256r';
  privKey?: string;
  context?: string;
  /** Seconds to wait for each response. */
  timeout: number;
  /** Retransmissions of an unanswered request. */
  retries: number;
}

/** An SNMP failure, classified so that callers can word it. `message` never contains a secret. */
export class SnmpError extends Error {
  constructor(message: string, readonly kind: 'timeout' | 'auth' | 'protocol' | 'other') { super(message); }
}

/** Turns a validated switch config into a target, resolving secrets (env / file) now. */
export function targetFromConfig(sw: SwitchConfig): SnmpTarget {
  const base = { name: sw.name, host: sw.host, port: sw.port ?? 161, timeout: sw.timeout ?? 2, retries: sw.retries ?? 1 };
  const s = sw.snmp;
  if (s.version === '2c') return { ...base, version: '2c', community: resolveSecret(s.community, `switches.${sw.name}.snmp.community`) };
  return {
    ...base, version: '3', user: s.user, authProtocol: s.authProtocol, privProtocol: s.privProtocol, context: s.context,
    authKey: resolveSecret(s.authKey, `switches.${sw.name}.snmp.authKey`),
    privKey: resolveSecret(s.privKey, `switches.${sw.name}.snmp.privKey`),
  };
}

export { createSnmpClient } from './client.ts';
export { pollSwitch, systemClock, type PollTarget, type Clock } from './sample.ts';
export { counter64ToBigInt } from './counter64.ts';
