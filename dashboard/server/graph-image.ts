// The exchange's aggregate traffic as a self-contained image for the IXP's own website (what MRTG and IXP Manager
// publish): an SVG with no script, no style element, no external reference and no font file (presentation
// attributes only, so it renders under any CSP), and the same drawing as PNG (sharp: libvips' SVG loader with the
// system fonts, 256-colour palette so that it stays small). Pure but for the PNG rasteriser. Every text goes through esc(): the IXP's name comes from its config.
import sharp from 'sharp';
import type { TrafficResponse } from '../api.ts';
import { esc } from '../reports/svg.ts';
import { tzOffset } from '../calendar.ts';

export type GraphSpan = 'day' | 'week' | 'month' | 'year';
export type GraphLang = 'en' | 'fr' | 'pt';

const LOCALE: Record<GraphLang, string> = { en: 'en-GB', fr: 'fr-FR', pt: 'pt-PT' };

const TEXT = {
  en: {
    title: { day: 'last 24 hours', week: 'last 7 days', month: 'last 30 days', year: 'last 365 days' },
    heading: 'traffic exchanged', inL: 'In (received from members)', outL: 'Out (sent to members)', max: 'Max', avg: 'Average', cur: 'Current',
    updated: 'Updated', method: (step: string, cov: string) => `Sum of member ports (SNMP, IF-MIB 64-bit counters), ${step} averages; trunks and the IXP's own ports are left out. Coverage ${cov}.`,
    none: 'no data in this period',
  },
  fr: {
    title: { day: '24 dernières heures', week: '7 derniers jours', month: '30 derniers jours', year: '365 derniers jours' },
    heading: 'trafic échangé', inL: 'Entrant (reçu des membres)', outL: 'Sortant (envoyé aux membres)', max: 'Max', avg: 'Moyenne', cur: 'Actuel',
    updated: 'Mis à jour', method: (step: string, cov: string) => `Somme des ports des membres (SNMP, compteurs IF-MIB 64 bits), moyennes sur ${step} ; liens entre commutateurs et ports de l'IXP exclus. Couverture ${cov}.`,
    none: 'aucune donnée sur cette période',
  },
  pt: {
    title: { day: 'últimas 24 horas', week: 'últimos 7 dias', month: 'últimos 30 dias', year: 'últimos 365 dias' },
    heading: 'tráfego trocado', inL: 'Entrada (recebido dos membros)', outL: 'Saída (enviado aos membros)', max: 'Máx', avg: 'Média', cur: 'Atual',
    updated: 'Atualizado', method: (step: string, cov: string) => `Soma das portas dos membros (SNMP, contadores IF-MIB de 64 bits), médias de ${step}; ligações entre comutadores e portas do IXP excluídas. Cobertura ${cov}.`,
    none: 'sem dados neste período',
  },
} as const;

/** What the image says besides the series. */
export interface GraphMeta {
  ixpName: string;
  timezone: string;
  span: GraphSpan;
  lang: GraphLang;
  /** When the image was drawn (epoch ms). */
  now: number;
}

const W = 720;
const H = 316;
const L = 64; // plot left
const R = 12;
const TOP = 46;
const PH = 170; // plot height
const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

/** Bits per second with SI prefix: 1.25 Gbit/s. */
export function formatBps(v: number, lang: GraphLang): string {
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1000 && i < units.length - 1) { x /= 1000; i++; }
  const n = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: x >= 100 || i === 0 ? 0 : x >= 10 ? 1 : 2 }).format(x);
  return `${n} ${units[i]}`;
}

/** A round axis maximum ≥ v: 1, 2, 2.5, 5 × 10^k. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Local wall-clock parts of an instant in a time zone. */
function local(t: number, tz: string): Date {
  return new Date(t + tzOffset(t, tz));
}

