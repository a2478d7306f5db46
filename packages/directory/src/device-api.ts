/**
 * The device API (docs/directory.md): each agent, once enrolled (enrolment.ts), checks
 * in, holds an event stream, and reports its result per change; and the
 * administrator's side of it: the devices of a user, sync turned off per user or
 * device, a device removed. Request bodies are checked with zod; fields this version
 * does not know are ignored, so a newer agent can add some.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DeviceResult } from '@pwsync/device-api';
import { ADMIN_TOKEN_ACTOR } from './console/audit';
import type { DirectoryContext } from './context';
import { JSON_CONTENT_TYPE, bearerToken, readJsonObject, sendJson, sha256 } from './http-io';
import { ScimError, badRequest, notFound, unauthorized } from './scim-error';
import { type DeviceRow, type DeviceState, type Queries, type UserRow, userNameKey } from './store';

const SyncToggle = z.object({ syncEnabled: z.boolean() });

export function parseBody<T>(request: FastifyRequest, schema: z.ZodType<T>): T {
  const result = schema.safeParse(readJsonObject(request));
  if (!result.success) {
    // Names of the fields at fault, never their values.
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(body)'))].join(', ');
    throw badRequest(`Invalid or missing: ${fields}.`);
  }
  return result.data;
}

export async function userNamed(ctx: DirectoryContext, userName: string, q: Queries = ctx.store.q): Promise<UserRow> {
  const user = await q.userByName(userNameKey(userName));
  if (!user) throw notFound('No user with this userName.');
  return user;
}

export async function listDevices(ctx: DirectoryContext, userName: string, reply: FastifyReply): Promise<void> {
  const { q } = ctx.store;
  const user = await userNamed(ctx, userName);
  const rows = await q.devicesOfUser(user.id);
  const devices = await Promise.all(rows.map(async (d) => {
    const last = await q.lastResult(d.id);
    return {
      deviceId: d.id,
      deviceName: d.device_name,
      platform: d.platform,
      // A person a machine's agent serves: the machine and the local account; null for a device enrolled on its own.
      machineId: d.machine_id,
      localAccount: d.local_account,
      syncEnabled: d.sync_enabled === 1,
      lastCheckIn: ctx.lastCheckIn(d),
      // `at` is what the device claims; `receivedAt` is the directory's own clock.
      lastResult: last ? { changeId: last.change_id, outcome: last.outcome, failedStep: last.failed_step, at: last.at, receivedAt: last.received_at } : null,
      online: ctx.hub.isOnline(d.id),
    };
  }));
  sendJson(reply, 200, { devices }, JSON_CONTENT_TYPE);
}

/** Turns sync off or on for a person; their connected devices are told at once. The admin API's and the console's one way. */
export async function turnUserSync(ctx: DirectoryContext, userName: string, syncEnabled: boolean): Promise<{ user: UserRow; told: number }> {
  const user = await ctx.store.transaction(async (tx) => {
    const found = await userNamed(ctx, userName, tx);
    await tx.setUserSync(found.id, syncEnabled);
    tx.announce({ userId: found.id });
    return (await tx.userById(found.id))!;
  });
  ctx.logger.info('user sync set', { userId: user.id, syncEnabled });
  const told = (await ctx.store.q.devicesOfUser(user.id)).filter((d) => ctx.hub.isOnline(d.id)).length;
  return { user, told };
}

export async function setUserSync(ctx: DirectoryContext, userName: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { syncEnabled } = parseBody(request, SyncToggle);
  const { user } = await turnUserSync(ctx, userName, syncEnabled);
  await ctx.audit?.record(request, ADMIN_TOKEN_ACTOR, 'personSyncSet', user.user_name, { syncEnabled });
  sendJson(reply, 200, { userName: user.user_name, active: user.active === 1, syncEnabled }, JSON_CONTENT_TYPE);
}

/** Turns sync off or on for one device; it is told at once if connected. */
export async function turnDeviceSync(ctx: DirectoryContext, deviceId: string, syncEnabled: boolean): Promise<{ device: DeviceRow; told: boolean }> {
  const device = await ctx.store.transaction(async (tx) => {
    if (!(await tx.deviceById(deviceId))) throw notFound('No device with this id.');
    await tx.setDeviceSync(deviceId, syncEnabled);
    tx.announce({ deviceId });
    return (await tx.deviceById(deviceId))!;
  });
  ctx.logger.info('device sync set', { deviceId, syncEnabled });
  return { device, told: ctx.hub.isOnline(deviceId) };
}

export async function setDeviceSync(ctx: DirectoryContext, deviceId: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { syncEnabled } = parseBody(request, SyncToggle);
  const { device } = await turnDeviceSync(ctx, deviceId, syncEnabled);
  const userName = (await ctx.store.q.userById(device.user_id))?.user_name;
  await ctx.audit?.record(request, ADMIN_TOKEN_ACTOR, 'deviceSyncSet', deviceId, { syncEnabled, deviceName: device.device_name, userName });
  sendJson(reply, 200, { deviceId, syncEnabled }, JSON_CONTENT_TYPE);
}

