// chart.js set-up shared by the chart modules: registers only the parts we use (tree-shaken),
// the palette, a time axis in the IXP's zone, and a `data-points` mark the tests read.
// Must not fetch data; each chart module gets its numbers from the page.
import {
  Chart, LineController, LineElement, PointElement, BarController, BarElement,
  LinearScale, CategoryScale, Filler, Tooltip, Legend,
  type ChartConfiguration, type ChartDataset, type Scale,
} from 'chart.js';
import { axisTime, dateTime } from './format.ts';
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

/** Creates a chart, replacing any previous one on the canvas, and marks it. */
export function draw(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  reset(canvas);
  const chart = new Chart(canvas, config);
  markRendered(chart);
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
  });
}
