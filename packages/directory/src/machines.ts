/**
 * Machines: a computer enrolled as a whole, whose one agent serves every person on it
 * (docs/directory.md, "Machines"). The machine exchanges an enrolment code for its
 * machine token, once; with that token it binds each local account it serves to a
 * directory user, by its administrator's mapping rule, and gets for each a device of
 * that user's with its own device token (check-in, events and results are a device's,
 * as before). So one person's changes reach only the device bound to them, and a
 * machine token by itself receives no change at all.
 *
 * What a machine can do is bounded: it binds only active users, only the code's user
 * when its code was made for one, at most `peoplePerMachine` people, and only changes
 * made after a person was first bound are offered to them.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type BindingAnswer, LocalAccount, MachineEnrolment, type MachineAnswer, type MachineEnrolmentAnswer, PersonBinding } from '@pwsync/device-api';
import type { DirectoryContext } from './context';
import { parseBody } from './device-api';
import { CODE_REFUSED, codeState } from './enrolment';
import { JSON_CONTENT_TYPE, bearerToken, sendJson, sha256 } from './http-io';
import { ScimError, notFound, unauthorized } from './scim-error';
import { type DeviceRow, type MachineRow, newId, userNameKey } from './store';

/** Bound people one machine may hold: far more than share a computer, few enough that a stolen token cannot bind a company. */
export const PEOPLE_PER_MACHINE = 200;

export function enrolMachine(ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply): void {
  const body = parseBody(request, MachineEnrolment);
  const token = `mch_${randomBytes(32).toString('base64url')}`;
  const now = ctx.now();
  const outcome = ctx.store.transaction(() => {
    const { q } = ctx.store;
    const code = q.codeByHash.get(sha256(body.code));
    const state = code ? codeState(code, now) : 'unknown';
    if (!code || state !== 'usable') return { refused: state, codeId: code?.id };
    q.useCode.run(code.id);
    const id = newId('mch');
    q.insertMachine.run({
      id,
      machine_name: body.machineName,
      platform: body.platform,
      token_hash: sha256(token),
      scope_user_id: code.user_id,
      enrolment_code_id: code.id,
      created_at: now.toISOString(),
    });
    return { machineId: id, codeId: code.id, scope: code.user_id === null ? null : (q.userById.get(code.user_id)?.user_name ?? null) };
  });
  if ('refused' in outcome) {
    ctx.logger.warn('machine enrolment refused', { codeId: outcome.codeId ?? null, reason: outcome.refused });
    throw new ScimError(403, CODE_REFUSED);
  }
  ctx.logger.info('machine enrolled', { machineId: outcome.machineId, codeId: outcome.codeId, platform: body.platform, forAnyUser: outcome.scope === null });
  const answer: MachineEnrolmentAnswer = { machineId: outcome.machineId, machineToken: token, userName: outcome.scope };
  sendJson(reply, 201, answer, JSON_CONTENT_TYPE);
}

/** The machine whose token this request carries; an unknown token is a 401 like a missing one. */
export function authenticateMachine(ctx: DirectoryContext, request: FastifyRequest): MachineRow {
  const token = bearerToken(request);
  const machine = token?.startsWith('mch_') ? ctx.store.q.machineByToken.get(sha256(token)) : undefined;
  if (!machine) throw unauthorized();
  return machine;
}

export function describeMachine(ctx: DirectoryContext, machine: MachineRow): MachineAnswer {
  const { q } = ctx.store;
  return {
    machineId: machine.id,
    machineName: machine.machine_name,
    platform: machine.platform,
    userName: machine.scope_user_id === null ? null : (q.userById.get(machine.scope_user_id)?.user_name ?? null),
    people: q.devicesOfMachine.all(machine.id).flatMap((device) => {
      const user = q.userById.get(device.user_id);
      if (!user || device.local_account === null) return [];
      return [{ localAccount: device.local_account, userName: user.user_name, deviceId: device.id, active: user.active === 1, syncEnabled: user.sync_enabled === 1 && device.sync_enabled === 1 }];
    }),
    serverTime: ctx.now().toISOString(),
  };
}

export function machineInfo(ctx: DirectoryContext, machine: MachineRow, reply: FastifyReply): void {
  // Written at most hourly: support sees a machine that stopped calling, and no call costs a disk write.
  const now = ctx.now();
  if (machine.last_seen === null || now.getTime() - Date.parse(machine.last_seen) > 60 * 60 * 1000) ctx.store.q.machineSeen.run(now.toISOString(), machine.id);
  sendJson(reply, 200, describeMachine(ctx, machine), JSON_CONTENT_TYPE);
}

function localAccountParam(name: string): string {
  if (!LocalAccount.safeParse(name).success) throw new ScimError(400, 'The local account must be a name as useradd allows it (at most 32 characters).');
  return name;
}

