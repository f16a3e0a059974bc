// The SMS edge against a real serial device: a socat pseudo-terminal pair with an AT responder on the far end.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createModem, type ModemError } from '../../../collector/alerts/modem.ts';
import { startPtyPair, startAtModem, type PtyPair, type AtModem } from './pty-modem.ts';

let dir: string;
let pty: PtyPair;
let responder: AtModem | null = null;
const fastSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50)));

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-modem-'));
  pty = await startPtyPair(dir);
});
afterEach(async () => {
  await responder?.stop();
  responder = null;
  await pty.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('modem over a pseudo-terminal', () => {
  it('sends an SMS, entering the SIM PIN the SIM asks for', async () => {
    responder = await startAtModem(pty.other, { pin: '4321' });
    const modem = createModem({ device: pty.device, baud: 115200, pin: '4321', timeout: 2, retries: 1 }, { sleep: fastSleep });
    try {
      await modem.send('+9607771234', 'MVIX: DOWN sw1 Ethernet1: port down');
      await modem.send('+9607779999', 'second');
      expect(responder.messages).toEqual([
        { to: '+9607771234', text: 'MVIX: DOWN sw1 Ethernet1: port down' },
        { to: '+9607779999', text: 'second' },
      ]);
      expect(responder.commands).toContain('AT+CPIN="4321"');
      expect(responder.commands.filter((c) => c === 'ATE0')).toHaveLength(1); // init once, port kept open
      expect(await modem.status()).toEqual({ registered: true, signal: 17 });
    } finally {
      await modem.close();
    }
  });

  it('retries +CMS ERROR: 500 and then reports it', async () => {
    responder = await startAtModem(pty.other, { cmsError: 500 });
    const modem = createModem({ device: pty.device, baud: 115200, timeout: 2, retries: 2 }, { sleep: fastSleep });
    try {
      const err = await modem.send('+9607771234', 'hello').then(() => null, (e: ModemError) => e);
      expect(err?.message).toBe(`modem ${pty.device}: AT+CMGS (text): +CMS ERROR: 500 (unknown error)`);
      expect(err?.kind).toBe('cms');
      expect(responder.submissions).toBe(3);
      expect(responder.messages).toEqual([]);
    } finally {
      await modem.close();
    }
  });

  it('a wrong PIN is reported without the PIN and never sent again by later sends', async () => {
    responder = await startAtModem(pty.other, { pin: '4321' });
    const modem = createModem({ device: pty.device, baud: 115200, pin: '9999', timeout: 2, retries: 3 }, { sleep: fastSleep });
    try {
      const err = await modem.send('+9607771234', 'hello').then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(/SIM refused the configured PIN/);
      expect(err?.message).not.toContain('9999');
      expect(responder.commands.filter((c) => c.startsWith('AT+CPIN="'))).toHaveLength(1);
      // The outbox retries later: the wrong PIN must not be sent again (three wrong ones lock the SIM).
      await expect(modem.send('+9607771234', 'hello')).rejects.toThrow(/not tried again/);
      await expect(modem.send('+9607771234', 'hello')).rejects.toThrow(/not tried again/);
      expect(responder.commands.filter((c) => c.startsWith('AT+CPIN="'))).toHaveLength(1);
    } finally {
      await modem.close();
    }
  });

  it('a modem that never answers times out with a clear error', async () => {
    const modem = createModem({ device: pty.device, baud: 115200, timeout: 0.3, retries: 2 }, { sleep: fastSleep });
    try {
      await expect(modem.send('+9607771234', 'hello')).rejects.toThrow(`modem ${pty.device}: AT: no answer within 0.3 s`);
    } finally {
      await modem.close();
    }
  });

  it('a missing device is a clear error', async () => {
    const modem = createModem({ device: path.join(dir, 'nope'), baud: 115200, timeout: 1, retries: 0 });
    await expect(modem.send('+9607771234', 'x')).rejects.toThrow(/cannot open serial port/);
    await modem.close();
  });
});
