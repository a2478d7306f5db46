/**
 * Checking a User document against the attribute table and putting every attribute
 * name into its canonical case (SCIM names are case-insensitive, RFC 7643 §2.1).
 * Unknown attributes are refused (invalidSyntax), wrong types too (invalidValue); the
 * error names the attribute, never the value, since a value may be a password.
 */
import { checkPassword } from '@pwsync/passwords';
import { badRequest } from './scim-error';
import { type Attr, CORE_USER, ENTERPRISE_ATTRIBUTES, ENTERPRISE_USER, READ_ONLY_TOP, USER_ATTRIBUTES, findAttr } from './scim-schema';

const MAX_STRING = 2048;
const MAX_ITEMS = 100;
export const MAX_USERNAME = 256;

/** The parts of a User the directory keeps apart; everything else is `profile`. */
export interface ValidUser {
  userName: string;
  active: boolean;
  externalId: string | null;
  password: string | undefined;
  profile: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const label = (name: string) => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);

function checkSingle(attr: Attr, value: unknown, path: string): unknown {
  if (attr.type === 'complex') {
    if (!isObject(value)) throw badRequest(`${path} must be an object.`);
    return checkComplex(attr.subAttributes ?? [], value, path);
  }
  if (attr.type === 'boolean') {
    if (typeof value !== 'boolean') throw badRequest(`${path} must be true or false.`);
    return value;
  }
  if (typeof value !== 'string') throw badRequest(`${path} must be a string.`);
  if (value.length > MAX_STRING) throw badRequest(`${path} is longer than ${MAX_STRING} characters.`);
  return value;
}

export function checkValue(attr: Attr, value: unknown, path: string): unknown {
  if (!attr.multiValued) return checkSingle(attr, value, path);
  if (!Array.isArray(value)) throw badRequest(`${path} must be an array.`);
  if (value.length > MAX_ITEMS) throw badRequest(`${path} has more than ${MAX_ITEMS} values.`);
  return value.map((item, i) => checkSingle(attr, item, `${path}[${i}]`));
}

function checkComplex(attrs: Attr[], input: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const attr = findAttr(attrs, key);
    if (!attr) throw badRequest(`${path}.${label(key)} is not an attribute of this schema.`, 'invalidSyntax');
    if (attr.name in out) throw badRequest(`${path}.${attr.name} is given twice.`, 'invalidSyntax');
    if (value === null) continue; // null means unassigned (RFC 7643 §2.5)
    out[attr.name] = checkValue(attr, value, `${path}.${attr.name}`);
  }
  return out;
}

function checkSchemas(value: unknown): void {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw badRequest('schemas must be an array of strings.');
  const known = [CORE_USER.toLowerCase(), ENTERPRISE_USER.toLowerCase()];
  if (!value.every((s: string) => known.includes(s.toLowerCase()))) throw badRequest('schemas names a schema this directory does not support.', 'invalidValue');
}

/**
 * A whole User as sent in POST or PUT, or as a PATCH leaves it. Read-only attributes
 * (id, meta, groups) are ignored, as RFC 7643 §2.2 asks.
 */
export function validateUser(input: Record<string, unknown>): ValidUser {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') {
      checkSchemas(value);
      continue;
    }
    if (READ_ONLY_TOP.has(lower)) continue;
    let name: string;
    let checked: unknown;
    if (lower === 'externalid') {
      name = 'externalId';
      checked = value === null ? null : checkSingle({ name, type: 'string', description: '' }, value, name);
    } else if (lower === ENTERPRISE_USER.toLowerCase()) {
      name = ENTERPRISE_USER;
      if (value !== null && !isObject(value)) throw badRequest(`${ENTERPRISE_USER} must be an object.`);
      checked = value === null ? null : checkComplex(ENTERPRISE_ATTRIBUTES, value, ENTERPRISE_USER);
    } else {
      const attr = findAttr(USER_ATTRIBUTES, key);
      if (!attr) throw badRequest(`${label(key)} is not an attribute of the User schema.`, 'invalidSyntax');
      name = attr.name;
      checked = value === null ? null : checkValue(attr, value, name);
    }
    if (name in out) throw badRequest(`${name} is given twice.`, 'invalidSyntax');
    out[name] = checked;
  }
  const { userName, active, externalId, password, ...profile } = out;
  if (typeof userName !== 'string' || userName.length === 0) throw badRequest('userName is required.');
  if (userName.length > MAX_USERNAME || [...userName].some((c) => c < ' ')) throw badRequest(`userName must be at most ${MAX_USERNAME} characters, with no control characters.`);
  if (password !== undefined && password !== null) checkNewPassword(password as string);
  for (const key of Object.keys(profile)) if (profile[key] === null) delete profile[key];
  return {
    userName,
    active: active === null || active === undefined ? true : (active as boolean),
    externalId: (externalId as string | null | undefined) ?? null,
    password: (password as string | null | undefined) ?? undefined,
    profile,
  };
}

/** The agent refuses these (agent/src/password-rules.ts), so refuse them where the administrator sees why. */
export function checkNewPassword(password: string): void {
  if (password.length === 0) throw badRequest('password must not be empty.');
  const problem = checkPassword(password);
  if (problem === 'tooLong') throw badRequest('password is longer than 1024 bytes.');
  if (problem) throw badRequest('password contains a character the devices cannot accept (NUL or a line break).');
}
