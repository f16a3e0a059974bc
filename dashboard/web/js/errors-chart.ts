// A port's errors and discards per second, in and out. Draws API numbers only.
import type { Chart } from 'chart.js';
import type { PortDetailResponse } from '../../api.ts';
import { COLORS, timeChart } from './charts.ts';
import { count, perSec } from './format.ts';
import { t } from './i18n.ts';

/** Draws errors and discards per second of one port. */
export function drawErrors(canvas: HTMLCanvasElement, p: PortDetailResponse): Chart {
  return timeChart(canvas, {
    t: p.t, tz: p.period.timezone, from: p.period.from, to: p.period.to,
    lines: [
      { label: t('port.inErrors'), values: p.inErrors, color: COLORS.err },
      { label: t('port.outErrors'), values: p.outErrors, color: '#9b2c2c' },
      { label: t('port.inDiscards'), values: p.inDiscards, color: COLORS.discard },
      { label: t('port.outDiscards'), values: p.outDiscards, color: '#a0611a' },
    ],
    yTick: (v) => count(v),
    yValue: (v) => perSec(v),
  });
}
