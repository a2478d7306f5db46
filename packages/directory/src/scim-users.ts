/**
 * /scim/v2/Users. Every write follows one order: check the request in full, hash a
 * new password (slow, so outside any transaction), then in one transaction re-read
 * the user, check If-Match and uniqueness, write the user and the change together,
 * and only after the commit push to devices and answer. A request that fails at any
 * point before the commit has written nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DirectoryContext } from './context';
import { readJsonObject, sendJson } from './http-io';
import { hashesForChange } from './password-hashes';
import { ScimError, badRequest, notFound } from './scim-error';
import { parseFilter } from './scim-filter';
import { applyPatch, parsePatch } from './scim-patch';
import { baseUrl, checkIfMatch, documentOf, etagOf, toResource } from './scim-resource';
import { type ValidUser, validateUser } from './scim-user';
import { type UserRow, userNameKey } from './store';

export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const MAX_PAGE = 1000;

function integerParam(url: URL, name: string, fallback: number): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return fallback;
  if (!/^-?\d{1,9}$/.test(text)) throw badRequest(`${name} must be an integer.`);
  return Number(text);
}

function conflict(): ScimError {
  return new ScimError(409, 'A user with this userName already exists.', 'uniqueness');
}

function sendUser(ctx: DirectoryContext, request: IncomingMessage, response: ServerResponse, status: number, row: UserRow): void {
  const resource = toResource(row, baseUrl(request));
  const headers: Record<string, string> = { etag: etagOf(row) };
  if (status === 201) headers.location = (resource.meta as { location: string }).location;
  sendJson(response, status, resource, undefined, headers);
}

export function listUsers(ctx: DirectoryContext, url: URL, request: IncomingMessage, response: ServerResponse): void {
  const { q } = ctx.store;
  // RFC 7644 §3.4.2.4: a startIndex below 1 means 1, a negative count means 0.
  const startIndex = Math.max(1, integerParam(url, 'startIndex', 1));
  const count = Math.min(MAX_PAGE, Math.max(0, integerParam(url, 'count', 100)));
  const filterText = url.searchParams.get('filter');
  let total: number;
  let rows: UserRow[];
  if (filterText !== null) {
    const filter = parseFilter(filterText);
    const matches =
      filter.attribute === 'userName'
        ? [q.userByName.get(userNameKey(filter.value))]
        : filter.attribute === 'id'
          ? [q.userById.get(filter.value)]
          : q.userByExternalId.all(filter.value);
    const all = matches.filter((r): r is UserRow => r !== undefined);
    total = all.length;
    rows = all.slice(startIndex - 1, startIndex - 1 + count);
  } else {
    total = q.userCount.get()!.n;
    rows = count === 0 ? [] : q.usersPage.all(count, startIndex - 1);
  }
  const base = baseUrl(request);
  sendJson(response, 200, {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) => toResource(row, base)),
  });
}

export function getUser(ctx: DirectoryContext, id: string, request: IncomingMessage, response: ServerResponse): void {
  const row = ctx.store.q.userById.get(id);
  if (!row) throw notFound('No user with this id.');
  sendUser(ctx, request, response, 200, row);
}

function rowValues(user: ValidUser, now: string) {
  return {
    user_name: user.userName,
    user_name_key: userNameKey(user.userName),
    external_id: user.externalId,
    active: user.active ? 1 : 0,
    profile: JSON.stringify(user.profile),
    last_modified: now,
  };
}

export async function createUser(ctx: DirectoryContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { store, options } = ctx;
  const user = validateUser(await readJsonObject(request));
  if (store.q.userByName.get(userNameKey(user.userName))) throw conflict();
  const hashes = await hashesForChange(store, undefined, user.password, options.pbkdf2Iterations);
  const row = store.transaction(() => {
    if (store.q.userByName.get(userNameKey(user.userName))) throw conflict();
    const now = new Date().toISOString();
    const id = store.newUserId();
    const { last_modified: _unused, ...values } = rowValues(user, now);
    store.q.insertUser.run({ id, ...values, created: now });
    if (hashes) store.addChange(id, options.provider, hashes, now);
    return store.q.userById.get(id)!;
  });
  // Not "withPassword": a field named like a password is redacted from the log, even a yes or no.
  ctx.logger.info('user created', { userId: row.id, hashesStored: hashes !== undefined });
  sendUser(ctx, request, response, 201, row);
}

/** PUT and PATCH: `next` turns the stored user into the new one, and runs twice (before hashing, and in the transaction). */
async function updateUser(ctx: DirectoryContext, id: string, request: IncomingMessage, response: ServerResponse, next: (row: UserRow) => ValidUser): Promise<void> {
  const { store, options } = ctx;
  const before = store.q.userById.get(id);
  if (!before) throw notFound('No user with this id.');
  checkIfMatch(request, before);
  const preview = next(before);
  const hashes = await hashesForChange(store, id, preview.password, options.pbkdf2Iterations);
  const row = store.transaction(() => {
    const current = store.q.userById.get(id);
    if (!current) throw notFound('No user with this id.');
    checkIfMatch(request, current);
    const user = next(current);
    const other = store.q.userByName.get(userNameKey(user.userName));
    if (other && other.id !== id) throw conflict();
    const now = new Date().toISOString();
    store.q.updateUser.run({ id, ...rowValues(user, now) });
    if (hashes) store.addChange(id, options.provider, hashes, now);
    return store.q.userById.get(id)!;
  });
  if (hashes) ctx.logger.info('password change stored', { userId: id });
  ctx.userChanged(id);
  sendUser(ctx, request, response, 200, row);
}

export async function replaceUser(ctx: DirectoryContext, id: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readJsonObject(request);
  const user = validateUser(body);
  // A PUT without a password keeps the password: nothing to do, since the pending change stays.
  await updateUser(ctx, id, request, response, () => user);
}

export async function patchUser(ctx: DirectoryContext, id: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const operations = parsePatch(await readJsonObject(request));
  await updateUser(ctx, id, request, response, (row) => validateUser(applyPatch(documentOf(row), operations)));
}

export function deleteUser(ctx: DirectoryContext, id: string, response: ServerResponse): void {
  const { store } = ctx;
  const devices = store.transaction(() => {
    if (!store.q.userById.get(id)) throw notFound('No user with this id.');
    const owned = store.q.devicesOfUser.all(id);
    store.q.deleteUser.run(id);
    return owned;
  });
  for (const device of devices) ctx.hub.disconnect(device.id);
  ctx.logger.info('user deleted', { userId: id });
  response.writeHead(204).end();
}
