// The in/out traffic chart (bits per second) of the IXP aggregate, a member or a port.
// Draws what the API returned; never recomputes rates.
import type { Chart } from 'chart.js';
import { COLORS, timeChart } from './charts.ts';
import { bps, bpsTick } from './format.ts';
import { t } from './i18n.ts';

/** Series in the API's column shape. */
export interface TrafficInput {
  t: number[];
  inBps: (number | null)[];
  outBps: (number | null)[];
}

/** Draws in and out bits per second on `canvas` over [from, to) in zone `tz`. */
export function drawTraffic(canvas: HTMLCanvasElement, s: TrafficInput, tz: string, from: number, to: number): Chart {
  return timeChart(canvas, {
    t: s.t, tz, from, to,
    lines: [
      { label: t('common.in'), values: s.inBps, color: COLORS.in, fill: COLORS.inFill },
      { label: t('common.out'), values: s.outBps, color: COLORS.out, fill: COLORS.outFill },
    ],
    yTick: (v) => bpsTick(v),
    yValue: (v) => bps(v),
  });
}
