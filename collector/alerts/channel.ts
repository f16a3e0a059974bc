// The contract every alert channel meets, and the error it throws. No I/O here.
import type { AlertMessage } from './message.ts';

/** One way out for alerts. `send` resolves when the channel accepted the message, or throws ChannelError. */
export interface Channel {
  readonly name: 'log' | 'webhook' | 'sms';
  /** Recipients this channel sends each alert to ('' for channels without recipients). */
  recipients(): string[];
  send(message: AlertMessage, recipient: string): Promise<void>;
  close(): Promise<void>;
}

/** A failed delivery. `permanent`: retrying the same message cannot help (e.g. HTTP 400); the outbox parks it. */
export class ChannelError extends Error {
  constructor(message: string, readonly permanent = false) {
    super(message);
    this.name = 'ChannelError';
  }
}
