/**
 * The console's errors, in the contract's shape ({ code, detail }): a stable code the
 * page turns into its own words, and an English detail for logs. Never a value the
 * client sent. Errors the shared directory code throws (ScimError) are mapped to a code
 * by their status when they cross into a console answer.
 */
import type { ConsoleError as ConsoleErrorBody, ErrorCode } from '@pwsync/console-contract';
import type { ScimError } from '../scim-error';

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { fields?: string[]; retryAfterSeconds?: number } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ConsoleError';
  }

  toJSON(): ConsoleErrorBody {
    return { code: this.code, detail: this.detail, ...this.extra };
  }
}

export const signedOut = () => new ConsoleError(401, 'signedOut', 'Sign in to the console first.');
export const forbidden = () => new ConsoleError(403, 'forbidden', 'Your console role may not do this.');
export const csrfRefused = () => new ConsoleError(403, 'csrf', 'This change did not carry the session\'s CSRF token, or came from another site.');
export const notFoundError = (detail: string) => new ConsoleError(404, 'notFound', detail);
export const invalid = (fields: string[]) => new ConsoleError(400, 'invalid', `Invalid or missing: ${fields.join(', ')}.`, { fields });

const BY_STATUS: Record<number, ErrorCode> = { 400: 'invalid', 401: 'signedOut', 403: 'forbidden', 404: 'notFound', 409: 'conflict', 413: 'invalid', 415: 'invalid', 429: 'tooManyTries' };

export function fromScimError(error: ScimError): ConsoleError {
  return new ConsoleError(error.status, BY_STATUS[error.status] ?? 'unavailable', error.detail, {}, error.headers);
}
