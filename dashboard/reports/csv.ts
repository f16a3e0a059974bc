// CSV rendering of impact reports: one row per member and one total row per IXP, numbers at full
// precision so the file parses back to the same figures (parseReportCsv). Pure.
import type { ReportModel } from './model.ts';
import { PEERING_CSV_COLUMNS, peeringCsvCells } from './peering.ts';
import { RESILIENCE_CSV_COLUMNS, resilienceCsvRows } from './resilience.ts';

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'ixp', 'month', 'currency', 'row', 'asn', 'name', 'category', 'buys_transit', 'bytes', 'bytes_received',
  'p95_in_mbps', 'p95_out_mbps', 'p95_mbps', 'transit_saved', 'net_saved', 'port_fee', 'local_content_share',
  'coverage', 'resolution_s', 'ports', 'capacity_mbps',
  // Part-month figures: the connected share and, for a month in progress, the projections (empty otherwise).
  'connected_share', 'transit_saved_projected', 'net_saved_projected',
  // sFlow (reports/peering.ts): IPv6 share and measured local content share with their errors and coverage.
  ...PEERING_CSV_COLUMNS,
  // The resilience section's rows (latency_local, latency_reference, outage; resilience.ts).
  ...RESILIENCE_CSV_COLUMNS,
] as const;

type Cell = string | number | boolean | null | undefined;

function cell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // Text from switches and member lists: a leading = + - @ would be a formula in a spreadsheet.
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One or more reports as CSV (RFC 4180, header line, CRLF). */
export function renderCsv(reports: ReportModel | ReportModel[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const lines = [CSV_COLUMNS.join(',')];
  const tail = ','.repeat(RESILIENCE_CSV_COLUMNS.length); // the resilience columns, empty on member and total rows
  for (const r of list) {
    for (const m of r.members) {
      lines.push([r.ixp.id, r.period.month, r.currency, 'member', m.asn, m.name, m.category, m.buysTransit, m.bytes, m.bytesReceived,
        m.p95InMbps, m.p95OutMbps, m.p95Mbps, m.transitSaved, m.netSaved, m.portFee, null, m.coverage, m.resolution, m.ports, m.capacityMbps,
        m.connectedShare, m.transitSavedProjected, m.netSavedProjected, ...peeringCsvCells(r, m.asn)].map(cell).join(',') + tail);
    }
    const x = r.ixp;
    lines.push([x.id, r.period.month, r.currency, 'total', null, x.name, null, null, x.bytes, null,
      x.p95InMbps, x.p95OutMbps, x.p95Mbps, x.transitSaved, x.netSaved, x.portFees, x.localContentShare, x.coverage, x.resolution, r.capacity.ports, r.capacity.capacityMbps,
      null, x.transitSavedProjected, x.netSavedProjected, ...peeringCsvCells(r)].map(cell).join(',') + tail);
    for (const row of resilienceCsvRows(r)) lines.push(CSV_COLUMNS.map((c) => cell(row[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Parses a report CSV back: numeric columns as numbers (empty → null), the rest as text. */
export function parseReportCsv(text: string): Record<string, string | number | boolean | null>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') q = false; else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += c;
  }
  if (f || row.length) { row.push(f); rows.push(row); }
  const [head, ...body] = rows;
  if (!head) return [];
  const text_cols = new Set(['ixp', 'month', 'currency', 'row', 'name', 'category', 'kind', 'target', 'start', 'end']);
  return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(head.map((h, i) => {
    const v = r[i] ?? '';
    if (text_cols.has(h)) return [h, v];
    if (h === 'buys_transit') return [h, v === '' ? null : v === 'true'];
    return [h, v === '' ? null : Number(v)];
  })));
}
