/**
 * The console's one way to the directory: same-origin fetches with the session cookie,
 * and the CSRF token on every change, as the contract asks. An answer the console cannot
 * use becomes an ApiError with a stable code, so a screen says what happened in words.
 */
export const API_BASE = '/console/api';
export const CSRF_HEADER = 'x-csrf-token';

export type ErrorCode = 'signedOut' | 'forbidden' | 'notFound' | 'invalid' | 'conflict' | 'tooMany' | 'unreachable' | 'failed';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    /** The server's own message, for the console's log only: screens show their words. */
    readonly detail: string,
  ) {
    super(`${code} (${status}): ${detail}`);
    this.name = 'ApiError';
  }
}

function codeFor(status: number): ErrorCode {
  if (status === 401) return 'signedOut';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 409) return 'conflict';
  if (status === 429) return 'tooMany';
  return 'failed';
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** The session's CSRF token, from the session the server returned. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session has ended (expired, signed out elsewhere). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 here is an answer (signing in), not a session that ended. */
  expectSignedOut?: boolean;
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError('unreachable', 0, String(error));
  }
  if (!response.ok) {
    const detail = await response.text().catch(() => '');
    const error = new ApiError(codeFor(response.status), response.status, detail.slice(0, 500));
    if (error.code === 'signedOut' && !options.expectSignedOut) for (const listener of signedOutListeners) listener();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
