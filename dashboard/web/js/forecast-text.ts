// A capacity forecast in words, in the page's language: "around March 2027 (February 2027 – May 2027)", or why none.
import type { CapacityForecast } from '../../api.ts';
import { month } from './format.ts';
import { t } from './i18n.ts';

export function forecastText(f: CapacityForecast): string {
  if (f.status !== 'forecast') return t(`fc.${f.status}`);
  return t('fc.forecast', { month: month(f.crossing!), from: month(f.earliest!), to: f.latest ? month(f.latest) : t('fc.later') });
}
