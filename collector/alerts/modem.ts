// The SMS edge: a GSM/LTE modem on a serial port, driven with AT commands in text mode
// (AT, ATE0, AT+CPIN?, AT+CPIN="…" if asked, AT+CMGF=1, AT+CMGS="+number" then text and Ctrl-Z).
// The only file that touches serialport. Never logs or reports the SIM PIN.
import { SerialPort } from 'serialport';
import type { Logger } from '../log.ts';

/** What the rest of the program sees of the modem. */
export interface Modem {
  /** Send one SMS; resolves when the modem reported +CMGS, throws ModemError otherwise. */
  send(to: string, text: string): Promise<void>;
  /** Registration and signal (AT+CREG?, AT+CSQ), for the health panel. */
  status(): Promise<{ registered: boolean | null; signal: number | null }>;
  close(): Promise<void>;
}

export type ModemErrorKind = 'open' | 'timeout' | 'error' | 'cms' | 'cme' | 'pin' | 'closed' | 'input';

/** A modem failure with the step it happened in, e.g. `modem /dev/ttyUSB2: AT+CMGS: +CMS ERROR: 500 (unknown error)`. */
export class ModemError extends Error {
  constructor(message: string, readonly kind: ModemErrorKind, readonly code?: number) {
    super(message);
    this.name = 'ModemError';
  }
}

/** The byte stream of a serial port (serialport's SerialPort, or a stream over @serialport/binding-mock in tests). */
export interface PortLike {
  write(data: string | Buffer): unknown;
  on(event: 'data', cb: (d: Buffer) => void): unknown;
  on(event: 'close' | 'error', cb: (e?: Error) => void): unknown;
  close(cb?: (err?: Error | null) => void): unknown;
  readonly isOpen: boolean;
}

export interface ModemConfig {
  device: string;
  baud: number;
  /** The resolved SIM PIN, used only when the SIM asks for it. */
  pin?: string;
  /** Seconds per AT answer. */
  timeout: number;
  /** Further attempts after ERROR / +CMS ERROR / +CME ERROR. */
  retries: number;
}

export interface ModemDeps {
  log?: Logger;
  /** Opens the port (default: serialport's SerialPort). */
  openPort?: (device: string, baud: number) => Promise<PortLike>;
  sleep?: (ms: number) => Promise<void>;
}

/** Common +CMS ERROR codes (3GPP TS 27.005 3.2.5), for readable messages. */
const CMS: Record<number, string> = {
  300: 'ME failure', 302: 'operation not allowed', 304: 'invalid PDU mode parameter', 305: 'invalid text mode parameter',
  310: 'SIM not inserted', 311: 'SIM PIN required', 313: 'SIM failure', 316: 'SIM PUK required', 320: 'memory failure',
  321: 'invalid memory index', 322: 'memory full', 330: 'SMSC address unknown', 331: 'no network service',
  332: 'network timeout', 500: 'unknown error', 512: 'not registered / no network',
};

function defaultOpen(device: string, baud: number): Promise<PortLike> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: device, baudRate: baud, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port as unknown as PortLike)));
  });
}

/** Phone numbers go into an AT command: only digits and a leading '+'. */
const NUMBER = /^\+?[0-9]{3,20}$/;

/**
 * A modem on `cfg.device`. The port opens on the first send and stays open; any failure closes it so the next
 * send starts again from a clean AT init. Sends are serialised.
 */
