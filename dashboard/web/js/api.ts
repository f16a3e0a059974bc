// The page side of the JSON API: typed GET/POST/DELETE against dashboard/api.ts.
// Same-origin only (the session cookie); never builds HTML from answers.
import type { ApiError } from '../../api.ts';

/** An HTTP error answer, with the server's `{error}` text. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined | null>;

/** Builds `/api/...?a=b` with encoded parameters (undefined/null skipped). */
export function apiUrl(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return `/api${path}${s ? `?${s}` : ''}`;
}

async function call<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new HttpError(0, (e as Error).message || 'network error');
  }
  const text = await res.text();
  let data: unknown = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (!res.ok) {
    const msg = (data as ApiError | null)?.error ?? `HTTP ${res.status}`;
    throw new HttpError(res.status, msg);
  }
  return data as T;
}

/** GET /api{path}. */
export function get<T>(path: string, query?: Query): Promise<T> {
  return call<T>('GET', path, query);
}

/** POST /api{path} with a JSON body. */
export function post<T>(path: string, body: unknown): Promise<T> {
  return call<T>('POST', path, undefined, body);
}

/** DELETE /api{path}. */
export function del<T>(path: string): Promise<T> {
  return call<T>('DELETE', path);
}

/** Encodes one path segment (switch and port names contain '/' and spaces). */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
