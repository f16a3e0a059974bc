// Stat tiles: a figure, its methodology note and its coverage, as uptime-kuma shows a number with
// its context. Text only (el()); the numbers come formatted from format.ts.
import { el, type Child } from './dom.ts';
import { coverageBadge } from './shell.ts';

/** One figure tile. */
export interface Figure {
  label: string;
  value: string;
  testid: string;
  note?: string;
  coverage?: number | null;
  sub?: Child;
  tone?: 'in' | 'out' | 'money' | 'plain' | 'good' | 'bad';
}

/** A tile with label, big value, optional sub line, coverage badge and methodology note. */
export function figureTile(f: Figure): HTMLElement {
  return el('div', { class: `fig fig-${f.tone ?? 'plain'}`, 'data-testid': f.testid },
    el('div', { class: 'fig-label' }, f.label),
    el('div', { class: 'fig-value', 'data-testid': `${f.testid}-value` }, f.value),
    f.sub ? el('div', { class: 'fig-sub' }, f.sub) : null,
    f.coverage !== undefined ? el('div', { class: 'fig-cov' }, coverageBadge(f.coverage)) : null,
    f.note ? el('p', { class: 'fig-note', 'data-testid': `${f.testid}-note` }, f.note) : null);
}

/** A responsive grid of tiles. */
export function figureGrid(figs: Figure[], testid = 'figures'): HTMLElement {
  return el('div', { class: 'figs', 'data-testid': testid }, ...figs.map(figureTile));
}
