// Resolves a Secret (literal, {env}, {file}) at the moment it is needed. Errors name where the
// secret was to come from, never its value.
import { readFileSync, statSync } from 'node:fs';
import type { Secret } from './types.ts';

export class SecretError extends Error {}

export function resolveSecret(secret: Secret, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof secret === 'string') return secret;
  if ('env' in secret) {
    const v = env[secret.env];
    if (v === undefined || v === '') throw new SecretError(`${what}: environment variable ${secret.env} is not set`);
    return v;
  }
  let st;
  try {
    st = statSync(secret.file);
  } catch (err) {
    throw new SecretError(`${what}: cannot read secret file ${secret.file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new SecretError(`${what}: secret file ${secret.file} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  }
  const v = readFileSync(secret.file, 'utf8').replace(/\r?\n$/, '');
  if (!v) throw new SecretError(`${what}: secret file ${secret.file} is empty`);
  return v;
}

/** Copy of a config-like object with every secret-looking value replaced, for --dump and logs. */
export function redact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (/(community|authKey|privKey|password|token|sessionSecret|pin)$/.test(k) && v !== undefined ? (typeof v === 'object' ? v : '(secret)') : v)));
}
