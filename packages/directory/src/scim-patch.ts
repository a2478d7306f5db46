/**
 * PATCH (RFC 7644 §3.5.2) on a User held as a plain document with canonical names.
 * Both forms clients send are taken: an operation with a `path` ("active",
 * "name.givenName", "urn:…:enterprise:2.0:User:department"), and Okta's form, a
 * `replace` with no path whose `value` is an object of attributes. The result is
 * checked as a whole afterwards (validateUser), so a PATCH cannot leave a User that a
 * PUT could not have written. Filtered paths (`emails[type eq "work"].value`) are
 * refused with invalidPath: Okta does not send them for Users.
 */
import { badRequest } from './scim-error';
import { type Attr, CORE_USER, ENTERPRISE_ATTRIBUTES, ENTERPRISE_USER, READ_ONLY_TOP, USER_ATTRIBUTES, findAttr } from './scim-schema';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MAX_OPERATIONS = 100;

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string | undefined;
  value: unknown;
}

type Doc = Record<string, unknown>;
interface Target {
  enterprise: boolean;
  attr: Attr;
  sub: Attr | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const EXTERNAL_ID: Attr = { name: 'externalId', type: 'string', description: '' };

/** The body's shape only; what the operations do is checked when they are applied. */
export function parsePatch(body: Record<string, unknown>): PatchOperation[] {
  let operations: unknown;
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') {
      if (!Array.isArray(value) || !value.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP.toLowerCase())) {
        throw badRequest(`schemas must be ["${PATCH_OP}"].`, 'invalidSyntax');
      }
    } else if (lower === 'operations') operations = value;
    else throw badRequest('A PATCH body holds only schemas and Operations.', 'invalidSyntax');
  }
  if (!Array.isArray(operations) || operations.length === 0) throw badRequest('Operations must be a non-empty array.', 'invalidSyntax');
  if (operations.length > MAX_OPERATIONS) throw badRequest(`At most ${MAX_OPERATIONS} operations in one PATCH.`, 'invalidSyntax');
  return operations.map((item, i) => {
    if (!isObject(item)) throw badRequest(`Operations[${i}] must be an object.`, 'invalidSyntax');
    let op: unknown, path: unknown, value: unknown;
    for (const [key, v] of Object.entries(item)) {
      const lower = key.toLowerCase();
      if (lower === 'op') op = v;
      else if (lower === 'path') path = v;
      else if (lower === 'value') value = v;
      else throw badRequest(`Operations[${i}] holds only op, path and value.`, 'invalidSyntax');
    }
    const name = typeof op === 'string' ? op.toLowerCase() : '';
    if (name !== 'add' && name !== 'replace' && name !== 'remove') throw badRequest(`Operations[${i}].op must be add, replace or remove.`, 'invalidSyntax');
    if (path !== undefined && (typeof path !== 'string' || path.length === 0 || path.length > 512)) throw badRequest(`Operations[${i}].path must be a non-empty string.`, 'invalidPath');
    return { op: name, path: path as string | undefined, value };
  });
}

function resolvePath(path: string): Target {
  if (path.includes('[')) throw badRequest('Filtered paths are not supported for Users.', 'invalidPath');
  let rest = path;
  let enterprise = false;
  const lower = path.toLowerCase();
  if (lower.startsWith(`${ENTERPRISE_USER.toLowerCase()}:`)) {
    enterprise = true;
    rest = path.slice(ENTERPRISE_USER.length + 1);
  } else if (lower.startsWith(`${CORE_USER.toLowerCase()}:`)) rest = path.slice(CORE_USER.length + 1);
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) throw badRequest('path is not an attribute path.', 'invalidPath');
  const [name, subName] = parts as [string, string | undefined];
  if (!enterprise && READ_ONLY_TOP.has(name.toLowerCase())) throw badRequest(`${name} is read-only.`, 'mutability');
  const attr = enterprise ? findAttr(ENTERPRISE_ATTRIBUTES, name) : name.toLowerCase() === 'externalid' ? EXTERNAL_ID : findAttr(USER_ATTRIBUTES, name);
  if (!attr) throw badRequest('path names an attribute the User schema does not have.', 'invalidPath');
  if (subName === undefined) return { enterprise, attr, sub: undefined };
  const sub = attr.multiValued ? undefined : findAttr(attr.subAttributes ?? [], subName);
  if (!sub) throw badRequest('path names a sub-attribute the User schema does not have.', 'invalidPath');
  return { enterprise, attr, sub };
}

