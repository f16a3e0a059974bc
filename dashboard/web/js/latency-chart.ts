// Latency charts: a router's median RTT with its spread band and, per round, every reply as a dot (smokeping's
// "smoke"); and local vs international medians per month on a logarithmic axis (2 ms beside 200 ms).
// Draws what the API returned; computes nothing.
import { Chart, LogarithmicScale, type ChartDataset } from 'chart.js';
import type { LatencyMonth, LatencySeries } from '../../api.ts';
import { COLORS, draw, timeChart } from './charts.ts';
import { pct } from './format.ts';
import { t } from './i18n.ts';

Chart.register(LogarithmicScale);

const ms = (v: number) => (v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`);

/** One router: median line, low..high band, and the smoke dots when the series is per round. */
export function drawSmoke(canvas: HTMLCanvasElement, s: LatencySeries, tz: string, from: number, to: number): Chart {
  const ts = s.points.map((p) => p.t);
  const chart = timeChart(canvas, {
    t: ts, tz, from, to,
    lines: [
      { label: t('latency.band'), values: s.points.map((p) => p.highMs), color: 'rgba(0,0,0,0)', fill: COLORS.inFill },
      { label: t('latency.median'), values: s.points.map((p) => p.medianMs), color: COLORS.in },
    ],
    yTick: (v) => ms(v),
    yValue: (v) => ms(v),
  });
  // The band: from the low edge up to the high edge (dataset 0 fills down to the invisible low line).
  const low: ChartDataset<'line', { x: number; y: number | null }[]> = {
    label: '', data: s.points.map((p) => ({ x: p.t, y: p.lowMs })), borderColor: 'rgba(0,0,0,0)', backgroundColor: 'rgba(0,0,0,0)', pointRadius: 0, fill: false,
  };
  (chart.data.datasets[0] as ChartDataset<'line'>).fill = '+2';
  chart.data.datasets.push(low as never);
  const smoke = s.points.flatMap((p) => (p.rttsMs ?? []).map((y) => ({ x: p.t, y })));
  if (smoke.length) {
    chart.data.datasets.push({ label: t('latency.smoke'), data: smoke, showLine: false, pointRadius: 1.2, borderColor: COLORS.grey, backgroundColor: COLORS.grey } as never);
  }
  // The loss of each point, in the tooltip beside the median.
  const loss = new Map(s.points.map((p) => [p.t, p.loss]));
  chart.options.plugins!.tooltip!.callbacks!.footer = (items) => {
    const l = items.length ? loss.get(Number(items[0].parsed.x)) : undefined;
    return l === undefined || l === null ? '' : `${t('latency.loss')}: ${pct(l, 1)}`;
  };
  chart.options.plugins!.legend!.labels!.filter = (item) => item.text !== '';
  chart.update();
  canvas.dataset.points = String(s.points.length);
  canvas.dataset.smoke = String(smoke.length);
  return chart;
}

/** Medians per month: local beside each reference, logarithmic axis. */
export function drawMonthly(canvas: HTMLCanvasElement, months: LatencyMonth[]): Chart {
  const refs = new Map<string, string>();
  for (const m of months) for (const r of m.references) refs.set(r.target, r.name);
  const palette = [COLORS.out, COLORS.money, COLORS.discard, COLORS.err, COLORS.amber];
  const datasets = [
    { label: t('latency.local'), data: months.map((m) => m.local.medianMs), backgroundColor: COLORS.in },
    ...[...refs].map(([target, name], i) => ({
      label: name, data: months.map((m) => m.references.find((r) => r.target === target)?.medianMs ?? null), backgroundColor: palette[i % palette.length],
    })),
  ];
  const chart = draw(canvas, {
    type: 'bar',
    data: { labels: months.map((m) => m.month), datasets },
    options: {
      responsive: true, maintainAspectRatio: false,
      scales: { y: { type: 'logarithmic', ticks: { callback: (v) => {
        // Label only 1, 2 and 5 times a power of ten: a log axis otherwise crowds its labels.
        const n = Number(v);
        const m = Math.round((n / 10 ** Math.floor(Math.log10(n))) * 100) / 100;
        return m === 1 || m === 2 || m === 5 ? ms(n) : '';
      } } } },
      plugins: { tooltip: { callbacks: { label: (i) => `${i.dataset.label}: ${i.parsed.y === null ? '\u2014' : ms(Number(i.parsed.y))}` } } },
    },
  });
  canvas.dataset.points = String(months.length);
  return chart;
}
