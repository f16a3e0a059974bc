// Reporters' chart: traffic kept local by IXP, this month beside last month. Draws API numbers only.
import type { Chart } from 'chart.js';
import type { ImpactResponse } from '../../api.ts';
import { COLORS, draw } from './charts.ts';
import { bytes } from './format.ts';
import { t } from './i18n.ts';

/** Draws bytes exchanged locally per IXP (IXP names are drawn on canvas, never parsed as HTML). */
export function drawImpact(canvas: HTMLCanvasElement, r: ImpactResponse, prevLabel: string, curLabel: string): Chart {
  return draw(canvas, {
    type: 'bar',
    data: {
      labels: r.ixps.map((x) => x.name),
      datasets: [
        { label: prevLabel, data: r.ixps.map((x) => x.bytesPrevMonth), backgroundColor: COLORS.grey, borderRadius: 3, maxBarThickness: 90 },
        { label: curLabel, data: r.ixps.map((x) => x.bytes), backgroundColor: COLORS.out, borderRadius: 3, maxBarThickness: 90 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { display: false } },
        y: { beginAtZero: true, grid: { color: COLORS.grid }, ticks: { maxTicksLimit: 6, callback: (v) => bytes(Number(v)) } },
      },
      plugins: {
        legend: { position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${bytes(Number(item.parsed.y))}` } },
        title: { display: false, text: t('impact.chart') },
      },
    },
  }, { value: (v) => bytes(v) });
}
