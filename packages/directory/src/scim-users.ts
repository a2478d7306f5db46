/**
 * /scim/v2/Users. Every write follows one order: check the request in full, hash a
 * new password (slow, so outside any transaction), then in one transaction re-read
 * the user, check If-Match and uniqueness, write the user and the change together,
 * and only after the commit push to devices and answer. A request that fails at any
 * point before the commit has written nothing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DirectoryContext } from './context';
import { queryOf, readJsonObject, sendJson } from './http-io';
import { hashesForChange } from './password-hashes';
import { ScimError, badRequest, notFound } from './scim-error';
import { parseFilter } from './scim-filter';
import { applyPatch, parsePatch } from './scim-patch';
import { checkIfMatch, documentOf, etagOf, toResource } from './scim-resource';
import { type ValidUser, validateUser } from './scim-user';
import { type UserRow, newUserId, userNameKey } from './store';

export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const MAX_PAGE = 1000;

function integerParam(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  if (!/^-?\d{1,9}$/.test(text)) throw badRequest(`${name} must be an integer.`);
  return Number(text);
}

function conflict(): ScimError {
  return new ScimError(409, 'A user with this userName already exists.', 'uniqueness');
}

function sendUser(ctx: DirectoryContext, reply: FastifyReply, status: number, row: UserRow): void {
  // The public URL the administrator set (--public-url), never the Host header: a Location is only as good as its base.
  const resource = toResource(row, ctx.publicUrl);
  const headers: Record<string, string> = { etag: etagOf(row) };
  if (status === 201) headers.location = (resource.meta as { location: string }).location;
  sendJson(reply, status, resource, undefined, headers);
}

export async function listUsers(ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { q } = ctx.store;
  const query = queryOf(request.url);
  // RFC 7644 §3.4.2.4: a startIndex below 1 means 1, a negative count means 0.
  const startIndex = Math.max(1, integerParam(query, 'startIndex', 1));
  const count = Math.min(MAX_PAGE, Math.max(0, integerParam(query, 'count', 100)));
  const filterText = query.get('filter');
  let total: number;
  let rows: UserRow[];
  if (filterText !== null) {
    const filter = parseFilter(filterText);
    const matches =
      filter.attribute === 'userName'
        ? [await q.userByName(userNameKey(filter.value))]
        : filter.attribute === 'id'
          ? [await q.userById(filter.value)]
          : await q.usersByExternalId(filter.value);
    const all = matches.filter((r): r is UserRow => r !== undefined);
    total = all.length;
    rows = all.slice(startIndex - 1, startIndex - 1 + count);
  } else {
    total = await q.userCount();
    rows = count === 0 ? [] : await q.usersPage(count, startIndex - 1);
  }
  const base = ctx.publicUrl;
  sendJson(reply, 200, {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) => toResource(row, base)),
  });
}

export async function getUser(ctx: DirectoryContext, id: string, reply: FastifyReply): Promise<void> {
  const row = await ctx.store.q.userById(id);
  if (!row) throw notFound('No user with this id.');
  sendUser(ctx, reply, 200, row);
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

export async function createUser(ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { store, options } = ctx;
  const user = validateUser(readJsonObject(request));
  if (await store.q.userByName(userNameKey(user.userName))) throw conflict();
  // A new user has no devices yet: only the resend check is made, no hash.
  const change = await hashesForChange(ctx, undefined, user.password);
  const row = await store.transaction(async (tx) => {
    if (await tx.userByName(userNameKey(user.userName))) throw conflict();
    const now = ctx.now().toISOString();
    const id = newUserId();
    const { last_modified: _unused, ...values } = rowValues(user, now);
    await tx.insertUser({ id, ...values, created: now });
    if (change) {
      await tx.addChange(id, options.provider, change.hashes, now);
      await tx.setResendCheck(id, change.resendCheck);
    }
    return (await tx.userById(id))!;
  });
  // Not "withPassword": a field named like a password is redacted from the log, even a yes or no.
  ctx.logger.info('user created', { userId: row.id, hashesStored: change !== undefined });
  sendUser(ctx, reply, 201, row);
}

/** PUT and PATCH: `next` turns the stored user into the new one, and runs twice (before hashing, and in the transaction). */
async function updateUser(ctx: DirectoryContext, id: string, request: FastifyRequest, reply: FastifyReply, next: (row: UserRow) => ValidUser): Promise<void> {
  const { store, options } = ctx;
  const before = await store.q.userById(id);
  if (!before) throw notFound('No user with this id.');
  checkIfMatch(request, before);
  const preview = next(before);
  const change = await hashesForChange(ctx, id, preview.password);
  const row = await store.transaction(async (tx) => {
    const current = await tx.userById(id);
    if (!current) throw notFound('No user with this id.');
    checkIfMatch(request, current);
    const user = next(current);
    const other = await tx.userByName(userNameKey(user.userName));
    if (other && other.id !== id) throw conflict();
    const now = ctx.now().toISOString();
    await tx.updateUser({ id, ...rowValues(user, now) });
    if (change) {
      // The superseded change's hashes go in the same transaction (addChange).
      await tx.addChange(id, options.provider, change.hashes, now);
      await tx.setResendCheck(id, change.resendCheck);
    }
    tx.announce({ userId: id });
    return (await tx.userById(id))!;
  });
  if (change) {
    ctx.logger.info('password change stored', { userId: id, hashCount: Object.keys(change.hashes).length });
    ctx.hashesErased();
  }
  sendUser(ctx, reply, 200, row);
}

export async function replaceUser(ctx: DirectoryContext, id: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = readJsonObject(request);
  const user = validateUser(body);
  // A PUT without a password keeps the password: nothing to do, since the pending change stays.
  await updateUser(ctx, id, request, reply, () => user);
}

export async function patchUser(ctx: DirectoryContext, id: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const operations = parsePatch(readJsonObject(request));
  await updateUser(ctx, id, request, reply, (row) => validateUser(applyPatch(documentOf(row), operations)));
}

export async function deleteUser(ctx: DirectoryContext, id: string, reply: FastifyReply): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.userById(id))) throw notFound('No user with this id.');
    // Their devices go with them: each one's streams end, here and at every other instance.
    for (const device of await tx.devicesOfUser(id)) tx.announce({ deviceId: device.id });
    await tx.deleteUser(id);
  });
  // The user's changes went with them (ON DELETE CASCADE): their hashes leave the WAL too.
  ctx.hashesErased();
  ctx.logger.info('user deleted', { userId: id });
  reply.code(204).send();
}
