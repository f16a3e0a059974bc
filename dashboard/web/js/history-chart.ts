// A member's monthly history: billable 95th percentile (bars) and transit saved (line, right axis).
// Draws API numbers only.
import type { Chart } from 'chart.js';
import type { MonthFigures } from '../../api.ts';
import { COLORS, draw } from './charts.ts';
import { bps, bpsTick, money, month } from './format.ts';
import { t } from './i18n.ts';

/** Draws the monthly P95 and savings history. */
export function drawHistory(canvas: HTMLCanvasElement, history: MonthFigures[], currency: string): Chart {
  const all = [...history].sort((a, b) => a.month.localeCompare(b.month));
  // Months before the first one with samples are dropped (the IXP or member was not there yet).
  const first = all.findIndex((m) => m.p95.samples > 0);
  const months = first < 0 ? all.slice(-1) : all.slice(first);
  const has = (m: MonthFigures) => m.p95.samples > 0;
  return draw(canvas, {
    type: 'bar',
    data: {
      labels: months.map((m) => month(m.month, true)),
      datasets: [
        {
          type: 'bar',
          label: t('member.historyP95'),
          data: months.map((m) => (!has(m) || m.p95.mbps === null ? null : m.p95.mbps * 1e6)),
          maxBarThickness: 56,
          backgroundColor: COLORS.in,
          borderRadius: 3,
          yAxisID: 'y',
          order: 2,
        },
        {
          type: 'line',
          label: t('member.historySaved'),
          data: months.map((m) => (has(m) ? m.transitSaved : null)),
          borderColor: COLORS.money,
          backgroundColor: COLORS.money,
          pointRadius: 3,
          borderWidth: 2,
          yAxisID: 'y1',
          order: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { display: false } },
        y: { beginAtZero: true, grid: { color: COLORS.grid }, ticks: { maxTicksLimit: 6, callback: (v) => bpsTick(Number(v)) } },
        y1: { position: 'right', beginAtZero: true, grid: { display: false }, ticks: { maxTicksLimit: 6, callback: (v) => money(Number(v), currency) } },
      },
      plugins: {
        legend: { position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${item.dataset.yAxisID === 'y1' ? money(Number(item.parsed.y), currency) : bps(Number(item.parsed.y))}`,
          },
        },
      },
    },
  }, { value: (v, ds) => (ds === 1 ? money(v, currency) : bps(v)) });
}
