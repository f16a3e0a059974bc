// chart.js set-up shared by the chart modules: registers only the parts we use (tree-shaken),
// the palette, a time axis in the IXP's zone, and a `data-points` mark the tests read.
// Must not fetch data; each chart module gets its numbers from the page.
import {
  Chart, LineController, LineElement, PointElement, BarController, BarElement,
  LinearScale, CategoryScale, Filler, Tooltip, Legend,
  type ChartConfiguration, type ChartDataset, type Scale,
} from 'chart.js';
import { axisTime, dateTime } from './format.ts';
import { t } from './i18n.ts';
import { timeTicks } from './tz.ts';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Filler, Tooltip, Legend);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#5b6675';
Chart.defaults.animation = false;

/** Series colours (in = blue, out = green, as IXP graphs usually show). */
export const COLORS = {
  in: '#2f6fde',
  inFill: 'rgba(47,111,222,0.14)',
  out: '#1f9d62',
  outFill: 'rgba(31,157,98,0.12)',
  err: '#d64545',
  discard: '#e0932b',
  grey: '#c5ccd6',
  amber: '#e0b12b',
  money: '#8a4fd6',
  grid: '#eef1f5',
};

/** Counts the finite non-zero values of a chart's datasets and writes them to `data-points` on the canvas. */
export function markRendered(chart: Chart): number {
  let n = 0;
  for (const ds of chart.data.datasets) {
    for (const v of ds.data as unknown[]) {
      const y = typeof v === 'number' ? v : (v && typeof v === 'object' && 'y' in v ? (v as { y: unknown }).y : null);
      if (typeof y === 'number' && Number.isFinite(y) && y !== 0) n += 1;
    }
  }
  chart.canvas.dataset.points = String(n);
  chart.canvas.dataset.datasets = String(chart.data.datasets.length);
  return n;
}

/** Destroys the chart already drawn on this canvas, if any (re-render after a refresh or language change). */
export function reset(canvas: HTMLCanvasElement): void {
  Chart.getChart(canvas)?.destroy();
}

/**
 * How a chart's text alternative reads its numbers (WCAG 1.1.1: a chart is an image; its key figures
 * must be there as text). Without `value`, numbers are formatted plainly in the active language.
 */
export interface ChartAlt {
  /** A value as the reader should hear it (unit included). */
  value?: (v: number, dataset: number) => string;
  /** Where point `i` is (a time or a category); defaults to the chart's category label. */
  at?: (i: number) => string;
  /** Said first (e.g. the period). */
  lead?: string;
  /** Replaces the per-series figures (for charts whose plotted values are not the figures). */
  summary?: string;
}

/** Series with at most this many points list every value; longer ones give peak, average and latest. */
const LIST_MAX = 12;

function plainNumber(v: number): string {
  return new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 }).format(v);
}

/**
 * The text alternative of a drawn chart: per dataset its peak (and where), average and latest value,
 * or every value for short category series; "no data" for an empty one. Nulls are gaps, not zeros.
 */
export function chartSummary(chart: Chart, alt: ChartAlt = {}): string {
  if (alt.summary !== undefined) return [alt.lead, alt.summary].filter(Boolean).join(' ');
  const labels = (chart.data.labels ?? []) as unknown[];
  const at = alt.at ?? ((i: number) => String(labels[i] ?? i + 1));
  const parts: string[] = alt.lead ? [alt.lead] : [];
  chart.data.datasets.forEach((ds, d) => {
    const fmt = (v: number) => (alt.value ? alt.value(v, d) : plainNumber(v));
    const label = String(ds.label ?? '');
    const pts: { i: number; y: number }[] = [];
    (ds.data as unknown[]).forEach((v, i) => {
      const y = typeof v === 'number' ? v : (v && typeof v === 'object' && 'y' in v ? (v as { y: unknown }).y : null);
      if (typeof y === 'number' && Number.isFinite(y)) pts.push({ i, y });
    });
    if (pts.length === 0) { parts.push(t('chart.alt.none', { label })); return; }
    if (labels.length > 0 && labels.length <= LIST_MAX) {
      parts.push(t('chart.alt.list', { label, values: pts.map((p) => `${at(p.i)} ${fmt(p.y)}`).join('; ') }));
      return;
    }
    const total = (ds.data as unknown[]).length;
    const cover = t('chart.alt.coverage', { n: pts.length, total });
    let max = pts[0];
    let sum = 0;
    for (const p of pts) { sum += p.y; if (p.y > max.y) max = p; }
    if (pts.every((p) => p.y === pts[0].y)) { parts.push(t('chart.alt.flat', { label, value: fmt(pts[0].y), cover })); return; }
    parts.push(t('chart.alt.series', { label, max: fmt(max.y), at: at(max.i), avg: fmt(sum / pts.length), last: fmt(pts[pts.length - 1].y), cover }));
  });
  return parts.join(' ');
}

