/**
 * What enrolment leaves on the computer: the machine's record (directory, machine id,
 * machine token) in STATE/machine.json, and for each person served, their binding
 * (userName, device id, device token) in STATE/users/NAME/binding.json. Both are
 * tokens, so root's alone: written 0600 through a new file (O_EXCL|O_NOFOLLOW) renamed
 * into place in the root-only state folder (atomic-file.ts), and believed only if they
 * are still root's, 0600, and reached without a link.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Platform } from '@pwsync/device-api';
import { readJson, writeJsonAtomic } from '../atomic-file';

export const MachineRecord = z.strictObject({
  directory: z.string().url(),
  machineId: z.string().min(1),
  machineToken: z.string().min(1),
  machineName: z.string(),
  platform: Platform,
  /** The one user this machine may bind (its code was for them), or null. */
  userName: z.string().nullable(),
  enrolledAt: z.iso.datetime(),
});
export type MachineRecord = z.infer<typeof MachineRecord>;

export const Binding = z.strictObject({
  localAccount: z.string(),
  uid: z.number().int(),
  /** How it was asked for, so a change of the mapping rule rebinds. */
  asked: z.union([z.strictObject({ userName: z.string() }), z.strictObject({ localPart: z.string() })]),
  userName: z.string(),
  deviceId: z.string(),
  deviceToken: z.string().min(1),
  boundAt: z.iso.datetime(),
});
export type Binding = z.infer<typeof Binding>;

export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

export const machineFile = (stateDir: string) => path.join(stateDir, 'machine.json');
export const bindingFile = (stateDir: string, account: string) => path.join(stateDir, 'users', account, 'binding.json');

/** A token file must still be the agent's alone: someone who could loosen it could have read it. */
async function checkPrivate(file: string, owner: number): Promise<void> {
  const stats = await fs.lstat(file).catch(() => undefined);
  if (!stats) return;
  if (!stats.isFile()) throw new RecordError(`${file} is not a regular file; remove it and enrol again (pwsync-agent enroll)`);
  if (stats.uid !== owner || (stats.mode & 0o077) !== 0) {
    throw new RecordError(`${file} holds a token but is not root's alone (owner uid ${stats.uid}, mode ${(stats.mode & 0o777).toString(8)}); treat the token as known to others: remove the file, remove the machine at the directory, and enrol again`);
  }
}

const ownUid = () => process.getuid?.() ?? 0;

export async function readMachineRecord(stateDir: string): Promise<MachineRecord | undefined> {
  const file = machineFile(stateDir);
  await checkPrivate(file, ownUid());
  const read = await readJson(file, MachineRecord);
  if (read.kind === 'ok') return read.value;
  if (read.kind === 'corrupt') throw new RecordError(`${file} was unreadable and is moved aside to ${read.movedTo}; enrol again (pwsync-agent enroll)`);
  return undefined;
}

export function writeMachineRecord(stateDir: string, record: MachineRecord): Promise<void> {
  return writeJsonAtomic(machineFile(stateDir), record);
}

export async function readBinding(stateDir: string, account: string): Promise<Binding | undefined> {
  const file = bindingFile(stateDir, account);
  await checkPrivate(file, ownUid());
  const read = await readJson(file, Binding);
  return read.kind === 'ok' ? read.value : undefined;
}

export function writeBinding(stateDir: string, binding: Binding): Promise<void> {
  return writeJsonAtomic(bindingFile(stateDir, binding.localAccount), binding);
}

export async function removeBinding(stateDir: string, account: string): Promise<void> {
  await fs.rm(bindingFile(stateDir, account), { force: true });
}

/** The accounts that have a binding on this computer, bound or not by the rule today. */
export async function boundAccounts(stateDir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(stateDir, 'users'), { withFileTypes: true }).catch(() => []);
  const accounts: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const stats = await fs.lstat(bindingFile(stateDir, entry.name)).catch(() => undefined);
    if (stats?.isFile()) accounts.push(entry.name);
  }
  return accounts;
}
