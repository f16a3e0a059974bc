// Reads a PeeringDB network export (the /api/net JSON: {"data":[{asn,name,info_type,...}]}) for member
// categories and names. Pure apart from the caller giving it text; it never calls PeeringDB itself.
import type { MemberCategory } from '../config/types.ts';

/** One network of a PeeringDB export, reduced to what ixmeter uses. */
export interface PeeringDbNet {
  asn: number;
  name?: string;
  infoType?: string;
  category: MemberCategory;
}

/** A PeeringDB file that cannot be used; the message names the JSON path of the problem. */
export class PeeringDbError extends Error {
  constructor(readonly file: string, readonly path: string, detail: string) {
    super(`${file}: ${path}: ${detail}`);
    this.name = 'PeeringDbError';
  }
}

/**
 * PeeringDB info_type → ixmeter category. Decisions (documented in docs of the members command):
 * - "Network Services" (DNS, NTP, anycast services): `other`. They neither sell transit like an NSP
 *   nor are they the content the local-content share is about; an operator can override in the config.
 * - "Route Collector": `route-server` (IXP infrastructure, no transit of its own, carries no traffic).
 * - "Not Disclosed", empty or unknown: `other`.
 */
export const INFO_TYPE_CATEGORY: Record<string, MemberCategory> = {
  'nsp': 'nsp',
  'content': 'content',
  'cable/dsl/isp': 'isp',
  'enterprise': 'enterprise',
  'educational/research': 'education',
  'non-profit': 'non-profit',
  'route server': 'route-server',
  'network services': 'other',
  'route collector': 'route-server',
  'government': 'government',
  'not disclosed': 'other',
};

/** Category of a PeeringDB info_type (case-insensitive); `other` for anything unknown. */
export function categoryOfInfoType(infoType: string | null | undefined): MemberCategory {
  if (!infoType) return 'other';
  return INFO_TYPE_CATEGORY[infoType.trim().toLowerCase()] ?? 'other';
}

/** Parses PeeringDB JSON text: `{"data": [...]}` (API answer) or a bare array of net objects. */
export function parsePeeringDb(text: string, file = '<peeringdb>'): { nets: PeeringDbNet[]; warnings: string[] } {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new PeeringDbError(file, '$', `not JSON (${(e as Error).message})`); }
  let list: unknown;
  let base = '';
  if (Array.isArray(doc)) list = doc;
  else if (doc && typeof doc === 'object' && Array.isArray((doc as { data?: unknown }).data)) { list = (doc as { data: unknown[] }).data; base = 'data'; }
  else throw new PeeringDbError(file, '$', 'expected an object with a "data" array (PeeringDB /api/net answer) or an array');
  const nets: PeeringDbNet[] = [];
  const warnings: string[] = [];
  (list as unknown[]).forEach((n, i) => {
    const p = `${base}[${i}]`;
    if (!n || typeof n !== 'object') throw new PeeringDbError(file, p, `expected object, got ${JSON.stringify(n)}`);
    const o = n as Record<string, unknown>;
    if (typeof o.asn !== 'number' || !Number.isInteger(o.asn) || o.asn < 1) throw new PeeringDbError(file, `${p}.asn`, `expected integer, got ${JSON.stringify(o.asn)}`);
    // PeeringDB moved from info_type (string) to info_types (array) in 2023; read both.
    let infoType: string | undefined;
    if (typeof o.info_type === 'string' && o.info_type) infoType = o.info_type;
    else if (Array.isArray(o.info_types) && typeof o.info_types[0] === 'string') infoType = o.info_types[0];
    if (infoType && !(infoType.trim().toLowerCase() in INFO_TYPE_CATEGORY)) warnings.push(`${file}: ${p}.info_type: unknown value ${JSON.stringify(infoType)}, category 'other'`);
    nets.push({
      asn: o.asn,
      name: typeof o.name === 'string' && o.name ? o.name : undefined,
      infoType,
      category: categoryOfInfoType(infoType),
    });
  });
  return { nets, warnings };
}
