// The webhook channel: one JSON POST per alert, with a timeout and a few quick retries with
// backoff. The body carries `text` (what Slack and Mattermost incoming webhooks display) plus the
// alert's fields. Only network errors, timeouts, 408, 429 and 5xx are retried; other 4xx are permanent.
import type { AlertMessage } from './message.ts';
import { ChannelError, type Channel } from './channel.ts';
import type { WebhookChannelConfig } from './config.ts';

export interface WebhookDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** The URL without user info, query or path beyond the host, for messages (URLs may carry tokens). */
export function safeUrl(url: string): string {
  try { const u = new URL(url); return `${u.protocol}//${u.host}`; } catch { return '(invalid URL)'; }
}

/** POST one message; throws ChannelError after the last attempt. */
export async function postWebhook(cfg: WebhookChannelConfig, message: AlertMessage, deps: WebhookDeps = {}): Promise<void> {
  const f = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const body = JSON.stringify(message); // includes `text`, the line chat tools display
  let last = '';
  for (let attempt = 0; attempt <= cfg.retries; attempt++) {
    if (attempt > 0) await sleep(1000 * 2 ** (attempt - 1));
    let res: Response;
    try {
      res = await f(cfg.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'ixmeter-alerts' },
        body,
        signal: AbortSignal.timeout(cfg.timeout * 1000),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      last = e.name === 'TimeoutError' ? `no answer within ${cfg.timeout} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
      continue;
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    last = `HTTP ${res.status}`;
    if (res.status !== 408 && res.status !== 429 && res.status < 500) {
      throw new ChannelError(`webhook ${safeUrl(cfg.url)}: ${last} (not retried)`, true);
    }
  }
  throw new ChannelError(`webhook ${safeUrl(cfg.url)}: ${last} after ${cfg.retries + 1} attempt(s)`);
}

/** The webhook as a Channel. */
export function createWebhookChannel(cfg: WebhookChannelConfig, deps: WebhookDeps = {}): Channel {
  return {
    name: 'webhook',
    recipients: () => [''],
    send: (m) => postWebhook(cfg, m, deps),
    close: async () => {},
  };
}
