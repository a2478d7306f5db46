/** A stored user as a SCIM User resource (RFC 7643 §4.1); the password never appears. */
import type { FastifyRequest } from 'fastify';
import { ScimError } from './scim-error';
import { CORE_USER, ENTERPRISE_USER } from './scim-schema';
import type { UserRow } from './store';

export function etagOf(row: UserRow): string {
  return `W/"${row.version}"`;
}

/** The user as a PATCH works on it: canonical names, no id, no meta, no password. */
export function documentOf(row: UserRow): Record<string, unknown> {
  const profile = JSON.parse(row.profile) as Record<string, unknown>;
  return { userName: row.user_name, ...(row.external_id !== null ? { externalId: row.external_id } : {}), ...profile, active: row.active === 1 };
}

export function toResource(row: UserRow, base: string): Record<string, unknown> {
  const { [ENTERPRISE_USER]: enterprise, ...profile } = JSON.parse(row.profile) as Record<string, unknown>;
  return {
    schemas: enterprise ? [CORE_USER, ENTERPRISE_USER] : [CORE_USER],
    id: row.id,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    userName: row.user_name,
    ...profile,
    active: row.active === 1,
    ...(enterprise ? { [ENTERPRISE_USER]: enterprise } : {}),
    meta: {
      resourceType: 'User',
      created: row.created,
      lastModified: row.last_modified,
      location: `${base}/scim/v2/Users/${row.id}`,
      version: etagOf(row),
    },
  };
}

/** If-Match (RFC 7644 §3.14): honoured when sent; weak and strong forms of our tag both match. */
export function checkIfMatch(request: FastifyRequest, row: UserRow): void {
  const header = request.headers['if-match'];
  if (header === undefined) return;
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes('*') || tags.includes(`"${row.version}"`)) return;
  throw new ScimError(412, 'The user has changed since the version given in If-Match.');
}
