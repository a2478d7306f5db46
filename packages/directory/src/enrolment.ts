/**
 * Enrolment: an administrator makes an enrolment code for a user (admin API), to be
 * delivered to that user's computers by MDM; each computer's agent exchanges it once
 * for its own device token (device API, `POST /api/v1/device/enrol`). A code is good for a number of uses
 * (one by default), until it expires (7 days by default, 90 at most) or is revoked.
 * It is shown once, when made, and stored only as its SHA-256: it is 24 random bytes,
 * so a fast hash is enough (nobody can guess one to test against it).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DeviceEnrolment, type EnrolmentAnswer } from '@pwsync/device-api';
import type { DirectoryContext } from './context';
import { parseBody, userNamed } from './device-api';
import { JSON_CONTENT_TYPE, queryOf, sendJson, sha256 } from './http-io';
import { ScimError, badRequest, notFound } from './scim-error';
import { type EnrolmentCodeRow, newId } from './store';

const DAY_MS = 24 * 60 * 60 * 1000;
export const CODE_DEFAULT_LIFETIME_MS = 7 * DAY_MS;
export const CODE_MAX_LIFETIME_MS = 90 * DAY_MS;
export const CODE_MAX_USES = 1000;

const CodeRequest = z.object({
  userName: z.string().min(1).max(256),
  label: z.string().max(200).default(''),
  uses: z.number().int().min(1).max(CODE_MAX_USES).default(1),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export type CodeState = 'usable' | 'usedUp' | 'expired' | 'revoked';

export function codeState(code: EnrolmentCodeRow, now: Date): CodeState {
  if (code.revoked_at !== null) return 'revoked';
  if (Date.parse(code.expires_at) <= now.getTime()) return 'expired';
  if (code.uses_left <= 0) return 'usedUp';
  return 'usable';
}

async function describe(ctx: DirectoryContext, code: EnrolmentCodeRow) {
  return {
    id: code.id,
    userName: (await ctx.store.q.userById(code.user_id))?.user_name ?? null,
    label: code.label,
    uses: code.uses_total,
    usesLeft: code.uses_left,
    expiresAt: code.expires_at,
    createdAt: code.created_at,
    revokedAt: code.revoked_at,
    state: codeState(code, ctx.now()),
  };
}

export async function createCode(ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = parseBody(request, CodeRequest);
  const now = ctx.now();
  const expires = body.expiresAt === undefined ? now.getTime() + CODE_DEFAULT_LIFETIME_MS : Date.parse(body.expiresAt);
  if (expires <= now.getTime()) throw badRequest('expiresAt must be in the future.');
  if (expires > now.getTime() + CODE_MAX_LIFETIME_MS) throw badRequest('expiresAt must be at most 90 days from now.');
  const code = `enr_${randomBytes(24).toString('base64url')}`;
  const row = await ctx.store.transaction(async (tx) => {
    const user = await userNamed(ctx, body.userName, tx);
    const id = newId('enc');
    await tx.insertCode({
      id,
      code_hash: sha256(code),
      user_id: user.id,
      label: body.label,
      uses_total: body.uses,
      expires_at: new Date(expires).toISOString(),
      created_at: now.toISOString(),
    });
    return (await tx.codeById(id))!;
  });
  ctx.logger.info('enrolment code created', { codeId: row.id, userId: row.user_id, uses: row.uses_total, expiresAt: row.expires_at });
  sendJson(reply, 201, { ...(await describe(ctx, row)), code }, JSON_CONTENT_TYPE);
}

export async function listCodes(ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const userName = queryOf(request.url).get('userName');
  const rows = await ctx.store.q.codes(userName === null ? undefined : (await userNamed(ctx, userName)).id);
  sendJson(reply, 200, { codes: await Promise.all(rows.map((row) => describe(ctx, row))) }, JSON_CONTENT_TYPE);
}

/** Revoking is final and idempotent; devices already enrolled with the code keep their tokens. */
export async function revokeCode(ctx: DirectoryContext, id: string, reply: FastifyReply): Promise<void> {
  const revoked = await ctx.store.transaction(async (tx) => {
    if (!(await tx.codeById(id))) throw notFound('No enrolment code with this id.');
    await tx.revokeCode(id, ctx.now().toISOString());
    return (await tx.codeById(id))!;
  });
  ctx.logger.info('enrolment code revoked', { codeId: id });
  sendJson(reply, 200, await describe(ctx, revoked), JSON_CONTENT_TYPE);
}

/**
 * The one way a device gets its token: an enrolment code, used once, in the same
 * transaction that creates the device. Every refusal says the same, so the answer
 * does not tell a guesser which codes exist; the log says why, by the code's id.
 */
export async function enrolDevice(ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = parseBody(request, DeviceEnrolment);
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const outcome = await ctx.store.transaction(async (tx) => {
    const code = await tx.codeByHash(sha256(body.code));
    const state = code ? codeState(code, now) : 'unknown';
    if (!code || state !== 'usable') return { refused: state, codeId: code?.id };
    // The last use may have gone to another request a moment ago.
    if (!(await tx.useCode(code.id))) return { refused: 'usedUp' as const, codeId: code.id };
    const id = newId('dev');
    await tx.insertDevice({
      id,
      user_id: code.user_id,
      device_name: body.deviceName,
      platform: body.platform,
      token_hash: sha256(token),
      created_at: now.toISOString(),
      // Changes made before the device existed are not its business.
      min_change_seq: await tx.newestChangeSeq(),
      enrolment_code_id: code.id,
    });
    return { deviceId: id, codeId: code.id };
  });
  if ('refused' in outcome) {
    ctx.logger.warn('enrolment refused', { codeId: outcome.codeId ?? null, reason: outcome.refused });
    throw new ScimError(403, 'This enrolment code cannot be used: it is unknown, used up, expired or revoked. Ask your administrator for a new one.');
  }
  ctx.logger.info('device enrolled', { deviceId: outcome.deviceId, codeId: outcome.codeId, platform: body.platform });
  const answer: EnrolmentAnswer = { deviceId: outcome.deviceId, deviceToken: token };
  sendJson(reply, 201, answer, JSON_CONTENT_TYPE);
}