/** Puts a complex value's keys in canonical case, so merging cannot create duplicates. */
function canonicalKeys(attr: Attr, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[findAttr(attr.subAttributes ?? [], key)?.name ?? key] = v;
  return out;
}

function setAt(doc: Doc, target: Target, op: 'add' | 'replace', value: unknown): void {
  if (value === undefined) throw badRequest(`${op} needs a value.`, 'invalidValue');
  const container = target.enterprise ? ((doc[ENTERPRISE_USER] as Doc | undefined) ?? (doc[ENTERPRISE_USER] = {}) as Doc) : doc;
  if (!isObject(container)) throw badRequest(`${ENTERPRISE_USER} must be an object.`);
  const { attr, sub } = target;
  if (sub) {
    const parent = container[attr.name] ?? (container[attr.name] = {});
    if (!isObject(parent)) throw badRequest(`${attr.name} must be an object.`);
    if (value === null) delete parent[sub.name];
    else parent[sub.name] = value;
    return;
  }
  if (value === null) delete container[attr.name];
  else if (attr.multiValued && op === 'add') {
    const existing = Array.isArray(container[attr.name]) ? (container[attr.name] as unknown[]) : [];
    container[attr.name] = [...existing, ...(Array.isArray(value) ? value : [value])];
  } else if (attr.type === 'complex' && !attr.multiValued && isObject(value)) {
    // RFC 7644 §3.5.2.3: sub-attributes not given are left as they were.
    const existing = isObject(container[attr.name]) ? (container[attr.name] as Doc) : {};
    container[attr.name] = { ...existing, ...canonicalKeys(attr, value) };
  } else container[attr.name] = value;
}

function removeAt(doc: Doc, target: Target): void {
  const { attr, sub } = target;
  if (!target.enterprise && (attr.name === 'password' || attr.name === 'active' || attr.name === 'userName')) {
    throw badRequest(`${attr.name} cannot be removed.`, 'mutability');
  }
  const container = target.enterprise ? (doc[ENTERPRISE_USER] as Doc | undefined) : doc;
  if (!isObject(container)) return;
  if (!sub) delete container[attr.name];
  else if (isObject(container[attr.name])) delete (container[attr.name] as Doc)[sub.name];
}

/** Applies the operations to a copy of `doc`; the copy is returned, `doc` is untouched. */
export function applyPatch(doc: Doc, operations: PatchOperation[]): Doc {
  const next = structuredClone(doc);
  for (const { op, path, value } of operations) {
    if (op === 'remove') {
      if (!path) throw badRequest('remove needs a path.', 'noTarget');
      removeAt(next, resolvePath(path));
    } else if (path) setAt(next, resolvePath(path), op, value);
    else {
      if (!isObject(value)) throw badRequest(`${op} without a path needs an object value.`, 'invalidValue');
      for (const [key, v] of Object.entries(value)) {
        if (key.toLowerCase() === 'schemas') continue;
        if (key.toLowerCase() === ENTERPRISE_USER.toLowerCase()) {
          if (!isObject(v)) throw badRequest(`${ENTERPRISE_USER} must be an object.`);
          for (const [subKey, subValue] of Object.entries(v)) setAt(next, resolvePath(`${ENTERPRISE_USER}:${subKey}`), op, subValue);
        } else setAt(next, resolvePath(key), op, v);
      }
    }
  }
  return next;
}
