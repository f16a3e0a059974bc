// Language choice (navigator.languages, overridden by the switch, kept in localStorage) and t().
// Returns plain strings only; callers insert them as text, never as HTML.
import en, { type MessageKey } from '../i18n/en.ts';
import fr from '../i18n/fr.ts';
import pt from '../i18n/pt.ts';

/** The UI languages. */
export type Lang = 'en' | 'fr' | 'pt';
export const LANGS: { code: Lang; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'fr', label: 'Français' },
  { code: 'pt', label: 'Português' },
];
const DICTS = { en, fr, pt };
const STORAGE_KEY = 'ixmeter.lang';

function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'fr' || v === 'pt';
}

/** The saved choice if any, else the first browser language we speak, else English. */
export function pickLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch { /* storage blocked: fall back to the browser */ }
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

let current: Lang = 'en';

/** The active language. */
export function lang(): Lang {
  return current;
}

/** Sets the active language (and `<html lang>`); `persist` saves it as the user's choice. */
export function setLang(l: Lang, persist = false): void {
  current = l;
  document.documentElement.lang = l;
  if (persist) {
    try { localStorage.setItem(STORAGE_KEY, l); } catch { /* storage blocked: choice lasts this page */ }
  }
}

/** The string for `key` in the active language, with `{name}` placeholders filled. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const s = DICTS[current][key] ?? en[key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
}

/** True if `key` is a known message key (for keys built at run time, e.g. categories). */
export function hasKey(key: string): key is MessageKey {
  return key in en;
}

export type { MessageKey };
