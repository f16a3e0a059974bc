// The sFlow figures other pages show beside their own (overview: the IPv6 share; impact: the measured local
// content share and the IPv6 share): one fetch of the peering API, formatted with its error and coverage. What a
// role may see is the API's decision; a refusal or an IXP without sFlow data simply shows no figure.
import type { PeeringResponse, PeeringShare } from '../../api.ts';
import { get, seg } from './api.ts';
import { int, pct } from './format.ts';
import { t } from './i18n.ts';

/** The month's peering answer for an IXP (the API's default month when `month` is undefined), or null. */
export async function loadPeering(ixp: string, month?: string): Promise<PeeringResponse | null> {
  try {
    const r = await get<PeeringResponse>(`/ixps/${seg(ixp)}/peering`, month ? { month } : {});
    return r.coverage.windows > 0 ? r : null;
  } catch {
    return null;
  }
}

/** "12.3 % ± 0.4 %", or a dash without a share. */
export function shareWithError(s: PeeringShare | undefined): string {
  if (!s || s.share === null) return '\u2014';
  return s.error === null ? pct(s.share, 1) : `${pct(s.share, 1)} \u00b1 ${pct(s.error, 1)}`;
}

/** The exchange's IPv6 share of an answer (a member's answer carries it apart from its own). */
export function exchangeIpv6(r: PeeringResponse): PeeringShare {
  return r.scope === 'member' && r.exchangeIpv6 ? r.exchangeIpv6 : r.ipv6;
}

const rateOf = (c: PeeringResponse['coverage']) => (c.rateMin === null ? '?' : c.rateMin === c.rateMax || c.rateMax === null ? int(c.rateMin) : `${int(c.rateMin)}\u2013${int(c.rateMax)}`);
const windowShare = (c: PeeringResponse['coverage']) => pct(c.expectedWindows > 0 ? c.windows / c.expectedWindows : null, 1);

/** Windows with sFlow data, samples and sampling rate: the coverage of every sFlow figure. */
export function sflowCoverage(r: PeeringResponse): string {
  return t('sflow.coverage', { pct: windowShare(r.coverage), samples: int(r.coverage.samples), rate: rateOf(r.coverage) });
}

/** The same, short, for a table cell (windows and sampling rate). */
export function sflowCoverageShort(r: PeeringResponse): string {
  return t('sflow.coverageShort', { pct: windowShare(r.coverage), rate: rateOf(r.coverage) });
}
