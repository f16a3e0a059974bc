// A port's up/down/unknown dot with its word, as text.
import { el } from './dom.ts';
import { t } from './i18n.ts';

/** A status dot with its translated word. */
export function statusDotOf(up: boolean | null): HTMLElement {
  const cls = up === null ? 'st st-unknown' : up ? 'st st-up' : 'st st-down';
  return el('span', { class: cls, 'data-testid': 'port-status', 'data-up': String(up) }, el('span', { class: 'dot', 'aria-hidden': 'true' }),
    up === null ? t('common.unknownStatus') : up ? t('common.up') : t('common.down'));
}
