// A port's packets per second, in and out. Draws API numbers only.
import type { Chart } from 'chart.js';
import type { PortDetailResponse } from '../../api.ts';
import { COLORS, timeChart } from './charts.ts';
import { count, perSec } from './format.ts';
import { t } from './i18n.ts';

/** Draws packets per second of one port. */
export function drawPackets(canvas: HTMLCanvasElement, p: PortDetailResponse): Chart {
  return timeChart(canvas, {
    t: p.t, tz: p.period.timezone, from: p.period.from, to: p.period.to,
    lines: [
      { label: t('common.in'), values: p.inPps, color: COLORS.in },
      { label: t('common.out'), values: p.outPps, color: COLORS.out },
    ],
    yTick: (v) => count(v),
    yValue: (v) => perSec(v, 'unit.pps'),
  });
}
