// Translated labels for values the API sends as codes (member categories). Text only.
import { hasKey, t } from './i18n.ts';

/** The translated category name; an unknown category is shown as given (as text). */
export function categoryLabelOf(c: string): string {
  const k = `cat.${c}`;
  return hasKey(k) ? t(k) : c;
}
