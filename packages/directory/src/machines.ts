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
 * when its code was made for one, at most `limits.peoplePerMachine` people, and only changes
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
import { type DeviceRow, type MachineRow, type Queries, newId, userNameKey } from './store';

export async function enrolMachine(ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = parseBody(request, MachineEnrolment);
  const token = `mch_${randomBytes(32).toString('base64url')}`;
  const now = ctx.now();
  const outcome = await ctx.store.transaction(async (tx) => {
    const code = await tx.codeByHash(sha256(body.code));
    const state = code ? codeState(code, now) : 'unknown';
    if (!code || state !== 'usable') return { refused: state, codeId: code?.id };
    // The last use may have gone to another request a moment ago.
    if (!(await tx.useCode(code.id))) return { refused: 'usedUp' as const, codeId: code.id };
    const id = newId('mch');
    await tx.insertMachine({
      id,
      machine_name: body.machineName,
      platform: body.platform,
      token_hash: sha256(token),
      scope_user_id: code.user_id,
      enrolment_code_id: code.id,
      created_at: now.toISOString(),
    });
    const scope = code.user_id === null ? null : ((await tx.userById(code.user_id))?.user_name ?? null);
    return { machineId: id, codeId: code.id, scope };
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
export async function authenticateMachine(ctx: DirectoryContext, request: FastifyRequest): Promise<MachineRow> {
  const token = bearerToken(request);
  const machine = token?.startsWith('mch_') ? await ctx.store.q.machineByToken(sha256(token)) : undefined;
  if (!machine) throw unauthorized();
  return machine;
}

export async function describeMachine(ctx: DirectoryContext, machine: MachineRow): Promise<MachineAnswer> {
  const { q } = ctx.store;
  const people: MachineAnswer['people'] = [];
  for (const device of await q.devicesOfMachine(machine.id)) {
    const user = await q.userById(device.user_id);
    if (!user || device.local_account === null) continue;
    people.push({ localAccount: device.local_account, userName: user.user_name, deviceId: device.id, active: user.active === 1, syncEnabled: user.sync_enabled === 1 && device.sync_enabled === 1 });
  }
  return {
    machineId: machine.id,
    machineName: machine.machine_name,
    platform: machine.platform,
    userName: machine.scope_user_id === null ? null : ((await q.userById(machine.scope_user_id))?.user_name ?? null),
    people,
    serverTime: ctx.now().toISOString(),
  };
}

export async function machineInfo(ctx: DirectoryContext, machine: MachineRow, reply: FastifyReply): Promise<void> {
  // Written at most hourly: support sees a machine that stopped calling, and no call costs a disk write.
  const now = ctx.now();
  if (machine.last_seen === null || now.getTime() - Date.parse(machine.last_seen) > 60 * 60 * 1000) await ctx.store.q.machineSeen(machine.id, now.toISOString());
  sendJson(reply, 200, await describeMachine(ctx, machine), JSON_CONTENT_TYPE);
}

function localAccountParam(name: string): string {
  if (!LocalAccount.safeParse(name).success) throw new ScimError(400, 'The local account must be a name as useradd allows it (at most 32 characters).');
  return name;
}

export async function bindPerson(ctx: DirectoryContext, machine: MachineRow, accountName: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const localAccount = localAccountParam(accountName);
  const body = parseBody(request, PersonBinding);
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const outcome = await ctx.store.transaction(async (tx) => {
    const key = userNameKey(body.userName ?? body.localPart!);
    const candidates = body.userName !== undefined ? [await tx.userByName(key)].filter((u) => u !== undefined) : await tx.usersByLocalPart(key);
    if (candidates.length === 0) throw new ScimError(404, 'No user with this userName.');
    if (candidates.length > 1) throw new ScimError(409, 'More than one user has this local part: set a domain or an explicit map in the agent\'s configuration.');
    const user = candidates[0]!;
    if (machine.scope_user_id !== null && machine.scope_user_id !== user.id) {
      throw new ScimError(403, 'This computer was enrolled with a code for one user, and may bind only that user.');
    }
    if (user.active !== 1) throw new ScimError(403, 'This user is not active at the identity provider.');
    const existing = await tx.deviceOfMachine(machine.id, localAccount);
    if (existing && existing.user_id === user.id) {
      // The agent lost its token (or rebinds after a restore): same device, same changes owed, a new token.
      await tx.setDeviceToken(existing.id, sha256(token));
      // Streams opened with the old token end.
      tx.announce({ deviceId: existing.id });
      return { device: existing, user, created: false, replaced: undefined };
    }
    const cap = ctx.limits.peoplePerMachine;
    if (!existing && (await tx.peopleOfMachine(machine.id)) >= cap) {
      throw new ScimError(409, `This computer already serves ${cap} people; unbind one first.`);
    }
    const replaced = existing ? await removeBound(tx, existing) : undefined;
    const id = newId('dev');
    await tx.insertDevice({
      id,
      user_id: user.id,
      device_name: `${machine.machine_name} (${localAccount})`,
      platform: machine.platform,
      token_hash: sha256(token),
      created_at: now.toISOString(),
      // A person is offered only changes made after they were bound here.
      min_change_seq: await tx.newestChangeSeq(),
      enrolment_code_id: machine.enrolment_code_id,
      machine_id: machine.id,
      local_account: localAccount,
    });
    return { device: (await tx.deviceById(id))!, user, created: true, replaced };
  });
  if (outcome.replaced?.erased) ctx.hashesErased();
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

export async function unbindPerson(ctx: DirectoryContext, machine: MachineRow, accountName: string, reply: FastifyReply): Promise<void> {
  const localAccount = localAccountParam(accountName);
  const removed = await ctx.store.transaction(async (tx) => {
    const device = await tx.deviceOfMachine(machine.id, localAccount);
    if (!device) throw notFound('This computer serves no such local account.');
    return removeBound(tx, device);
  });
  if (removed.erased) ctx.hashesErased();
  ctx.logger.info('person unbound', { machineId: machine.id, deviceId: removed.deviceId, localAccount });
  reply.code(204).send();
}

interface Removed {
  deviceId: string;
  erased: boolean;
}

/**
 * Inside a transaction: the device goes (its streams end, here and at every other
 * instance), and no longer holds back the erasure of its user's newest change.
 */
async function removeBound(tx: Queries, device: DeviceRow): Promise<Removed> {
  await tx.deleteDevice(device.id);
  tx.announce({ deviceId: device.id });
  const latest = await tx.latestChange(device.user_id);
  return { deviceId: device.id, erased: latest ? await tx.eraseUnneededHashes(latest) : false };
}

/** Admin API: every machine and whom it binds. */
export async function listMachines(ctx: DirectoryContext, reply: FastifyReply): Promise<void> {
  const machines = [];
  for (const machine of await ctx.store.q.machines()) {
    const { serverTime: _, ...described } = await describeMachine(ctx, machine);
    machines.push({ ...described, createdAt: machine.created_at, lastSeen: machine.last_seen });
  }
  sendJson(reply, 200, { machines }, JSON_CONTENT_TYPE);
}

/** Admin API: the machine's token stops working, and every person it bound is unbound (their devices removed). */
export async function removeMachine(ctx: DirectoryContext, machineId: string, reply: FastifyReply): Promise<void> {
  const removed = await ctx.store.transaction(async (tx) => {
    if (!(await tx.machineById(machineId))) throw notFound('No machine with this id.');
    const devices: Removed[] = [];
    for (const device of await tx.devicesOfMachine(machineId)) devices.push(await removeBound(tx, device));
    await tx.deleteMachine(machineId);
    return devices;
  });
  if (removed.some((r) => r.erased)) ctx.hashesErased();
  ctx.logger.info('machine removed', { machineId, people: removed.length });
  reply.code(204).send();
}