export function createModem(cfg: ModemConfig, deps: ModemDeps = {}): Modem {
  const open = deps.openPort ?? defaultOpen;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const where = `modem ${cfg.device}`;
  let port: PortLike | null = null;
  let ready = false;
  let buf = '';
  let waiter: { prompt: boolean; lines: string[]; resolve: (l: string[]) => void; reject: (e: Error) => void; step: string } | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  /** True between the '>' prompt and the answer to the text: a failure then must cancel the message with ESC. */
  let inText = false;
  /** Set once the SIM refused the configured PIN: it is never sent again by this process (three wrong ones lock the SIM). */
  let pinRefused: string | null = null;

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn, fn);
    chain = p.catch(() => undefined);
    return p;
  };

  function drain(): void {
    if (!waiter) { buf = buf.slice(-4096); return; }
    if (waiter.prompt && /(^|\n)\s*> ?$/.test(buf)) {
      buf = '';
      const w = waiter; waiter = null; w.resolve(w.lines);
      return;
    }
    let nl: number;
    while (waiter && (nl = buf.search(/\r|\n/)) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      const w = waiter;
      if (line === 'OK') { waiter = null; w.resolve(w.lines); return; }
      let m: RegExpMatchArray | null;
      if ((m = line.match(/^\+CMS ERROR:\s*(\d+)/))) { waiter = null; const c = Number(m[1]); w.reject(new ModemError(`${where}: ${w.step}: +CMS ERROR: ${c}${CMS[c] ? ` (${CMS[c]})` : ''}`, 'cms', c)); return; }
      if ((m = line.match(/^\+CME ERROR:\s*(.+)$/))) { waiter = null; w.reject(new ModemError(`${where}: ${w.step}: +CME ERROR: ${m[1]}`, 'cme', Number(m[1]) || undefined)); return; }
      if (line === 'ERROR' || line === 'COMMAND NOT SUPPORT') { waiter = null; w.reject(new ModemError(`${where}: ${w.step}: ERROR`, 'error')); return; }
      w.lines.push(line);
    }
  }

  async function ensureOpen(): Promise<PortLike> {
    if (port?.isOpen) return port;
    ready = false;
    buf = '';
    try {
      port = await open(cfg.device, cfg.baud);
    } catch (err) {
      throw new ModemError(`${where}: cannot open serial port: ${(err as Error).message}`, 'open');
    }
    const p = port;
    p.on('data', (d: Buffer) => { buf += d.toString('latin1'); drain(); });
    p.on('close', () => { if (port === p) { port = null; ready = false; } waiter?.reject(new ModemError(`${where}: serial port closed`, 'closed')); waiter = null; });
    p.on('error', (e?: Error) => { deps.log?.warn({ device: cfg.device, err: e?.message }, 'serial port error'); });
    return p;
  }

  async function shut(): Promise<void> {
    const p = port;
    port = null;
    ready = false;
    waiter = null;
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
  }

  /** Write one command (or raw text) and wait for its final result code, or the '>' prompt. */
  function command(data: string, step: string, opts: { prompt?: boolean; timeoutMs?: number } = {}): Promise<string[]> {
    const p = port;
    if (!p) return Promise.reject(new ModemError(`${where}: ${step}: port not open`, 'closed'));
    const ms = opts.timeoutMs ?? cfg.timeout * 1000;
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = null;
        reject(new ModemError(`${where}: ${step}: no answer within ${ms / 1000} s`, 'timeout'));
      }, ms);
      waiter = {
        prompt: !!opts.prompt, lines: [], step,
        resolve: (l) => { clearTimeout(timer); resolve(l); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      buf = '';
      p.write(data);
    });
  }

  async function init(): Promise<void> {
    if (ready) return;
    await command('AT\r', 'AT');
    await command('ATE0\r', 'ATE0');
    const pinLines = await command('AT+CPIN?\r', 'AT+CPIN?');
    const state = pinLines.find((l) => l.startsWith('+CPIN:'))?.slice(6).trim() ?? 'READY';
    if (state === 'SIM PIN') {
      if (!cfg.pin) throw new ModemError(`${where}: the SIM asks for a PIN and none is configured (alerts.channels.sms.pin)`, 'pin');
      if (pinRefused) throw new ModemError(pinRefused, 'pin');
      try {
        await command(`AT+CPIN="${cfg.pin}"\r`, 'AT+CPIN=<pin>');
      } catch (err) {
        // Never retry a wrong PIN: three wrong ones lock the SIM.
        pinRefused = `${where}: the SIM refused the configured PIN (${(err as Error).message.replace(/^.*: /, '')}); check alerts.channels.sms.pin and restart (not tried again)`;
        throw new ModemError(pinRefused, 'pin');
      }
      let ok = false;
      for (let i = 0; i < 10 && !ok; i++) {
        await sleep(i === 0 ? 200 : 1000);
        const l = await command('AT+CPIN?\r', 'AT+CPIN?');
        ok = l.some((x) => x.replace(/\s/g, '') === '+CPIN:READY');
      }
      if (!ok) throw new ModemError(`${where}: SIM not ready after the PIN`, 'pin');
    } else if (state !== 'READY') {
      throw new ModemError(`${where}: SIM state ${state}: cannot send (a PUK-locked or missing SIM needs a person)`, 'pin');
    }
    await command('AT+CMGF=1\r', 'AT+CMGF=1');
    // Text is sent as the ASCII subset of GSM 7-bit; IRA makes modems read it as ASCII. Not every modem knows it.
    await command('AT+CSCS="IRA"\r', 'AT+CSCS').catch(() => undefined);
    ready = true;
  }

  async function sendOnce(to: string, text: string): Promise<void> {
    await ensureOpen();
    await init();
    await command(`AT+CMGS="${to}"\r`, 'AT+CMGS', { prompt: true });
    inText = true;
    const lines = await command(text + '\x1a', 'AT+CMGS (text)', { timeoutMs: cfg.timeout * 6000 });
    inText = false;
    if (!lines.some((l) => l.startsWith('+CMGS:'))) deps.log?.debug({ device: cfg.device }, 'modem accepted the SMS without a +CMGS reference');
  }

  return {
    send(to, text) {
      return serial(async () => {
        if (!NUMBER.test(to)) throw new ModemError(`${where}: invalid phone number ${JSON.stringify(to)}`, 'input');
        // Ctrl-Z ends the text and ESC cancels it: neither may come from switch text.
        const body = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
        let last: ModemError | null = null;
        for (let attempt = 0; attempt <= cfg.retries; attempt++) {
          if (attempt > 0) await sleep(1000 * attempt);
          try {
            await sendOnce(to, body);
            return;
          } catch (err) {
            last = err instanceof ModemError ? err : new ModemError(`${where}: ${(err as Error).message}`, 'error');
            if (inText && last.kind === 'timeout' && port?.isOpen) port.write('\x1b'); // cancel a half-entered message
            inText = false;
            await shut();
            deps.log?.warn({ device: cfg.device, attempt: attempt + 1, err: last.message }, 'SMS attempt failed');
            // A silent modem, a missing port or a PIN problem will not answer better a second later.
            if (last.kind === 'timeout' || last.kind === 'open' || last.kind === 'pin' || last.kind === 'input') break;
          }
        }
        throw last ?? new ModemError(`${where}: send failed`, 'error');
      });
    },
    status() {
      return serial(async () => {
        try {
          await ensureOpen();
          await init();
          const reg = (await command('AT+CREG?\r', 'AT+CREG?')).find((l) => l.startsWith('+CREG:'));
          const stat = reg ? Number(reg.split(',')[1]) : NaN;
          const csq = (await command('AT+CSQ\r', 'AT+CSQ')).find((l) => l.startsWith('+CSQ:'));
          const rssi = csq ? Number(csq.slice(5).split(',')[0]) : NaN;
          return { registered: Number.isNaN(stat) ? null : stat === 1 || stat === 5, signal: Number.isNaN(rssi) || rssi === 99 ? null : rssi };
        } catch (err) {
          await shut();
          throw err;
        }
      });
    },
    close: () => serial(shut),
  };
}
