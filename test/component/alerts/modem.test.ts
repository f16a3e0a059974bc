// The modem's AT dialogue over serialport's mock binding (@serialport/binding-mock) with fake timers: timeouts without waiting,
// +CME ERROR retries, and that neither a phone number nor alert text can smuggle AT commands or Ctrl-Z.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import { createModem, type PortLike } from '../../../collector/alerts/modem.ts';

type Reply = (line: string) => string | null;
let path = '';
let n = 0;
let stream: SerialPortMock | null = null;
const MockBinding = SerialPortMock.binding;
/** Everything the modem code wrote, across reopenings. */
let sentBytes = '';

/** Opens a mock port whose far end answers each written command with reply(command). */
function opener(reply: Reply) {
  return async (): Promise<PortLike> => {
    const s = new SerialPortMock({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => s.open((e) => (e ? rej(e) : res())));
    const write = s.write.bind(s);
    let pending = '';
    (s as unknown as { write: (d: string) => boolean }).write = (d: string) => {
      const r = write(d);
      sentBytes += d;
      pending += d;
      for (;;) {
        const end = pending.search(/[\r\x1a\x1b]/);
        if (end < 0) break;
        const cmd = pending.slice(0, end + 1);
        pending = pending.slice(end + 1);
        const out = reply(cmd);
        if (out !== null) setImmediate(() => { if (s.isOpen) (s as unknown as { port?: { emitData(x: string): void } }).port?.emitData(out); });
      }
      return r;
    };
    stream = s;
    return s as unknown as PortLike;
  };
}

/** Advance the fake clock in steps, letting the mock port's replies (real setImmediate) through between steps. */
async function pass(ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(Math.min(step, ms - t));
  }
}

const written = () => sentBytes;

beforeEach(() => {
  path = `/dev/mock-modem-${++n}`;
  sentBytes = '';
  MockBinding.createPort(path, { echo: false, record: true });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  MockBinding.reset();
  stream?.destroy();
  stream = null;
});

/** A well-behaved modem. */
const good: Reply = (c) => (c.startsWith('AT+CMGS=') ? '\r\n> ' : c.endsWith('\x1a') ? '\r\n+CMGS: 1\r\n\r\nOK\r\n' : c === 'AT+CPIN?\r' ? '\r\n+CPIN: READY\r\n\r\nOK\r\n' : '\r\nOK\r\n');

describe('modem AT dialogue (mock serial binding, fake timers)', () => {
  it('a silent modem times out after the configured seconds, without a real wait', async () => {
    const modem = createModem({ device: path, baud: 115200, timeout: 10, retries: 2 }, { openPort: opener(() => null) });
    const p = modem.send('+9607771234', 'x');
    const seen = p.catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(9_999);
    await vi.advanceTimersByTimeAsync(2);
    expect((await seen as Error).message).toBe(`modem ${path}: AT: no answer within 10 s`);
    await modem.close();
  });

  it('a modem that stops answering after the prompt gets ESC (message cancelled) and a 6x timeout', async () => {
    const modem = createModem({ device: path, baud: 115200, timeout: 5, retries: 0 }, { openPort: opener((c) => (c.endsWith('\x1a') ? null : good(c))) });
    const seen = modem.send('+9607771234', 'hello').catch((e: Error) => e);
    await pass(36_000);
    expect((await seen as Error).message).toBe(`modem ${path}: AT+CMGS (text): no answer within 30 s`);
    expect(written().endsWith('hello\x1a\x1b')).toBe(true);
    await modem.close();
  });

  it('+CME ERROR is retried (with a fresh init) and then reported', async () => {
    let cmgf = 0;
    const modem = createModem({ device: path, baud: 115200, timeout: 5, retries: 1 }, {
      openPort: opener((c) => (c === 'AT+CMGF=1\r' ? (cmgf++, '\r\n+CME ERROR: 100\r\n') : good(c))),
      sleep: async () => {},
    });
    await expect(modem.send('+9607771234', 'x')).rejects.toThrow(`modem ${path}: AT+CMGF=1: +CME ERROR: 100`);
    expect(cmgf).toBe(2);
    await modem.close();
  });

  it('text cannot end the message early or inject commands; a bad number is refused before any byte is written', async () => {
    const modem = createModem({ device: path, baud: 115200, timeout: 5, retries: 0 }, { openPort: opener(good) });
    await modem.send('+9607771234', 'a\x1aAT+CFUN=0\r\x1bb');
    expect(written()).toContain('AT+CMGS="+9607771234"\ra AT+CFUN=0  b\x1a');
    await expect(modem.send('+960"\rAT+CFUN=0', 'x')).rejects.toThrow(/invalid phone number/);
    expect(written()).not.toContain('CFUN=0\r');
    await modem.close();
  });
});