/** A removed device no longer holds back the erasure of its user's newest change, and loses its streams at once. */
export async function deleteDevice(ctx: DirectoryContext, deviceId: string): Promise<{ device: DeviceRow; userName: string | undefined }> {
  const removed = await ctx.store.transaction(async (tx) => {
    const device = await tx.deviceById(deviceId);
    if (!device) throw notFound('No device with this id.');
    const userName = (await tx.userById(device.user_id))?.user_name;
    await tx.deleteDevice(deviceId);
    // Its streams end, here and at every other instance (the device is gone when they read it).
    tx.announce({ deviceId });
    const latest = await tx.latestChange(device.user_id);
    return { device, userName, erased: latest ? await tx.eraseUnneededHashes(latest) : false };
  });
  if (removed.erased) ctx.hashesErased();
  // The person's live pages here: the device left their list.
  ctx.personTouched(removed.device.user_id);
  ctx.logger.info('device removed', { deviceId, erasedHashes: removed.erased });
  return { device: removed.device, userName: removed.userName };
}

export async function removeDevice(ctx: DirectoryContext, deviceId: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { device, userName } = await deleteDevice(ctx, deviceId);
  await ctx.audit?.record(request, ADMIN_TOKEN_ACTOR, 'deviceRemoved', deviceId, { deviceName: device.device_name, platform: device.platform, userName });
  reply.code(204).send();
}

export interface AuthenticatedDevice extends DeviceState {
  /** The fan-out's generation before the state was read (openStream compares it). */
  readAt: number;
}

/** The device whose token this request carries, with its state; an unknown token is a 401 like a missing one. */
export async function authenticateDevice(ctx: DirectoryContext, request: FastifyRequest): Promise<AuthenticatedDevice> {
  const token = bearerToken(request);
  const readAt = ctx.fanOut.generation;
  const state = token ? await ctx.store.q.deviceStateByToken(sha256(token)) : undefined;
  if (!state) throw unauthorized();
  return { ...state, readAt };
}

export async function checkIn(ctx: DirectoryContext, state: AuthenticatedDevice, reply: FastifyReply): Promise<void> {
  ctx.recordCheckIn(state.device.id, state.user.id);
  sendJson(reply, 200, ctx.answerOf(state), JSON_CONTENT_TYPE);
}

export async function openEvents(ctx: DirectoryContext, state: AuthenticatedDevice, reply: FastifyReply): Promise<void> {
  const { device, user } = state;
  // Full: a refusal the agent understands (it waits Retry-After, then tries again; its check-ins go on meanwhile).
  const retryAfter = ctx.hub.refusal(device.id);
  if (retryAfter !== undefined) {
    throw new ScimError(503, `This directory holds as many event streams as it may; try again in ${retryAfter} s.`, undefined, { 'retry-after': String(retryAfter), connection: 'close' });
  }
  await ctx.openStream(state, (answer) => {
    // The stream outlives this handler: the response is ours from here (the hub writes and ends it).
    reply.hijack();
    // Gone while its answer was read: nothing to attach (its close has been and gone).
    if (reply.raw.socket === null || reply.raw.socket.destroyed) return void reply.raw.destroy();
    ctx.hub.attach(device.id, reply.raw, answer);
    // Online now, and offline again when the stream closes: the console's live pages here hear both.
    ctx.personTouched(user.id);
    reply.raw.on('close', () => ctx.personTouched(user.id));
  });
}

/**
 * A result, rate-limited per device (limits.ts), kept with the directory's own time
 * beside the device's claim, and the newest hundred per device. A `synced` report that
 * was the last one outstanding erases the change's hashes.
 */
export async function reportResult(ctx: DirectoryContext, { device }: AuthenticatedDevice, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const allowed = ctx.reports.take(device.id);
  if (!allowed.ok) {
    const seconds = Math.max(1, Math.ceil(allowed.retryAfterMs / 1000));
    throw new ScimError(429, `Too many reports from this device; try again in ${seconds} s.`, undefined, { 'retry-after': String(seconds) });
  }
  const body = parseBody(request, DeviceResult);
  const erased = await ctx.store.transaction(async (tx) => {
    const change = await tx.changeById(body.changeId);
    if (!change || change.user_id !== device.user_id) throw new ScimError(404, 'No change with this id for this device.');
    await tx.insertResult(
      {
        device_id: device.id,
        change_id: change.id,
        outcome: body.outcome,
        failed_step: body.failedStep,
        reason: body.outcome === 'failed' ? body.reason : null,
        at: body.at,
        received_at: ctx.now().toISOString(),
      },
      ctx.limits.reportsKept,
    );
    tx.announce({ deviceId: device.id });
    return body.outcome === 'synced' && (await tx.eraseUnneededHashes(change));
  });
  if (erased) ctx.hashesErased();
  ctx.logger.info('device reported', { deviceId: device.id, changeId: body.changeId, outcome: body.outcome, failedStep: body.failedStep, erasedHashes: erased });
  reply.code(204).send();
}