/**
 * Gives the canvas its text alternative: role img, its name (the card title, set by the page) and a
 * description (a visually hidden paragraph after the canvas, read by screen readers and tests).
 */
export function describeChart(chart: Chart, alt: ChartAlt = {}): void {
  const canvas = chart.canvas;
  const id = `${canvas.dataset.testid ?? canvas.id ?? 'chart'}-alt`;
  let p = document.getElementById(id);
  if (!p) {
    p = document.createElement('p');
    p.id = id;
    p.className = 'sr-only';
    p.dataset.testid = id;
    canvas.after(p);
  }
  p.textContent = chartSummary(chart, alt);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-describedby', id);
}

/** Creates a chart, replacing any previous one on the canvas, marks it and writes its text alternative. */
export function draw(canvas: HTMLCanvasElement, config: ChartConfiguration, alt: ChartAlt = {}): Chart {
  reset(canvas);
  const chart = new Chart(canvas, config);
  markRendered(chart);
  describeChart(chart, alt);
  return chart;
}

/** One line of a time chart. */
export interface TimeLine {
  label: string;
  values: (number | null)[];
  color: string;
  fill?: string;
}

/** Options of a time chart. */
export interface TimeChartOptions {
  t: number[];
  lines: TimeLine[];
  tz: string;
  from: number;
  to: number;
  /** Tick label of the y axis. */
  yTick: (v: number) => string;
  /** Tooltip value. */
  yValue: (v: number) => string;
  stepped?: boolean;
}

/** A line chart over time: x is epoch ms in the IXP's zone, nulls are gaps (never drawn as zero). */
export function timeChart(canvas: HTMLCanvasElement, o: TimeChartOptions): Chart {
  const span = o.to - o.from;
  const datasets: ChartDataset<'line', { x: number; y: number | null }[]>[] = o.lines.map((l) => ({
    label: l.label,
    data: o.t.map((x, i) => ({ x, y: l.values[i] ?? null })),
    borderColor: l.color,
    backgroundColor: l.fill ?? l.color,
    fill: l.fill ? 'origin' : false,
    borderWidth: 1.5,
    pointRadius: 0,
    pointHoverRadius: 3,
    tension: 0,
    spanGaps: false,
    stepped: o.stepped ? 'before' : false,
  }));
  const alt: ChartAlt = {
    lead: t('chart.alt.period', { from: dateTime(o.from, o.tz), to: dateTime(o.to, o.tz) }),
    value: (v) => o.yValue(v),
    at: (i) => dateTime(o.t[i], o.tz),
  };
  return draw(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: o.from,
          max: o.to,
          grid: { color: COLORS.grid },
          afterBuildTicks: (scale: Scale) => { scale.ticks = timeTicks(o.from, o.to, o.tz).map((value) => ({ value })); },
          ticks: { maxRotation: 0, autoSkip: true, callback: (v) => axisTime(Number(v), o.tz, span) },
        },
        y: {
          beginAtZero: true,
          grid: { color: COLORS.grid },
          ticks: { maxTicksLimit: 6, callback: (v) => o.yTick(Number(v)) },
        },
      },
      plugins: {
        legend: { position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 12, useBorderRadius: true, borderRadius: 2 } },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? dateTime(Number(items[0].parsed.x), o.tz) : ''),
            label: (item) => `${item.dataset.label}: ${item.parsed.y === null ? '\u2014' : o.yValue(Number(item.parsed.y))}`,
          },
        },
      },
    },
  }, alt);
}
