// Server-side SVG charts for the printable report (no script, prints in any browser). Every text that
// reaches the SVG goes through esc(): member names come from switches and member lists (untrusted).

/** Escapes text for HTML and SVG content and attributes. */
export function esc(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const W = 720;

/** Line chart of two series (in/out) over time. */
export function lineChart(points: { t: number; a: number | null; b: number | null }[], o: { labelA: string; labelB: string; unit: string; fmt: (v: number) => string; title: string; from?: number; to?: number; maxGapMs?: number }): string {
  const H = 220;
  const L = 60;
  const B = 30;
  if (!points.length) return `<svg role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${W} 40" width="100%"><text x="10" y="25">–</text></svg>`;
  const t0 = o.from ?? points[0]!.t;
  const t1 = o.to ?? (points[points.length - 1]!.t || t0 + 1);
  const maxGap = o.maxGapMs ?? Infinity;
  const max = Math.max(1, ...points.flatMap((p) => [p.a ?? 0, p.b ?? 0]));
  const x = (t: number) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - 10);
  const y = (v: number) => H - B - (v / max) * (H - B - 10);
  const path = (k: 'a' | 'b') => {
    // A missing sample lifts the pen: a gap is drawn as a gap, never as a line across it.
    let d = '';
    let pen = false;
    let last = -Infinity;
    for (const p of points) {
      const v = p[k];
      if (v === null || p.t - last > maxGap) pen = false;
      last = p.t;
      if (v === null) continue;
      d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
      if (!pen) d += `h0.8`; // a lone point stays visible
      pen = true;
    }
    return d;
  };
  return `<svg role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${W} ${H}" width="100%" class="chart">
<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#888"/><line x1="${L}" y1="10" x2="${L}" y2="${H - B}" stroke="#888"/>
<text x="${L - 4}" y="16" text-anchor="end" font-size="10">${esc(o.fmt(max))}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="10">0</text>
<path d="${path('a')}" fill="none" stroke="#1f77b4" stroke-width="1.2"/><path d="${path('b')}" fill="none" stroke="#ff7f0e" stroke-width="1.2"/>
<rect x="${L + 10}" y="${H - 14}" width="10" height="6" fill="#1f77b4"/><text x="${L + 24}" y="${H - 8}" font-size="10">${esc(o.labelA)}</text>
<rect x="${L + 110}" y="${H - 14}" width="10" height="6" fill="#ff7f0e"/><text x="${L + 124}" y="${H - 8}" font-size="10">${esc(o.labelB)}</text>
</svg>`;
}

/** Vertical bars (e.g. bytes per month) with an optional 0..1 line (e.g. content share). */
export function barChart(bars: { label: string; value: number; line?: number | null }[], o: { fmt: (v: number) => string; fmtLine?: (v: number) => string; title: string }): string {
  const H = 200;
  const L = 60;
  const B = 30;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const bw = (W - L - 10) / Math.max(1, bars.length);
  const y = (v: number) => H - B - (v / max) * (H - B - 10);
  const ly = (v: number) => H - B - v * (H - B - 10);
  let s = `<svg role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${W} ${H}" width="100%" class="chart">
<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#888"/><text x="${L - 4}" y="16" text-anchor="end" font-size="10">${esc(o.fmt(max))}</text>`;
  let line = '';
  bars.forEach((b, i) => {
    const x = L + i * bw;
    s += `<rect x="${(x + bw * 0.15).toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${(bw * 0.7).toFixed(1)}" height="${(H - B - y(b.value)).toFixed(1)}" fill="#1f77b4"><title>${esc(b.label)}: ${esc(o.fmt(b.value))}</title></rect>`;
    s += `<text x="${(x + bw / 2).toFixed(1)}" y="${H - B + 14}" text-anchor="middle" font-size="9">${esc(b.label)}</text>`;
    if (b.line != null) line += `${line ? 'L' : 'M'}${(x + bw / 2).toFixed(1)},${ly(b.line).toFixed(1)}`;
  });
  if (line) s += `<path d="${line}" fill="none" stroke="#2ca02c" stroke-width="1.5"/><text x="${W - 12}" y="16" text-anchor="end" font-size="10" fill="#2ca02c">${esc(o.fmtLine ? o.fmtLine(1) : '100%')}</text>`;
  return s + '</svg>';
}

/** Horizontal bars (e.g. savings per member). */
export function hbarChart(bars: { label: string; value: number }[], o: { fmt: (v: number) => string; title: string }): string {
  const row = 18;
  const L = 220;
  const H = Math.max(30, bars.length * row + 10);
  const max = Math.max(1, ...bars.map((b) => b.value));
  let s = `<svg role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${W} ${H}" width="100%" class="chart">`;
  bars.forEach((b, i) => {
    const w = (Math.max(0, b.value) / max) * (W - L - 110);
    const y = 5 + i * row;
    s += `<text x="${L - 6}" y="${y + 12}" text-anchor="end" font-size="10">${esc(b.label.length > 36 ? b.label.slice(0, 35) + '…' : b.label)}</text>`;
    s += `<rect x="${L}" y="${y + 2}" width="${w.toFixed(1)}" height="${row - 6}" fill="#2ca02c"/><text x="${(L + w + 4).toFixed(1)}" y="${y + 12}" font-size="10">${esc(o.fmt(b.value))}</text>`;
  });
  return s + '</svg>';
}
