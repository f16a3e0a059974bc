// The monthly report's sFlow section: the exchange's IPv6 share of the month (IPv6 bytes over all bytes in the
// matrix) and each member's, and the local content share measured from the matrix, each with its sampling error,
// the sampling rate and the windows' coverage; and its pieces for the headlines, HTML and CSV. loadPeeringSection
// is the only read of the store (tables p2p, p2p_windows); the rest is pure. No section without sFlow windows.
import { peeringFigures, type Share } from '../../collector/sflow/figures.ts';
import { memberLabel } from '../../collector/sflow/macs.ts';
import { WINDOW_MS, type P2pCoverage, type P2pTotal } from '../../collector/sflow/store.ts';
import type { PeeringReader } from '../readers/peering.ts';
import { fill, formatters, STRINGS_PEERING } from './i18n.ts';
import type { ReportLang, ReportModel } from './model.ts';
import { esc } from './svg.ts';

/** One member's IPv6 share in the report. */
export interface PeeringMemberShare {
  asn: number;
  name: string;
  /** Bytes it sent and received in the matrix. */
  bytes: number;
  ipv6Bytes: number;
  /** ipv6Bytes / bytes; null when it exchanged nothing. */
  ipv6Share: number | null;
  /** Absolute standard error of ipv6Share. */
  ipv6Error: number | null;
  samples: number;
}

/** The report's sFlow section (`peering` in the JSON contract). Shares are 0..1, errors absolute (one standard error). */
export interface PeeringSection {
  /** How the figures were computed, in the report's language. */
  method: string;
  coverage: {
    /** 5-minute windows of the month (up to now) with sFlow data, of `expectedWindows`. */
    windows: number;
    expectedWindows: number;
    /** windows / expectedWindows. */
    share: number;
    samples: number;
    /** Lowest and highest sampling rate seen (1:N). */
    rateMin: number | null;
    rateMax: number | null;
  };
  totalBytes: number;
  /** IPv6 bytes over all bytes in the matrix. */
  ipv6: Share;
  /** Measured local content: bytes content members sent to the others over all bytes exchanged. */
  localContent: Share;
  /** Bytes from or to MACs no source maps to a member, over all bytes. */
  unknown: Share;
  /** Members in the matrix, most bytes first. */
  members: PeeringMemberShare[];
}

/** A member as the section needs it. */
export interface SectionMember { asn: number; name: string; category: string }

/**
 * Pure: the section from the month's matrix sums and window coverage. `expectedWindows` is the month's 5-minute
 * windows up to now. Null when no window holds sFlow data (the report then has no section, never a zero).
 */
export function peeringSection(rows: P2pTotal[], cov: Pick<P2pCoverage, 'windows' | 'samples' | 'rateMin' | 'rateMax'>, members: SectionMember[], expectedWindows: number, lang: ReportLang): PeeringSection | null {
  if (cov.windows === 0) return null;
  const f = peeringFigures(rows, members.map((m) => ({ label: memberLabel(m.asn), asn: m.asn, name: m.name, category: m.category })));
  const byLabel = new Map(members.map((m) => [memberLabel(m.asn), m]));
  return {
    method: STRINGS_PEERING[lang].method,
    coverage: {
      windows: cov.windows, expectedWindows, share: expectedWindows > 0 ? Math.min(1, cov.windows / expectedWindows) : 0,
      samples: cov.samples, rateMin: cov.rateMin, rateMax: cov.rateMax,
    },
    totalBytes: f.totalBytes,
    ipv6: f.ipv6,
    localContent: f.localContent,
    unknown: f.unknown,
    members: f.members.flatMap((m) => {
      const info = byLabel.get(m.label);
      const asn = info?.asn ?? Number(m.label.replace(/^AS/, ''));
      if (!Number.isSafeInteger(asn)) return [];
      return [{ asn, name: info?.name ?? m.label, bytes: m.sent + m.received, ipv6Bytes: m.ipv6, ipv6Share: m.ipv6Share, ipv6Error: m.ipv6Error, samples: m.samples }];
    }),
  };
}

/** Reads the month's matrix from the store and builds the section; null without a p2p table or sFlow windows. */
export async function loadPeeringSection(peering: PeeringReader, ixp: string, o: { from: number; to: number; now: number; lang: ReportLang; members: SectionMember[] }): Promise<PeeringSection | null> {
  const end = Math.min(o.to, Math.floor(o.now / WINDOW_MS) * WINDOW_MS);
  const expected = Math.max(0, Math.round((end - o.from) / WINDOW_MS));
  const cov = await peering.coverage(ixp, o.from, o.to);
  if (cov.windows === 0) return null;
  return peeringSection(await peering.totals(ixp, o.from, o.to), cov, o.members, expected, o.lang);
}

type Report = Omit<ReportModel, 'headlines'>;

