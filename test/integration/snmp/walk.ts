// Test support: runs net-snmp's own snmpbulkwalk (numeric OIDs, -On -Oe -Ot) and parses its output,
// an independent reading of an agent to compare the collector with. Test-only.
import { execFileP } from '../../helpers/proc.ts';

export type WalkValue = string | bigint;

/** Parses `snmpbulkwalk -On -Oe -Ot` output: OID (no leading dot) → string or integer (bigint). */
export function parseWalk(out: string): Map<string, WalkValue> {
  const m = new Map<string, WalkValue>();
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^\.(\d+(?:\.\d+)*) = (.*)$/.exec(lines[i]);
    if (!head) continue;
    const oid = head[1];
    let rest = head[2];
    if (rest.startsWith('STRING: "') || rest === '""' || rest.startsWith('"')) {
      let s = rest.slice(rest.indexOf('"') + 1);
      // A quoted string may span lines; it ends at an unescaped closing quote at end of line.
      while (!/(^|[^\\])(\\\\)*"$/.test(s) && i + 1 < lines.length) s += '\n' + lines[++i];
      s = s.slice(0, -1).replace(/\\(["\\])/g, '$1');
      m.set(oid, s);
      continue;
    }
    if (rest.startsWith('Hex-STRING:')) {
      let hex = rest.slice('Hex-STRING:'.length);
      while (i + 1 < lines.length && /^[0-9A-F ]+$/i.test(lines[i + 1]) && !lines[i + 1].startsWith('.')) hex += ' ' + lines[++i];
      m.set(oid, Buffer.from(hex.replace(/\s+/g, ''), 'hex').toString('utf8'));
      continue;
    }
    const num = /^(?:(?:Counter64|Counter32|Gauge32|INTEGER|Timeticks|UInteger32): )?(-?\d+)\s*$/.exec(rest);
    if (num) { m.set(oid, BigInt(num[1])); continue; }
    rest = rest.replace(/^[A-Za-z0-9-]+: /, '');
    m.set(oid, rest);
  }
  return m;
}

/** snmpbulkwalk of `oid` over v2c; parsed. */
export async function bulkwalk(host: string, port: number, community: string, oid: string): Promise<Map<string, WalkValue>> {
  const { stdout } = await execFileP('snmpbulkwalk', ['-v2c', '-c', community, '-On', '-Oe', '-Ot', '-t', '2', '-r', '1', '-Cr25', `${host}:${port}`, oid], { maxBuffer: 64 << 20 });
  return parseWalk(stdout);
}

/** Rows of a table walk: column number → (ifIndex → value). */
export function columns(walk: Map<string, WalkValue>, entry: string): Map<number, Map<number, WalkValue>> {
  const out = new Map<number, Map<number, WalkValue>>();
  const dot = entry + '.';
  for (const [oid, v] of walk) {
    if (!oid.startsWith(dot)) continue;
    const [col, idx, ...more] = oid.slice(dot.length).split('.');
    if (idx === undefined || more.length) continue; // not a table instance (some recordings hold such OIDs)
    let c = out.get(Number(col));
    if (!c) out.set(Number(col), (c = new Map()));
    c.set(Number(idx), v);
  }
  return out;
}
