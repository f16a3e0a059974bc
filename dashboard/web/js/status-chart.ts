// A port's up/down timeline: one bar per step, green up, red down, amber partly down, grey no data
// (like uptime-kuma's heartbeat bar). Draws API numbers only.
import type { Chart } from 'chart.js';
import type { PortDetailResponse } from '../../api.ts';
import { COLORS, draw } from './charts.ts';
import { axisTime, dateTime, pct } from './format.ts';
import { t } from './i18n.ts';

/** The colour of one step from the share of it the port was up. */
export function statusColor(up: number | null): string {
  if (up === null) return COLORS.grey;
  if (up >= 0.999) return COLORS.out;
  if (up <= 0.001) return COLORS.err;
  return COLORS.amber;
}

/** Draws the up/down timeline of one port (at most ~120 bars: steps are merged, keeping the worst). */
export function drawStatus(canvas: HTMLCanvasElement, p: PortDetailResponse): Chart {
  const tz = p.period.timezone;
  const span = p.period.to - p.period.from;
  const per = Math.max(1, Math.ceil(p.t.length / 120));
  const xs: number[] = [];
  const ups: (number | null)[] = [];
  for (let i = 0; i < p.t.length; i += per) {
    let worst: number | null = null;
    for (let j = i; j < Math.min(i + per, p.t.length); j++) {
      const v = p.operUp[j];
      if (v !== null && v !== undefined) worst = worst === null ? v : Math.min(worst, v);
    }
    xs.push(p.t[i]);
    ups.push(worst);
  }
  // The up share over every step with data (not the merged worst-of bars the chart draws).
  const raw = p.operUp.filter((u): u is number => u !== null && u !== undefined);
  const known = ups.filter((u): u is number => u !== null);
  const summary = t('chart.alt.status', {
    up: pct(raw.length ? raw.reduce((a, b) => a + b, 0) / raw.length : null, 2),
    down: known.filter((u) => u < 0.999).length,
    n: ups.length,
    none: ups.length - known.length,
  });
  return draw(canvas, {
    type: 'bar',
    data: {
      labels: xs.map((x) => axisTime(x, tz, span)),
      datasets: [{
        label: t('port.state'),
        data: ups.map((u) => (u === null ? 0.25 : 1)),
        backgroundColor: ups.map(statusColor),
        borderRadius: 2,
        barPercentage: 0.8,
        categoryPercentage: 1,
      }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
        y: { display: false, min: 0, max: 1 },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? dateTime(xs[items[0].dataIndex], tz) : ''),
            label: (item) => {
              const u = ups[item.dataIndex];
              if (u === null) return t('common.unknownStatus');
              return `${u >= 0.999 ? t('common.up') : u <= 0.001 ? t('common.down') : t('common.up')}: ${pct(u, 1)}`;
            },
          },
        },
      },
    },
  }, { lead: t('chart.alt.period', { from: dateTime(p.period.from, tz), to: dateTime(p.period.to, tz) }), summary });
}
