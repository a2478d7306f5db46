/**
 * The practice account of demo mode: created with a known previous password and a
 * pending change to a known new password, as if the identity provider had sent one.
 * These are not anyone's passwords; README.md tells people what to type.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AgentService } from './agent-service';
import { SandboxBackend } from './backends/sandbox';
import { SHA512_CRYPT_MIN_ROUNDS, pbkdf2Sha512, sha512Crypt } from '@pwsync/passwords';

export const DEMO_PASSWORDS = { previous: 'autumn-leaves-42', next: 'winter-snow-77' } as const;
export const DEMO_PROVIDER = 'Okta';

/** Both hashes, as a directory would make them for a user with a Mac and a Linux computer (each agent keeps the one it uses). */
export async function hashesFor(password: string, pbkdf2Iterations = 10_000, cryptRounds = SHA512_CRYPT_MIN_ROUNDS): Promise<{ sha512crypt: string; pbkdf2: string }> {
  const [sha512crypt, pbkdf2] = await Promise.all([sha512Crypt(password, cryptRounds), pbkdf2Sha512(password, pbkdf2Iterations)]);
  return { sha512crypt, pbkdf2 };
}

export function newChangeId(): string {
  return `chg_${randomBytes(9).toString('base64url')}`;
}

/** Provisions the practice account once; on a fresh one, queues the demo change unless a directory will send it. */
export async function seedDemo(stateDir: string, service: AgentService, options: { queueChange: boolean } = { queueChange: true }): Promise<void> {
  if (existsSync(path.join(SandboxBackend.folder(stateDir, service.user), 'account.json'))) return;
  await SandboxBackend.provision(stateDir, service.user, DEMO_PASSWORDS.previous);
  if (!options.queueChange) return;
  await service.receiveChange(
    { id: newChangeId(), createdAt: new Date().toISOString(), provider: DEMO_PROVIDER, mode: 'confirm' },
    await hashesFor(DEMO_PASSWORDS.next),
  );
}
