// SMS text: GSM-safe, at most 160 characters, naming IXP, switch, port and state; untrusted text cannot inject.
import { describe, it, expect } from 'vitest';
import { buildMessage, smsText, gsmSafe } from '../../../collector/alerts/message.ts';
import type { Finding } from '../../../collector/alerts/rules.ts';

const f: Finding = { key: 'port-down|sw1|Ethernet1', rule: 'port-down', bad: true, switch: 'mvix-sw1', port: 'Ethernet1', member: 'AS65001 Raajje Online', state: 'DOWN', detail: 'port down' };

describe('alert messages', () => {
  it('names IXP, switch, port and state', () => {
    expect(smsText(buildMessage('MVIX', f, 'firing', 0))).toBe('MVIX: DOWN mvix-sw1 Ethernet1 (AS65001 Raajje Online): port down');
    expect(smsText(buildMessage('MVIX', f, 'recovered', 0))).toBe('MVIX: UP mvix-sw1 Ethernet1 (AS65001 Raajje Online): port back up');
    expect(smsText(buildMessage('MVIX', f, 'reminder', 0))).toMatch(/^MVIX: STILL DOWN mvix-sw1 Ethernet1/);
  });

  it('is at most 160 GSM-safe characters even from hostile switch text', () => {
    const evil = { ...f, member: `\\A EDICION-1\\ ñandú €{x}\x1a\x1bAT+CMGS="+1"\r\n` + 'é'.repeat(300) };
    const t = smsText(buildMessage('MVIX', evil, 'firing', 0));
    expect(t.length).toBeLessThanOrEqual(160);
    expect(t).toMatch(/^[ -Z_a-z!-@]*$/); // printable, no [ \ ] ^ ` { | } ~
    expect(t).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(t).toContain('/A EDICION-1/ nandu EUR(x)');
    expect(t.endsWith('..')).toBe(true);
  });

  it('gsmSafe replaces what GSM lacks', () => {
    expect(gsmSafe('Malé ~ Thimphu | 日本')).toBe('Male - Thimphu / ??');
  });
});
