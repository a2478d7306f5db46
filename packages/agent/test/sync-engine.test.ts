import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../src/agent-error';
import { StepError } from '../src/backends/backend';
import { SandboxBackend } from '../src/backends/sandbox';
import { ErrorCode, type StepState, type SyncStep } from '@pwsync/agent-protocol';
import { SyncEngine } from '../src/sync-engine';
import { UserState } from '../src/user-state';
import { systemClock } from '@pwsync/node-kit/clock';
import { sha512Crypt, verifyPassword } from '@pwsync/passwords';
import { watchLoop } from '@pwsync/testing/loop-watch';
import { makeTempDir } from '@pwsync/testing/processes';
import { seedAccount } from '@pwsync/testing/seed';

const USER = 'alex';
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

/** A backend whose account change reports success but does not take (as a broken directory service might). */
class AccountChangeDoesNotTake extends SandboxBackend {
  readonly calls: string[] = [];
  override async changeAccountPassword(user: string, previous: string, next: string): Promise<void> {
    this.calls.push(previous === 'p-prev' ? 'change to new' : 'change back');
    if (previous !== 'p-prev') await super.changeAccountPassword(user, previous, next);
  }
}

/** A keychain that fails with a message of its own: `leaky` quotes the passwords, as a careless backend might. */
class KeychainFails extends SandboxBackend {
  constructor(root: string, private readonly leaky: boolean) {
    super(root);
  }
  override async changeKeychainPassword(_user: string, previous: string, next: string): Promise<void> {
    throw new StepError(this.leaky ? `security refused ${previous} -> ${next}` : 'The keychain can be changed only while the person is signed in', true, 'retry');
  }
}

async function engineWith(backend: SandboxBackend, stateDir: string) {
  const progress: Array<[SyncStep, StepState]> = [];
  const engine = new SyncEngine({
    user: USER,
    backend,
    state: new UserState(stateDir, USER, () => undefined),
    clock: systemClock,
    progress: (step, state) => progress.push([step, state]),
    passwordRejected: async (which) => new AgentError(which === 'new' ? ErrorCode.newPasswordMismatch : ErrorCode.previousPasswordWrong, which, { attemptsLeft: 1 }),
  });
  return { engine, progress };
}

/** A backend that verifies the new password against the crypt hash, as Linux does. */
class VerifiesWithCrypt extends SandboxBackend {
  override readonly newPasswordHash = 'sha512crypt' as unknown as 'pbkdf2';
}

describe('the sync engine', () => {
  it('verifies the new password off its event loop, so a slow hash never stalls the socket', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const stateDir = path.join(dir, 'state');
    await seedAccount(stateDir, USER, 'p-prev', 'p-next');
    const state = new UserState(stateDir, USER, () => undefined);
    const stored = (await state.readPending()).current!;
    // A hash at 200,000 rounds: a few hundred milliseconds of a thread.
    const slow = { ...stored, hashes: { sha512crypt: await sha512Crypt('p-next', 200_000) } };
    const { engine } = await engineWith(new VerifiesWithCrypt(stateDir), stateDir);
    const { result, tookMs, longestStallMs } = await watchLoop(() => engine.run({ change: slow, previousPassword: 'p-prev', newPassword: 'p-next' }));
    expect(result.outcome).toBe('synced');
    expect(tookMs).toBeGreaterThan(100);
    // On the loop, the stall would be the whole verify; off it, a fraction (a busy machine stretches both alike).
    expect(longestStallMs).toBeLessThan(tookMs / 2);
  });

  it('puts the previous password back when the account change does not take, and says retrying is safe', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const stateDir = path.join(dir, 'state');
    const change = await seedAccount(stateDir, USER, 'p-prev', 'p-next');
    const backend = new AccountChangeDoesNotTake(stateDir);
    const { engine, progress } = await engineWith(backend, stateDir);
    const stored = (await new UserState(stateDir, USER, () => undefined).readPending()).current!;
    expect(stored.change.id).toBe(change.id);
    const failure = await engine.run({ change: stored, previousPassword: 'p-prev', newPassword: 'p-next' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AgentError);
    expect((failure as AgentError).data).toEqual({
      step: 'account',
      completedSteps: ['verifyNew', 'verifyPrevious'],
      retrySafe: true,
      remedy: 'retry',
      failureReason: 'The account did not take the new password, so the previous one was put back',
    });
    expect(backend.calls).toEqual(['change to new', 'change back']);
    expect(await backend.accountPasswordIs(USER, 'p-prev')).toBe(true);
    expect(progress).toContainEqual(['account', 'failed']);
    expect(progress.some(([step]) => step === 'keychain')).toBe(false);
  });

  it('reports each step as it runs, in order', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const stateDir = path.join(dir, 'state');
    await seedAccount(stateDir, USER, 'p-prev', 'p-next');
    const backend = new SandboxBackend(stateDir);
    const { engine, progress } = await engineWith(backend, stateDir);
    const stored = (await new UserState(stateDir, USER, () => undefined).readPending()).current!;
    const result = await engine.run({ change: stored, previousPassword: 'p-prev', newPassword: 'p-next' });
    expect(result.outcome).toBe('synced');
    expect(progress).toEqual([
      ['verifyNew', 'running'], ['verifyNew', 'done'],
      ['verifyPrevious', 'running'], ['verifyPrevious', 'done'],
      ['account', 'running'], ['account', 'done'],
      ['keychain', 'running'], ['keychain', 'done'],
      ['fileVault', 'running'], ['fileVault', 'done'],
      ['report', 'running'], ['report', 'skipped'],
    ]);
    const { hash } = JSON.parse(await fs.readFile(path.join(SandboxBackend.folder(stateDir, USER), 'filevault.json'), 'utf8')) as { hash: string };
    expect(await verifyPassword('p-next', hash)).toBe(true);
  });

  it("keeps the backend's words for a failed step, and drops them whole if they hold a password", async () => {
    for (const leaky of [false, true]) {
      const dir = makeTempDir();
      dirs.push(dir);
      const stateDir = path.join(dir, 'state');
      await seedAccount(stateDir, USER, 'p-prev', 'p-next');
      const { engine } = await engineWith(new KeychainFails(stateDir, leaky), stateDir);
      const stored = (await new UserState(stateDir, USER, () => undefined).readPending()).current!;
      const failure = await engine.run({ change: stored, previousPassword: 'p-prev', newPassword: 'p-next' }).catch((e: unknown) => e);
      const data = (failure as AgentError).data;
      expect(data).toMatchObject({ step: 'keychain', retrySafe: true, remedy: 'retry' });
      if (leaky) expect(data).not.toHaveProperty('failureReason');
      else expect(data).toHaveProperty('failureReason', 'The keychain can be changed only while the person is signed in');
      expect(JSON.stringify(data)).not.toMatch(/p-prev|p-next/);
    }
  });
});
