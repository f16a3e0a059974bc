// Keeps the metadata points forwarded to InfluxDB current: compares the IXP's, members' and ports' records
// (collector/figures/meta.ts) with the fingerprints in the meta table and appends a 'meta' row to the figures
// outbox for each one that changed (key = the record's JSON, t = the change time), in one transaction.
// SQLite only; never talks to InfluxDB (the forwarder sends the outbox).
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { DB } from './sqlite.ts';
import type { Store } from './index.ts';
import type { PollRecord } from './index.ts';
import type { Sample } from '../rates/types.ts';
import type { MemberRegistry } from '../members/registry.ts';
import { loadRoles } from '../members/roleStore.ts';
import {
  changedRecords, fingerprint, ixpInfo, memberInfo, portsHeldAt, metaKey, META_PREFIX, portInfos, portPrefix,
  type IxpInfoConfig, type MetaRecordLP, type StoredPort,
} from '../figures/meta.ts';

/** The latest row of each stored port (of one switch, or all), as ixp_port_info needs it. */
export function readStoredPorts(db: DB, switchName?: string): StoredPort[] {
  const where = switchName === undefined ? '' : 'AND p.switch = ?';
  const rows = db.prepare(
    `SELECT switch, name, alias, descr, speed_mbps, admin_status FROM ports p
      WHERE last_seen = (SELECT MAX(last_seen) FROM ports q WHERE q.switch = p.switch AND q.name = p.name) ${where}
      GROUP BY switch, name ORDER BY switch, name`,
  ).all(...(switchName === undefined ? [] : [switchName])) as
    { switch: string; name: string; alias: string; descr: string; speed_mbps: number | null; admin_status: number | null }[];
  return rows.map((r) => ({ switch: r.switch, port: r.name, alias: r.alias, descr: r.descr, speedMbps: r.speed_mbps, adminStatus: r.admin_status }));
}

function storedWithPrefix(db: DB, prefix: string): Map<string, string> {
  const rows = db.prepare('SELECT key, value FROM meta WHERE key >= ? AND key < ?').all(prefix, `${prefix}\uffff`) as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** What to compare: everything (collector start, after an import), or one switch's ports (after its poll). */
export type MetaScope =
  | { all: true; config: IxpInfoConfig; members: MemberRegistry }
  | { all?: false; switch: string };

/**
 * Appends a 'meta' outbox row for each record whose fingerprint changed, stores the new fingerprints, and returns
 * how many were appended (one transaction). With the whole scope, a member the registry no longer has gets its last
 * record again with `removed: true`.
 */
export function syncMeta(db: DB, scope: MetaScope, now: number): number {
  const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const outbox = db.prepare("INSERT INTO figures_outbox (kind, asn, t, key) VALUES ('meta', ?, ?, ?)");
  return db.transaction(() => {
    const roles = loadRoles(db);
    let changed: MetaRecordLP[];
    if (scope.all) {
      const ixp = ixpInfo(scope.config);
      const stored = new Map([
        ...storedWithPrefix(db, META_PREFIX.ixp_info), ...storedWithPrefix(db, META_PREFIX.ixp_member_info), ...storedWithPrefix(db, META_PREFIX.ixp_port_info),
      ]);
      const current: MetaRecordLP[] = [
        ...(ixp ? [ixp] : []),
        ...((list) => { const held = portsHeldAt(list, now); return list.map((m) => memberInfo(m, now, held)); })(scope.members.list()),
        ...portInfos(readStoredPorts(db), roles),
      ];
      changed = changedRecords(current, stored, true);
    } else {
      const current = portInfos(readStoredPorts(db, scope.switch), roles.filter((r) => r.switch === scope.switch));
      changed = changedRecords(current, storedWithPrefix(db, portPrefix(scope.switch)), false);
    }
    for (const r of changed) {
      const fp = fingerprint(r);
      put.run(metaKey(r), fp);
      outbox.run(r.m === 'ixp_member_info' ? r.asn : null, now, fp);
    }
    return changed.length;
  })();
}

/** The collector's metadata keeper: everything at start, a switch's ports after each of its stored polls. */
export interface MetaSync {
  start(): void;
  stop(): void;
  /** A poll listener: compares the switch's ports once the poll's port roles are stored too. */
  onPoll(poll: PollRecord, sample: Sample | null): void;
}

/**
 * Creates the keeper (nothing runs until start()). `kick` (the forwarder's) is called when rows were appended.
 * A failure is logged and never stops polling: the next poll or start compares again.
 */
export function createMetaSync(config: Config, deps: { store: Store; members: MemberRegistry; log: Logger; now?: () => number; kick?: () => void }): MetaSync {
  const now = deps.now ?? Date.now;
  let running = false;
  /** What each switch's ports were last compared from: the interfaces' described fields and the stack rows. */
  const compared = new Map<string, { ifs: string; stack: Sample['stack'] }>();
  const run = (what: string, scope: MetaScope): boolean => {
    if (!running) return false;
    try {
      const n = syncMeta(deps.store.db, scope, now());
      if (n) { deps.log.debug({ points: n, what }, 'metadata changed'); deps.kick?.(); }
      return true;
    } catch (e) {
      deps.log.sampled('error', `meta:${what}`, { err: (e as Error)?.message }, `metadata points (${what}): ${(e as Error)?.message}`);
      return false;
    }
  };
  return {
    start() { running = true; run('all', { all: true, config, members: deps.members }); },
    stop() { running = false; },
    onPoll(poll, sample) {
      if (!poll.ok || !sample) return;
      // Ports and their roles change only with what the switch reports (alias, descr, speed, admin status; type,
      // counters and stack rows decide roles): most polls skip the comparison (3 ms for 200 ports).
      const ifs = JSON.stringify(sample.interfaces.map((i) =>
        [i.ifIndex, i.name, i.alias, i.descr, i.speedMbps, i.adminStatus, i.ifType, i.inOctets !== null || i.outOctets !== null]));
      const last = compared.get(poll.switch);
      if (last && last.ifs === ifs && last.stack === sample.stack) return;
      // The collector stores the poll's port roles right after its listeners return: compare on the next turn.
      setImmediate(() => { if (run(poll.switch, { switch: poll.switch })) compared.set(poll.switch, { ifs, stack: sample.stack }); });
    },
  };
}
