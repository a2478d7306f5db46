/**
 * Errors in the SCIM error schema (RFC 7644 §3.12), used by every route, the device
 * API included, so a client parses one shape. `detail` never holds a value the client
 * sent (a password could be anywhere in a body): only attribute names and reasons.
 */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toJSON(): Record<string, unknown> {
    return {
      schemas: [ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}

export function badRequest(detail: string, scimType: ScimType = 'invalidValue'): ScimError {
  return new ScimError(400, detail, scimType);
}

export function notFound(detail: string): ScimError {
  return new ScimError(404, detail);
}

export function unauthorized(): ScimError {
  // RFC 6750 §3: say which scheme to use, never why a token was refused.
  return new ScimError(401, 'Authentication required: send a valid bearer token.', undefined, { 'www-authenticate': 'Bearer realm="pwsync"' });
}
