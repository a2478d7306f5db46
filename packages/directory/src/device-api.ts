/**
 * The device API (docs/directory.md): the administrator enrols devices and turns
 * password sync off per user or device; each agent checks in, holds an event stream,
 * and reports its result per change. Request bodies are checked with zod; fields this
 * version does not know are ignored, so a newer agent can add some.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DeviceResult, Enrolment, type EnrolmentAnswer } from '@pwsync/device-api';
import type { DirectoryContext } from './context';
import { readJsonObject, sendJson, sha256 } from './http-io';
import { ScimError, badRequest, notFound, unauthorized } from './scim-error';
import { type DeviceRow, type UserRow, newId, userNameKey } from './store';

const JSON_TYPE = 'application/json';
const SyncToggle = z.object({ syncEnabled: z.boolean() });

async function parse<T>(request: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const result = schema.safeParse(await readJsonObject(request));
  if (!result.success) {
    // Names of the fields at fault, never their values.
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(body)'))].join(', ');
    throw badRequest(`Invalid or missing: ${fields}.`);
  }
  return result.data;
}

function userNamed(ctx: DirectoryContext, userName: string): UserRow {
  const user = ctx.store.q.userByName.get(userNameKey(userName));
  if (!user) throw notFound('No user with this userName.');
  return user;
}

export async function enrolDevice(ctx: DirectoryContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await parse(request, Enrolment);
  const token = randomBytes(32).toString('base64url');
  const deviceId = ctx.store.transaction(() => {
    const user = userNamed(ctx, body.userName);
    const id = newId('dev');
    ctx.store.q.insertDevice.run({ id, user_id: user.id, device_name: body.deviceName, platform: body.platform, token_hash: sha256(token), created_at: new Date().toISOString() });
    return id;
  });
  ctx.logger.info('device enrolled', { deviceId, platform: body.platform });
  const answer: EnrolmentAnswer = { deviceId, deviceToken: token };
  sendJson(response, 201, answer, JSON_TYPE);
}

export function listDevices(ctx: DirectoryContext, userName: string, response: ServerResponse): void {
  const { q } = ctx.store;
  const user = userNamed(ctx, userName);
  const devices = q.devicesOfUser.all(user.id).map((d) => {
    const last = q.lastResult.get(d.id);
    return {
      deviceId: d.id,
      deviceName: d.device_name,
      platform: d.platform,
      syncEnabled: d.sync_enabled === 1,
      lastCheckIn: d.last_check_in,
      lastResult: last ? { changeId: last.change_id, outcome: last.outcome, failedStep: last.failed_step, at: last.at } : null,
      online: ctx.hub.isOnline(d.id),
    };
  });
  sendJson(response, 200, { devices }, JSON_TYPE);
}

export async function setUserSync(ctx: DirectoryContext, userName: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { syncEnabled } = await parse(request, SyncToggle);
  const user = ctx.store.transaction(() => {
    const found = userNamed(ctx, userName);
    ctx.store.q.setUserSync.run(syncEnabled ? 1 : 0, found.id);
    return ctx.store.q.userById.get(found.id)!;
  });
  ctx.logger.info('user sync set', { userId: user.id, syncEnabled });
  ctx.userChanged(user.id);
  sendJson(response, 200, { userName: user.user_name, active: user.active === 1, syncEnabled }, JSON_TYPE);
}

export async function setDeviceSync(ctx: DirectoryContext, deviceId: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { syncEnabled } = await parse(request, SyncToggle);
  ctx.store.transaction(() => {
    if (!ctx.store.q.deviceById.get(deviceId)) throw notFound('No device with this id.');
    ctx.store.q.setDeviceSync.run(syncEnabled ? 1 : 0, deviceId);
  });
  ctx.logger.info('device sync set', { deviceId, syncEnabled });
  ctx.deviceChanged(deviceId);
  sendJson(response, 200, { deviceId, syncEnabled }, JSON_TYPE);
}

export function removeDevice(ctx: DirectoryContext, deviceId: string, response: ServerResponse): void {
  const removed = ctx.store.transaction(() => ctx.store.db.prepare('DELETE FROM devices WHERE id = ?').run(deviceId).changes);
  if (!removed) throw notFound('No device with this id.');
  ctx.hub.disconnect(deviceId);
  ctx.logger.info('device removed', { deviceId });
  response.writeHead(204).end();
}

/** The device whose token this request carries; an unknown token is a 401 like a missing one. */
export function authenticateDevice(ctx: DirectoryContext, token: string | undefined): { device: DeviceRow; user: UserRow } {
  const device = token ? ctx.store.q.deviceByToken.get(sha256(token)) : undefined;
  const user = device && ctx.store.q.userById.get(device.user_id);
  if (!device || !user) throw unauthorized();
  return { device, user };
}

export function checkIn(ctx: DirectoryContext, device: DeviceRow, user: UserRow, response: ServerResponse): void {
  ctx.store.q.checkedIn.run(new Date().toISOString(), device.id);
  sendJson(response, 200, ctx.answerFor(device, user), JSON_TYPE);
}

export function openEvents(ctx: DirectoryContext, device: DeviceRow, user: UserRow, response: ServerResponse): void {
  ctx.hub.attach(device.id, response, ctx.answerFor(device, user));
}

export async function reportResult(ctx: DirectoryContext, device: DeviceRow, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await parse(request, DeviceResult);
  ctx.store.transaction(() => {
    const change = ctx.store.q.changeById.get(body.changeId);
    if (!change || change.user_id !== device.user_id) throw new ScimError(404, 'No change with this id for this device.');
    ctx.store.q.insertResult.run({ device_id: device.id, change_id: change.id, outcome: body.outcome, failed_step: body.failedStep, at: body.at });
  });
  ctx.logger.info('device reported', { deviceId: device.id, changeId: body.changeId, outcome: body.outcome, failedStep: body.failedStep });
  ctx.deviceChanged(device.id);
  response.writeHead(204).end();
}
