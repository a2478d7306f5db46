/** Puts a user's practice account and a pending change into an agent's state folder. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SandboxBackend } from '@pwsync/agent/backends/sandbox';
import { hashesFor, newChangeId } from '@pwsync/agent/demo-seed';
import type { PendingChange } from '@pwsync/agent-protocol';
import { UserState } from '@pwsync/agent/user-state';

export async function seedAccount(stateDir: string, user: string, previous: string, next: string): Promise<PendingChange> {
  await SandboxBackend.provision(stateDir, user, previous);
  const change: PendingChange = { id: newChangeId(), createdAt: new Date().toISOString(), provider: 'Okta', mode: 'confirm' };
  const state = new UserState(stateDir, user, () => undefined);
  await state.writePending({ current: { change, hashes: await hashesFor(next, 1000) }, supersededIds: [] });
  return change;
}

/** Puts the practice login keychain on a password of its own, as an out-of-band reset would: the keychain step then fails. */
export async function keychainOnAnotherPassword(stateDir: string, user: string): Promise<void> {
  const { pbkdf2 } = await hashesFor('a keychain password of its own', 1000);
  await writeFile(path.join(SandboxBackend.folder(stateDir, user), 'keychain.json'), JSON.stringify({ hash: pbkdf2 }));
}