const rateText = (c: PeeringSection['coverage']) =>
  (c.rateMin === null ? '1:?' : c.rateMin === c.rateMax || c.rateMax === null ? `1:${c.rateMin}` : `1:${c.rateMin}–1:${c.rateMax}`);

/** Headline sentences: the IPv6 share and the measured local content share, when the report has sFlow data. */
export function peeringHeadlines(r: Report): string[] {
  const p = r.peering;
  if (!p) return [];
  const f = formatters(r.lang, r.currency);
  const s = STRINGS_PEERING[r.lang];
  const out: string[] = [];
  if (p.ipv6.share !== null) {
    out.push(fill(s.headIpv6, { pct: f.pct(p.ipv6.share), err: f.pct(p.ipv6.error), ixp: r.ixp.name, month: f.month(r.period.month), rate: rateText(p.coverage), n: f.int(p.coverage.samples), cov: f.pct(p.coverage.share) }));
  }
  if (p.localContent.share !== null) {
    out.push(fill(s.headContent, { pct: f.pct(p.localContent.share), err: f.pct(p.localContent.error), ports: f.pct(r.ixp.localContentShare) }));
  }
  return out;
}

/** HTML rows for the figures table (beside the port-based local content share); empty without sFlow data. */
export function peeringFigureRows(r: ReportModel): string {
  const p = r.peering;
  if (!p) return '';
  const f = formatters(r.lang, r.currency);
  const s = STRINGS_PEERING[r.lang];
  const pm = (x: Share) => (x.share === null ? '–' : `${f.pct(x.share)} ± ${f.pct(x.error)}`);
  const note = `${s.rate} ${rateText(p.coverage)}; ${f.int(p.coverage.samples)} ${s.samples}; ${f.pct(p.coverage.share)} ${s.windows}`;
  const row = (id: string, label: string, value: string, n: string) => `<tr data-testid="${id}"><th>${esc(label)}</th><td class="n">${esc(value)}</td><td>${esc(n)}</td></tr>`;
  return row('fig-sflow-content', s.contentMeasured, pm(p.localContent), `${s.contentPorts}: ${f.pct(r.ixp.localContentShare)}; ${note}`)
    + '\n' + row('fig-sflow-ipv6', s.ipv6, pm(p.ipv6), `${f.pct(p.unknown.share)} ${s.unknown}; ${note}`);
}

/** The section's own HTML: each member's IPv6 share and the method; empty without sFlow data. */
export function peeringHtml(r: ReportModel): string {
  const p = r.peering;
  if (!p) return '';
  const f = formatters(r.lang, r.currency);
  const s = STRINGS_PEERING[r.lang];
  const rows = p.members.map((m) => `<tr data-testid="ipv6-member-${m.asn}"><td>${esc(m.name)}</td><td class="n">AS${m.asn}</td><td class="n">${esc(f.bytes(m.bytes))}</td><td class="n">${esc(f.bytes(m.ipv6Bytes))}</td><td class="n">${esc(f.pct(m.ipv6Share))}</td><td class="n">± ${esc(f.pct(m.ipv6Error))}</td><td class="n">${esc(f.int(m.samples))}</td></tr>`).join('\n');
  return `<div class="fig" data-testid="sflow-section"><h2>${esc(s.members)}</h2>
<table data-testid="ipv6-members"><tr><th>${esc(s.members.split(' (')[0]!)}</th><th class="n">ASN</th><th class="n">${esc(s.exchanged)}</th><th class="n">${esc(s.ipv6Bytes)}</th><th class="n">IPv6</th><th class="n">${esc(s.error)}</th><th class="n">${esc(s.samples)}</th></tr>
${rows}
</table>
<p class="meta" data-testid="sflow-method"><b>${esc(s.title)}.</b> ${esc(p.method)} ${esc(s.rate)} ${esc(rateText(p.coverage))}; ${esc(f.pct(p.coverage.share))} ${esc(s.windows)}.</p></div>`;
}

/** CSV columns the section adds (empty cells without sFlow data). */
export const PEERING_CSV_COLUMNS = [
  'ipv6_share', 'ipv6_share_error', 'measured_local_content_share', 'measured_local_content_share_error', 'sflow_samples', 'sflow_window_coverage', 'sflow_rate_min', 'sflow_rate_max',
] as const;

/** The section's CSV cells of a member row (asn) or of the total row (no asn), in PEERING_CSV_COLUMNS order. */
export function peeringCsvCells(r: ReportModel, asn?: number): (number | null)[] {
  const p = r.peering;
  if (!p) return PEERING_CSV_COLUMNS.map(() => null);
  if (asn !== undefined) {
    const m = p.members.find((x) => x.asn === asn);
    return [m?.ipv6Share ?? null, m?.ipv6Error ?? null, null, null, m?.samples ?? null, null, null, null];
  }
  return [p.ipv6.share, p.ipv6.error, p.localContent.share, p.localContent.error, p.coverage.samples, p.coverage.share, p.coverage.rateMin, p.coverage.rateMax];
}
