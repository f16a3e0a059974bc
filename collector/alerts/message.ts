// Turns an alert into the words each channel sends: one short line (SMS: ASCII subset of GSM 7-bit, at most
// 160 characters, naming IXP, switch, port and state) and a JSON body for webhooks. Pure.
// Switch text (ifAlias, port names) is untrusted: control characters never reach the modem.
import type { Finding, Notify } from './rules.ts';

/** One alert message as queued in the outbox (the webhook body is this object plus `text`). */
export interface AlertMessage {
  /** firing | reminder | recovered | test */
  kind: Exclude<Notify, null> | 'test';
  key: string;
  rule: string;
  ixp: string;
  switch?: string;
  port?: string;
  member?: string;
  /** The bad state word (DOWN, LOW, HIGH...), or OK when recovered. */
  state: string;
  detail: string;
  value?: number;
  threshold?: number;
  /** When the condition was seen, epoch ms. */
  t: number;
  /** The one-line text (chat tools show this). */
  text: string;
}

/**
 * Characters that are in both printable ASCII and the GSM 03.38 basic alphabet (one septet each), so the
 * text reads the same whether the modem's character set is IRA or GSM: printable ASCII except the
 * extension-table characters [ ] { } \\ ~ | ^ and the backtick, which GSM lacks or charges two septets for.
 */
const SAFE = /^[ !"#$%&'()*+,\-./0-9:;<=>?@A-Z_a-z]$/;
/** Replacements for common characters outside the safe set. */
const REPLACE: Record<string, string> = {
  '[': '(', ']': ')', '{': '(', '}': ')', '\\': '/', '~': '-', '|': '/', '^': "'", '`': "'", '€': 'EUR', '£': 'GBP',
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00a0': ' ',
};

/** Make text safe for an SMS in text mode: one septet per character, no control characters (Ctrl-Z ends a message). */
export function gsmSafe(text: string): string {
  let out = '';
  for (const ch of text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')) {
    if (SAFE.test(ch)) { out += ch; continue; }
    if (REPLACE[ch] !== undefined) { out += REPLACE[ch]; continue; }
    // Strip accents where the base letter is safe (ā -> a); anything else becomes '?'.
    const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += base.length === 1 && SAFE.test(base) ? base : '?';
  }
  return out;
}

/** Cut to `max` characters, marking the cut with '..'. */
export function cut(text: string, max = 160): string {
  return text.length <= max ? text : text.slice(0, max - 2) + '..';
}

const KIND_WORD = { firing: '', reminder: 'STILL ', recovered: '', test: '' } as const;

/** Build the message for a finding that changed state. */
export function buildMessage(ixp: string, f: Finding, kind: Exclude<Notify, null>, t: number): AlertMessage {
  const state = kind === 'recovered' ? (f.rule === 'port-down' ? 'UP' : 'OK') : f.state;
  const where = [f.switch, f.port].filter(Boolean).join(' ');
  const detail = kind === 'recovered' ? recoveredDetail(f) : f.detail;
  const member = f.member ? ` (${f.member})` : '';
  const text = oneLine(`${ixp}: ${KIND_WORD[kind]}${state}${where ? ' ' + where : ''}${member}: ${detail}`);
  return { kind, key: f.key, rule: f.rule, ixp, switch: f.switch, port: f.port, member: f.member, state, detail, value: f.value, threshold: f.threshold, t, text };
}

/** The test message of `ixmeter alerts test`. */
export function testMessage(ixp: string, channel: string, t: number): AlertMessage {
  const text = `${ixp}: TEST ixmeter ${channel} alert channel works (${new Date(t).toISOString().slice(0, 16)}Z)`;
  return { kind: 'test', key: 'test', rule: 'test', ixp, state: 'TEST', detail: `test of the ${channel} channel`, t, text };
}

/** The SMS body: GSM-safe, at most 160 characters. */
export function smsText(m: AlertMessage): string {
  return cut(gsmSafe(m.text), 160);
}

function recoveredDetail(f: Finding): string {
  switch (f.rule) {
    case 'port-down': return 'port back up';
    case 'unreachable': return 'switch reachable again';
    case 'forward-backlog': return 'forward backlog cleared';
    // Latency probes
    case 'latency-loss': return `loss to router ${f.port} back under ${Math.round((f.threshold ?? 0) * 100)}%`;
    case 'latency-silent': return `router ${f.port} answers again`;
    case 'international-outage': return 'international references reachable again';
    default: return `${f.rule} back to normal`;
  }
}

function oneLine(s: string): string {
  // C0, DEL and C1 control characters become spaces.
  return s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}