export function bindPerson(ctx: DirectoryContext, machine: MachineRow, accountName: string, request: FastifyRequest, reply: FastifyReply): void {
  const localAccount = localAccountParam(accountName);
  const body = parseBody(request, PersonBinding);
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const { store } = ctx;
  const { q } = store;
  const outcome = store.transaction(() => {
    const key = userNameKey(body.userName ?? body.localPart!);
    const candidates = body.userName !== undefined ? [q.userByName.get(key)].filter((u) => u !== undefined) : q.usersByLocalPart.all(key, key, key);
    if (candidates.length === 0) throw new ScimError(404, 'No user with this userName.');
    if (candidates.length > 1) throw new ScimError(409, 'More than one user has this local part: set a domain or an explicit map in the agent\'s configuration.');
    const user = candidates[0]!;
    if (machine.scope_user_id !== null && machine.scope_user_id !== user.id) {
      throw new ScimError(403, 'This computer was enrolled with a code for one user, and may bind only that user.');
    }
    if (user.active !== 1) throw new ScimError(403, 'This user is not active at the identity provider.');
    const existing = q.deviceOfMachine.get(machine.id, localAccount);
    if (existing && existing.user_id === user.id) {
      // The agent lost its token (or rebinds after a restore): same device, same changes owed, a new token.
      q.setDeviceToken.run(sha256(token), existing.id);
      return { device: existing, user, created: false, replaced: undefined };
    }
    if (!existing && q.peopleOfMachine.get(machine.id)!.n >= PEOPLE_PER_MACHINE) {
      throw new ScimError(409, `This computer already serves ${PEOPLE_PER_MACHINE} people; unbind one first.`);
    }
    const replaced = existing ? removeBound(ctx, existing) : undefined;
    const id = newId('dev');
    q.insertBoundDevice.run({
      id,
      user_id: user.id,
      device_name: `${machine.machine_name} (${localAccount})`,
      platform: machine.platform,
      token_hash: sha256(token),
      created_at: now.toISOString(),
      // A person is offered only changes made after they were bound here.
      min_change_seq: q.newestChangeSeq.get()!.n,
      enrolment_code_id: machine.enrolment_code_id,
      machine_id: machine.id,
      local_account: localAccount,
    });
    return { device: q.deviceById.get(id)!, user, created: true, replaced };
  });
  if (outcome.replaced) afterRemoval(ctx, outcome.replaced);
  ctx.logger.info(outcome.created ? 'person bound' : 'person bound again with a new token', {
    machineId: machine.id,
    deviceId: outcome.device.id,
    localAccount,
    userId: outcome.user.id,
    ...(outcome.replaced ? { replacedDeviceId: outcome.replaced.deviceId } : {}),
  });
  const answer: BindingAnswer = { localAccount, userName: outcome.user.user_name, deviceId: outcome.device.id, deviceToken: token };
  sendJson(reply, outcome.created ? 201 : 200, answer, JSON_CONTENT_TYPE);
}

export function unbindPerson(ctx: DirectoryContext, machine: MachineRow, accountName: string, reply: FastifyReply): void {
  const localAccount = localAccountParam(accountName);
  const removed = ctx.store.transaction(() => {
    const device = ctx.store.q.deviceOfMachine.get(machine.id, localAccount);
    if (!device) throw notFound('This computer serves no such local account.');
    return removeBound(ctx, device);
  });
  afterRemoval(ctx, removed);
  ctx.logger.info('person unbound', { machineId: machine.id, deviceId: removed.deviceId, localAccount });
  reply.code(204).send();
}

interface Removed {
  deviceId: string;
  erased: boolean;
}

/** Inside a transaction: the device goes, and no longer holds back the erasure of its user's newest change. */
function removeBound(ctx: DirectoryContext, device: DeviceRow): Removed {
  const { q } = ctx.store;
  q.deleteDevice.run(device.id);
  const latest = q.latestChange.get(device.user_id);
  return { deviceId: device.id, erased: latest ? ctx.store.eraseUnneededHashes(latest) : false };
}

function afterRemoval(ctx: DirectoryContext, removed: Removed): void {
  ctx.hub.disconnect(removed.deviceId);
  ctx.forgetDevice(removed.deviceId);
  if (removed.erased) ctx.hashesErased();
}

/** Admin API: every machine and whom it binds. */
export function listMachines(ctx: DirectoryContext, reply: FastifyReply): void {
  const machines = ctx.store.q.allMachines.all().map((machine) => {
    const { serverTime: _, ...described } = describeMachine(ctx, machine);
    return { ...described, createdAt: machine.created_at, lastSeen: machine.last_seen };
  });
  sendJson(reply, 200, { machines }, JSON_CONTENT_TYPE);
}

/** Admin API: the machine's token stops working, and every person it bound is unbound (their devices removed). */
export function removeMachine(ctx: DirectoryContext, machineId: string, reply: FastifyReply): void {
  const removed = ctx.store.transaction(() => {
    const machine = ctx.store.q.machineById.get(machineId);
    if (!machine) throw notFound('No machine with this id.');
    const devices = ctx.store.q.devicesOfMachine.all(machineId).map((device) => removeBound(ctx, device));
    ctx.store.q.deleteMachine.run(machineId);
    return devices;
  });
  for (const device of removed) afterRemoval(ctx, device);
  ctx.logger.info('machine removed', { machineId, people: removed.length });
  reply.code(204).send();
}
