// Port roles in the local store (migration 007): written by the collector when a switch's roles change, read by
// the member registry, `ixmeter members list` and the dashboard's SQLite reader. SQLite only; the decisions are roles.ts.
import type Database from 'better-sqlite3';
import type { PortRoleRow } from './roles.ts';

function hasTable(db: Database.Database): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'port_roles'").get();
}

/** Replaces one switch's role rows (one transaction). */
export function saveRoles(db: Database.Database, switchName: string, rows: PortRoleRow[], now: number): void {
  const del = db.prepare('DELETE FROM port_roles WHERE switch = ?');
  const ins = db.prepare(`INSERT INTO port_roles (switch, port, role, lag, counted, peer_switch, peer_port, link_name, why, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    del.run(switchName);
    for (const r of rows) ins.run(switchName, r.port, r.role, r.lag, r.counted, r.peer?.switch ?? null, r.peer?.port ?? null, r.peer?.name ?? null, r.why, now);
  })();
}

/** Every stored role row (all switches); [] on a store older than migration 007. */
export function loadRoles(db: Database.Database): PortRoleRow[] {
  if (!hasTable(db)) return [];
  const rows = db.prepare('SELECT switch, port, role, lag, counted, peer_switch, peer_port, link_name, why FROM port_roles ORDER BY switch, port').all() as
    { switch: string; port: string; role: PortRoleRow['role']; lag: string | null; counted: PortRoleRow['counted']; peer_switch: string | null; peer_port: string | null; link_name: string | null; why: string }[];
  return rows.map((r) => ({
    switch: r.switch, port: r.port, role: r.role, lag: r.lag, counted: r.counted,
    peer: r.peer_switch && r.peer_port ? { switch: r.peer_switch, port: r.peer_port, name: r.link_name } : null, why: r.why,
  }));
}

/** A poll listener's core: the roles of a sample, saved only when they differ from the last saved for that switch. */
export function createRoleWriter(db: () => Database.Database, now: () => number = Date.now) {
  const last = new Map<string, string>();
  return (switchName: string, rows: PortRoleRow[]): boolean => {
    const key = JSON.stringify(rows);
    if (last.get(switchName) === key) return false;
    saveRoles(db(), switchName, rows, now());
    last.set(switchName, key);
    return true;
  };
}
