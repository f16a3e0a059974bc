// Test helper: a real pseudo-terminal pair made by socat, and a small AT-command modem answering on
// one end (a node SerialPort on the pty), so the collector's modem code talks to a real serial device.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { startProc, waitFor, type Proc } from '../../helpers/proc.ts';

export interface PtyPair { device: string; other: string; stop(): Promise<void> }

/** `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` in `dir`; `device` is the modem side the collector opens. */
export async function startPtyPair(dir: string, name = 'modem'): Promise<PtyPair> {
  const device = path.join(dir, `${name}-dev`);
  const other = path.join(dir, `${name}-far`);
  const proc: Proc = startProc('socat', ['-d', '-d', `pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${other}`]);
  try {
    await waitFor('socat pty pair', () => existsSync(device) && existsSync(other) && /starting data transfer loop/.test(proc.output()), 10_000, 20);
  } catch (e) {
    await proc.stop();
    throw new Error(`${(e as Error).message}\n${proc.output()}`);
  }
  return { device, other, stop: () => proc.stop() };
}

export interface AtModemOptions {
  /** SIM PIN the fake SIM asks for (null: SIM is READY). */
  pin?: string | null;
  /** Answer the message text with `+CMS ERROR: <n>` instead of +CMGS. */
  cmsError?: number | null;
}

export interface AtModem {
  /** Every command line received (AT+CPIN="…" included: the test checks the PIN reached the modem). */
  commands: string[];
  /** SMS accepted: recipient and text. */
  messages: { to: string; text: string }[];
  /** Times the text of an SMS was submitted (accepted or refused). */
  submissions: number;
  stop(): Promise<void>;
}

/** An AT responder on `far`: AT, ATE0, AT+CPIN?, AT+CPIN="…", AT+CMGF=1, AT+CSCS, AT+CMGS="…" + text + Ctrl-Z. */
export async function startAtModem(far: string, opts: AtModemOptions = {}): Promise<AtModem> {
  const port = new SerialPort({ path: far, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  let locked = opts.pin != null;
  let buf = '';
  let textTo: string | null = null;
  const m: AtModem = {
    commands: [], messages: [], submissions: 0,
    stop: () => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())),
  };
  const reply = (s: string) => port.write(s);
  port.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      if (textTo !== null) {
        const z = buf.indexOf('\x1a');
        const esc = buf.indexOf('\x1b');
        if (esc >= 0 && (z < 0 || esc < z)) { buf = buf.slice(esc + 1); textTo = null; reply('\r\nOK\r\n'); continue; }
        if (z < 0) return;
        const text = buf.slice(0, z);
        buf = buf.slice(z + 1);
        m.submissions++;
        if (opts.cmsError != null) reply(`\r\n+CMS ERROR: ${opts.cmsError}\r\n`);
        else { m.messages.push({ to: textTo, text }); reply(`\r\n+CMGS: ${m.messages.length}\r\n\r\nOK\r\n`); }
        textTo = null;
        continue;
      }
      const cr = buf.indexOf('\r');
      if (cr < 0) return;
      const line = buf.slice(0, cr).replace(/[\x00-\x1f]/g, '').trim();
      buf = buf.slice(cr + 1).replace(/^\n/, '');
      if (!line) continue;
      m.commands.push(line);
      let mm: RegExpMatchArray | null;
      if (line === 'AT' || line === 'ATE0' || line === 'AT+CMGF=1' || line.startsWith('AT+CSCS=')) reply('\r\nOK\r\n');
      else if (line === 'AT+CPIN?') reply(`\r\n+CPIN: ${locked ? 'SIM PIN' : 'READY'}\r\n\r\nOK\r\n`);
      else if ((mm = line.match(/^AT\+CPIN="(.*)"$/))) {
        if (mm[1] === opts.pin) { locked = false; reply('\r\nOK\r\n'); } else reply('\r\n+CME ERROR: 16\r\n');
      } else if ((mm = line.match(/^AT\+CMGS="(.*)"$/))) {
        if (locked) reply('\r\n+CMS ERROR: 311\r\n');
        else { textTo = mm[1]; reply('\r\n> '); }
      } else if (line === 'AT+CREG?') reply('\r\n+CREG: 0,1\r\n\r\nOK\r\n');
      else if (line === 'AT+CSQ') reply('\r\n+CSQ: 17,99\r\n\r\nOK\r\n');
      else reply('\r\nERROR\r\n');
    }
  });
  return m;
}
