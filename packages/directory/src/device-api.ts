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
import type { DirectoryContext } from './context';
import { JSON_CONTENT_TYPE, bearerToken, readJsonObject, sendJson, sha256 } from './http-io';
import { ScimError, badRequest, notFound, unauthorized } from './scim-error';
import { type DeviceRow, type UserRow, userNameKey } from './store';

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

export function userNamed(ctx: DirectoryContext, userName: string): UserRow {
  const user = ctx.store.q.userByName.get(userNameKey(userName));
  if (!user) throw notFound('No user with this userName.');
  return user;
}

export function listDevices(ctx: DirectoryContext, userName: string, reply: FastifyReply): void {
  const { q } = ctx.store;
  const user = userNamed(ctx, userName);
  const devices = q.devicesOfUser.all(user.id).map((d) => {
    const last = q.lastResult.get(d.id);
    return {
      deviceId: d.id,
      deviceName: d.device_name,
      platform: d.platform,
      syncEnabled: d.sync_enabled === 1,
      lastCheckIn: ctx.lastCheckIn(d),
      // `at` is what the device claims; `receivedAt` is the directory's own clock.
      lastResult: last ? { changeId: last.change_id, outcome: last.outcome, failedStep: last.failed_step, at: last.at, receivedAt: last.received_at } : null,
      online: ctx.hub.isOnline(d.id),
    };
  });
  sendJson(reply, 200, { devices }, JSON_CONTENT_TYPE);
}

export function setUserSync(ctx: DirectoryContext, userName: string, request: FastifyRequest, reply: FastifyReply): void {
  const { syncEnabled } = parseBody(request, SyncToggle);
  const user = ctx.store.transaction(() => {
    const found = userNamed(ctx, userName);
    ctx.store.q.setUserSync.run(syncEnabled ? 1 : 0, found.id);
    return ctx.store.q.userById.get(found.id)!;
  });
  ctx.logger.info('user sync set', { userId: user.id, syncEnabled });
  ctx.userChanged(user.id);
  sendJson(reply, 200, { userName: user.user_name, active: user.active === 1, syncEnabled }, JSON_CONTENT_TYPE);
}

export function setDeviceSync(ctx: DirectoryContext, deviceId: string, request: FastifyRequest, reply: FastifyReply): void {
  const { syncEnabled } = parseBody(request, SyncToggle);
  ctx.store.transaction(() => {
    if (!ctx.store.q.deviceById.get(deviceId)) throw notFound('No device with this id.');
    ctx.store.q.setDeviceSync.run(syncEnabled ? 1 : 0, deviceId);
  });
  ctx.logger.info('device sync set', { deviceId, syncEnabled });
  ctx.deviceChanged(deviceId);
  sendJson(reply, 200, { deviceId, syncEnabled }, JSON_CONTENT_TYPE);
}

/** A removed device no longer holds back the erasure of its user's newest change. */
export function removeDevice(ctx: DirectoryContext, deviceId: string, reply: FastifyReply): void {
  const { store } = ctx;
  const erased = store.transaction(() => {
    const device = store.q.deviceById.get(deviceId);
    if (!device) throw notFound('No device with this id.');
    store.q.deleteDevice.run(deviceId);
    const latest = store.q.latestChange.get(device.user_id);
    return latest ? store.eraseUnneededHashes(latest) : false;
  });
  ctx.hub.disconnect(deviceId);
  ctx.forgetDevice(deviceId);
  if (erased) ctx.hashesErased();
  ctx.logger.info('device removed', { deviceId, erasedHashes: erased });
  reply.code(204).send();
}

export interface AuthenticatedDevice {
  device: DeviceRow;
  user: UserRow;
}

/** The device whose token this request carries; an unknown token is a 401 like a missing one. */
export function authenticateDevice(ctx: DirectoryContext, request: FastifyRequest): AuthenticatedDevice {
  const token = bearerToken(request);
  const device = token ? ctx.store.q.deviceByToken.get(sha256(token)) : undefined;
  const user = device && ctx.store.q.userById.get(device.user_id);
  if (!device || !user) throw unauthorized();
  return { device, user };
}

export function checkIn(ctx: DirectoryContext, { device, user }: AuthenticatedDevice, reply: FastifyReply): void {
  ctx.recordCheckIn(device.id);
  sendJson(reply, 200, ctx.answerFor(device, user), JSON_CONTENT_TYPE);
}

export function openEvents(ctx: DirectoryContext, { device, user }: AuthenticatedDevice, reply: FastifyReply): void {
  // Full: a refusal the agent understands (it waits Retry-After, then tries again; its check-ins go on meanwhile).
  const retryAfter = ctx.hub.refusal(device.id);
  if (retryAfter !== undefined) {
    throw new ScimError(503, `This directory holds as many event streams as it may; try again in ${retryAfter} s.`, undefined, { 'retry-after': String(retryAfter), connection: 'close' });
  }
  // The stream outlives this handler: the response is ours from here (the hub writes and ends it).
  reply.hijack();
  ctx.hub.attach(device.id, reply.raw, ctx.answerFor(device, user));
}

/**
 * A result, rate-limited per device (limits.ts), kept with the directory's own time
 * beside the device's claim, and the newest hundred per device. A `synced` report that
 * was the last one outstanding erases the change's hashes.
 */
export function reportResult(ctx: DirectoryContext, { device }: AuthenticatedDevice, request: FastifyRequest, reply: FastifyReply): void {
  const allowed = ctx.reports.take(device.id);
  if (!allowed.ok) {
    const seconds = Math.max(1, Math.ceil(allowed.retryAfterMs / 1000));
    throw new ScimError(429, `Too many reports from this device; try again in ${seconds} s.`, undefined, { 'retry-after': String(seconds) });
  }
  const body = parseBody(request, DeviceResult);
  const { store, limits } = ctx;
  const erased = store.transaction(() => {
    const change = store.q.changeById.get(body.changeId);
    if (!change || change.user_id !== device.user_id) throw new ScimError(404, 'No change with this id for this device.');
    store.q.insertResult.run({ device_id: device.id, change_id: change.id, outcome: body.outcome, failed_step: body.failedStep, at: body.at, received_at: ctx.now().toISOString() });
    store.q.pruneResults.run(device.id, device.id, limits.reportsKept);
    return body.outcome === 'synced' && store.eraseUnneededHashes(change);
  });
  if (erased) ctx.hashesErased();
  ctx.logger.info('device reported', { deviceId: device.id, changeId: body.changeId, outcome: body.outcome, failedStep: body.failedStep, erasedHashes: erased });
  ctx.deviceChanged(device.id);
  reply.code(204).send();
}
