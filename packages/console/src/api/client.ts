/**
 * The console's one way to the directory: same-origin fetches with the session cookie,
 * and the session's CSRF token on every change (the contract's `x-csrf-token`). A failed
 * answer becomes an ApiError with the contract's stable code, so a screen says what
 * happened in its own words; the server's English detail goes to the console log only.
 */
import type { ErrorCode } from './types';

export const CSRF_HEADER = 'x-csrf-token';

/** The contract's codes, and two of the page's own: the directory not reached, and an answer it did not expect. */
export type ProblemCode = ErrorCode | 'unreachable' | 'failed';

export class ApiError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly status: number,
    readonly detail: string,
    readonly fields: readonly string[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`${code} (${status}): ${detail}`);
    this.name = 'ApiError';
  }
}

const KNOWN_CODES = new Set<string>(['signedOut', 'forbidden', 'csrf', 'notFound', 'invalid', 'tooManyTries', 'badCredentials', 'signInFailed', 'noRole', 'conflict', 'tokenNotAccepted', 'unavailable']);

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** The session's CSRF token, from the session the server returned. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session has ended (idle, lifetime, signed out elsewhere). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export function sessionEndedElsewhere(): void {
  for (const listener of signedOutListeners) listener();
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: { code?: unknown; detail?: unknown; fields?: unknown; retryAfterSeconds?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not the contract's JSON (a proxy's page): the status says enough.
  }
  const code = typeof body.code === 'string' && KNOWN_CODES.has(body.code) ? (body.code as ErrorCode) : 'failed';
  return new ApiError(
    code,
    response.status,
    typeof body.detail === 'string' ? body.detail.slice(0, 500) : response.statusText,
    Array.isArray(body.fields) ? body.fields.filter((field): field is string => typeof field === 'string') : [],
    typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : null,
  );
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** A 401 here is an answer (signing in, asking whether there is a session), not a session that ended. */
  expectSignedOut?: boolean;
}

export function withQuery(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
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
    const problem = await problemOf(response);
    if (problem.code === 'signedOut' && !options.expectSignedOut) sessionEndedElsewhere();
    throw problem;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
