/**
 * The filters Okta sends to find a User before it creates one: `userName eq "…"`
 * (RFC 7644 §3.4.2.2). Equality on userName (case-insensitive, as its caseExact is
 * false), externalId and id is supported; anything else is an invalidFilter error
 * rather than a silently wrong answer.
 */
import { badRequest } from './scim-error';
import { CORE_USER } from './scim-schema';

export interface UserFilter {
  attribute: 'userName' | 'externalId' | 'id';
  value: string;
}

const ATTRIBUTES = { username: 'userName', externalid: 'externalId', id: 'id' } as const;
const PATTERN = /^\s*(\S+)\s+(\S+)\s+("(?:[^"\\]|\\.)*")\s*$/;

export function parseFilter(text: string): UserFilter {
  if (text.length > 1024) throw badRequest('The filter is too long.', 'invalidFilter');
  const match = PATTERN.exec(text);
  if (!match) throw badRequest('Only filters of the form: attribute eq "value" are supported.', 'invalidFilter');
  const [, rawName, operator, literal] = match as unknown as [string, string, string, string];
  let name = rawName.toLowerCase();
  if (name.startsWith(`${CORE_USER.toLowerCase()}:`)) name = name.slice(CORE_USER.length + 1);
  const attribute = ATTRIBUTES[name as keyof typeof ATTRIBUTES];
  if (!attribute) throw badRequest('Filters are supported on userName, externalId and id.', 'invalidFilter');
  if (operator.toLowerCase() !== 'eq') throw badRequest('Only the eq operator is supported.', 'invalidFilter');
  let value: unknown;
  try {
    value = JSON.parse(literal);
  } catch {
    throw badRequest('The filter value is not a valid string.', 'invalidFilter');
  }
  return { attribute, value: value as string };
}