/** Tick instants (local round times) and their labels for a span. */
function ticks(from: number, to: number, span: GraphSpan, tz: string, lang: GraphLang): { t: number; label: string }[] {
  const loc = LOCALE[lang];
  const out: { t: number; label: string }[] = [];
  const fmt = (t: number, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(loc, { timeZone: tz, ...o }).format(new Date(t));
  const HOUR = 3_600_000;
  const DAY = 86_400_000;
  if (span === 'day' || span === 'week') {
    const every = span === 'day' ? 3 * HOUR : DAY;
    // First local round hour/day after `from`: step in local time, convert back with the offset at that instant.
    const l0 = local(from, tz).getTime();
    let lt = Math.ceil(l0 / every) * every;
    for (; ; lt += every) {
      const t = lt - tzOffset(lt, tz);
      if (t >= to) break;
      out.push({ t, label: span === 'day' ? fmt(t, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) : fmt(t, { weekday: 'short', day: 'numeric' }) });
    }
    return out;
  }
  // month: every 5 days at local midnight; year: the first of each month.
  const d = local(from, tz);
  const y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  let day = d.getUTCDate() + 1;
  for (let k = 0; k < 400; k++) {
    let lt: number;
    if (span === 'year') { m++; lt = Date.UTC(y, m, 1); } else { lt = Date.UTC(y, m, day); day += 5; }
    const t = lt - tzOffset(lt, tz);
    if (t >= to) break;
    if (t > from) out.push({ t, label: span === 'year' ? fmt(t, { month: 'short' }) : fmt(t, { day: 'numeric', month: 'short' }) });
  }
  return out;
}

/**
 * The SVG of one aggregate series. Gaps stay gaps; the in series is filled (as MRTG draws it), out is a line.
 * Figures below the plot: max, average and current of each direction, the coverage, the method and the time.
 */
export function renderGraphSvg(tr: TrafficResponse, meta: GraphMeta): string {
  const s = TEXT[meta.lang];
  const loc = LOCALE[meta.lang];
  const from = tr.period.from;
  const to = tr.period.to;
  const stepMs = tr.step * 1000;
  const vals = [...tr.inBps, ...tr.outBps].filter((v): v is number => v !== null);
  const max = niceMax(Math.max(0, ...vals));
  const x = (t: number) => L + ((t - from) / Math.max(1, to - from)) * (W - L - R);
  const y = (v: number) => TOP + PH - (v / max) * PH;
  const f1 = (n: number) => n.toFixed(1);
  // Paths: one subpath per run of present buckets (a missing bucket lifts the pen).
  const runs = (series: (number | null)[]) => {
    const out: { t: number; v: number }[][] = [];
    let cur: { t: number; v: number }[] = [];
    series.forEach((v, i) => {
      if (v === null) { if (cur.length) out.push(cur); cur = []; return; }
      cur.push({ t: tr.t[i]! + stepMs / 2, v });
    });
    if (cur.length) out.push(cur);
    return out;
  };
  const area = runs(tr.inBps).map((r) => `M${f1(x(r[0]!.t))},${f1(y(0))}` + r.map((p) => `L${f1(x(p.t))},${f1(y(p.v))}`).join('') + `L${f1(x(r[r.length - 1]!.t))},${f1(y(0))}Z`).join('');
  const line = runs(tr.outBps).map((r) => r.map((p, i) => `${i ? 'L' : 'M'}${f1(x(p.t))},${f1(y(p.v))}`).join('') + (r.length === 1 ? 'h0.8' : '')).join('');
  // Coverage: present buckets among those that have begun.
  const begun = tr.t.filter((t) => t < meta.now).length;
  const present = tr.t.filter((t, i) => t < meta.now && (tr.inBps[i] !== null || tr.outBps[i] !== null)).length;
  const coverage = begun ? present / begun : 0;
  const stats = (series: (number | null)[]) => {
    const v = series.filter((z): z is number => z !== null);
    if (!v.length) return '–';
    const last = [...series].reverse().find((z) => z !== null)!;
    return `${s.max} ${formatBps(Math.max(...v), meta.lang)} · ${s.avg} ${formatBps(v.reduce((a, b) => a + b, 0) / v.length, meta.lang)} · ${s.cur} ${formatBps(last, meta.lang)}`;
  };
  const pct = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 }).format(coverage);
  const stepText = tr.step < 3600 ? `${tr.step / 60} min` : tr.step < 86400 ? `${tr.step / 3600} h` : `${tr.step / 86400} d`;
  const updated = new Intl.DateTimeFormat(loc, { timeZone: meta.timezone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(meta.now));
  const grid: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    grid.push(`<line x1="${L}" y1="${f1(y(v))}" x2="${W - R}" y2="${f1(y(v))}" stroke="${k ? '#e3e3e3' : '#888'}" shape-rendering="crispEdges"/>`);
    grid.push(`<text x="${L - 4}" y="${f1(y(v) + 3)}" text-anchor="end" font-size="9">${esc(formatBps(v, meta.lang))}</text>`);
  }
  for (const tk of ticks(from, to, meta.span, meta.timezone, meta.lang)) {
    grid.push(`<line x1="${f1(x(tk.t))}" y1="${TOP}" x2="${f1(x(tk.t))}" y2="${TOP + PH}" stroke="#eee" shape-rendering="crispEdges"/>`);
    grid.push(`<text x="${f1(x(tk.t))}" y="${TOP + PH + 12}" text-anchor="middle" font-size="9">${esc(tk.label)}</text>`);
  }
  const title = `${meta.ixpName}: ${s.heading}, ${s.title[meta.span]}`;
  const by = TOP + PH + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="${FONT}" fill="#222" shape-rendering="crispEdges">
<title>${esc(title)}</title>
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${L}" y="20" font-size="14" font-weight="bold">${esc(title.length > 78 ? `${title.slice(0, 77)}…` : title)}</text>
<text x="${L}" y="34" font-size="9" fill="#555">${esc(`${s.updated} ${updated} (${meta.timezone})`)}</text>
${grid.join('\n')}
<path d="${area}" fill="#7cb342" stroke="none" shape-rendering="crispEdges"/>
<path d="${line}" fill="none" stroke="#1565c0" stroke-width="1.4"/>
${vals.length ? '' : `<text x="${(L + W - R) / 2}" y="${TOP + PH / 2}" text-anchor="middle" font-size="12" fill="#777">${esc(s.none)}</text>`}
<rect x="${L}" y="${by - 8}" width="10" height="8" fill="#7cb342"/><text x="${L + 14}" y="${by}" font-size="10">${esc(`${s.inL}: ${stats(tr.inBps)}`)}</text>
<rect x="${L}" y="${by + 6}" width="10" height="3" fill="#1565c0"/><text x="${L + 14}" y="${by + 14}" font-size="10">${esc(`${s.outL}: ${stats(tr.outBps)}`)}</text>
${s.method(stepText, pct).split(/\s?;\s/).map((line, i) => `<text x="${L}" y="${by + 32 + i * 11}" font-size="8.5" fill="#555">${esc(line)}</text>`).join('')}
<text x="${W - R}" y="${H - 6}" font-size="8" text-anchor="end" fill="#888">ixmeter</text>
</svg>`;
}

/** The same image as PNG: rendered by sharp (libvips, system fonts: DejaVu Sans on Debian and Raspberry Pi OS), palette-quantised. */
export async function renderGraphPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ palette: true, compressionLevel: 9 }).toBuffer();
}
