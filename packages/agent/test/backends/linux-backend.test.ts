import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/agent-error';
import { AgentService } from '../../src/agent-service';
import { ControlSocketKeyring } from '../../src/backends/gnome-keyring';
import { LinuxBackend } from '../../src/backends/linux';
import { CRYPTSETUP } from '../../src/backends/luks';
import { SafeRunner } from '../../src/backends/safe-runner';
import { CHPASSWD, cryptVerify, PERL } from '../../src/backends/shadow';
import { hashesFor, newChangeId } from '../../src/demo-seed';
import { createLogger } from '@pwsync/node-kit/logger';
import { ErrorCode } from '@pwsync/agent-protocol';
import { makeTempDir } from '@pwsync/testing/processes';
import {
  CHEAP_PBKDF,
  HARD_PASSWORDS,
  isRoot,
  type KeyringSession,
  luksOpens,
  makeFakeRoot,
  makeLuksImage,
  missingTools,
  referenceHash,
  shadowHash,
  startKeyringSession,
  USER,
} from './linux-fixtures';
import { ScanningRunner } from './process-scan';

const skip =
  missingTools(CHPASSWD, PERL, CRYPTSETUP, '/usr/bin/mkpasswd', '/usr/bin/gnome-keyring-daemon', '/usr/bin/dbus-daemon') ??
  (isRoot ? undefined : 'chpasswd -R and cryptsetup need root');
const [PREVIOUS, NEXT] = [HARD_PASSWORDS[3], HARD_PASSWORDS[2]];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  keyringPassword?: string;
  luks?: 'previous' | 'none' | 'broken';
}

async function setUp(options: Setup = {}) {
  const dir = makeTempDir('pwx-');
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const root = makeFakeRoot(referenceHash('yescrypt', PREVIOUS));
  cleanups.push(() => fs.rm(root, { recursive: true, force: true }));
  let session: KeyringSession | undefined;
  if (options.keyringPassword !== undefined) {
    session = await startKeyringSession();
    cleanups.push(() => session!.close());
    await session.startDaemon(options.keyringPassword);
  }
  let image: string | undefined;
  if (options.luks === 'previous' || options.luks === undefined) image = makeLuksImage(dir, PREVIOUS);
  if (options.luks === 'broken') {
    image = path.join(dir, 'not-luks.img');
    await fs.writeFile(image, Buffer.alloc(4096));
  }
  const runner = new ScanningRunner(new SafeRunner(), [PREVIOUS, NEXT]);
  const backend = new LinuxBackend({
    runner,
    root,
    stateDir: path.join(dir, 'state'),
    luksDevices: image ? [image] : [],
    luksPbkdfArgs: CHEAP_PBKDF,
    keyring: new ControlSocketKeyring({ runner, runtimeDirFor: () => session?.runtimeDir ?? path.join(dir, 'no-session'), switchUser: false }),
  });
  let logs = '';
  const logger = createLogger({ name: 'pwsync-agent', level: 'debug', destination: new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) }) });
  const service = new AgentService({ stateDir: path.join(dir, 'state'), user: USER, backend, logger, version: '0.1.0' });
  await service.load();
  const progress: string[] = [];
  service.on('syncProgress', ({ step, state }) => progress.push(`${step}:${state}`));
  const change = { id: newChangeId(), createdAt: new Date().toISOString(), provider: 'Okta', mode: 'confirm' as const };
  const hashes = await hashesFor(NEXT, 1000);
  return { dir, root, session, image, runner, backend, service, change, hashes, progress, logs: () => logs };
}

describe.skipIf(skip)(`the Linux backend, for real on a throw-away root${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('applies the directory\'s hash on arrival, then, confirmed, re-hashes as yescrypt and re-keys keyring and LUKS', async () => {
    const t = await setUp({ keyringPassword: PREVIOUS });
    await t.service.receiveChange(t.change, t.hashes);
    // Applied without asking: the account holds the directory's hash, and the tray is told 'applied'.
    expect(await shadowHash(t.root)).toBe(t.hashes.sha512crypt);
    expect(t.service.status().pendingChange?.mode).toBe('applied');
    expect(luksOpens(t.image!, PREVIOUS)).toBe(true);

    const result = await t.service.confirm(t.change.id, PREVIOUS, NEXT);
    expect(result).toMatchObject({ outcome: 'synced', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault'] });
    const hash = await shadowHash(t.root);
    expect(hash.startsWith('$y$')).toBe(true);
    expect(await cryptVerify(new SafeRunner(), NEXT, hash)).toBe(true);
    expect(await cryptVerify(new SafeRunner(), PREVIOUS, hash)).toBe(false);
    expect(luksOpens(t.image!, NEXT)).toBe(true);
    expect(luksOpens(t.image!, PREVIOUS)).toBe(false);
    await t.session!.startDaemon(PREVIOUS);
    expect(await t.session!.loginUnlocked()).toBe(false);
    await t.session!.startDaemon(NEXT);
    expect(await t.session!.loginUnlocked()).toBe(true);
    // Once synced, the replaced hash no longer counts as the previous password.
    expect(await t.backend.accountPasswordIs(USER, PREVIOUS)).toBe(false);

    // No password was ever on a command line or in an environment, while every tool ran.
    expect(t.runner.hits).toEqual([]);
    const seen = [...t.runner.seen].join(' ');
    for (const tool of [CHPASSWD, PERL, CRYPTSETUP, process.execPath]) expect(seen).toContain(tool);
    expect(t.logs()).not.toContain(PREVIOUS);
    expect(t.logs()).not.toContain(NEXT);
  });

  it('has a process scan that does catch a password put where it must not be', async () => {
    const runner = new ScanningRunner(new SafeRunner(), [NEXT]);
    await runner.run({ program: '/bin/sleep', args: ['0.2'], user: { name: 'x', home: '/' }, env: { LEAKED: NEXT } });
    expect(runner.hits.some((hit) => hit.endsWith('/environ'))).toBe(true);
  });

  it('reports a keyring on another password after the account step precisely, and does not undo the account', async () => {
    const t = await setUp({ keyringPassword: 'a keyring password of its own' });
    await t.service.receiveChange(t.change, t.hashes);
    const failure = await t.service.confirm(t.change.id, PREVIOUS, NEXT).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AgentError);
    expect((failure as AgentError).code).toBe(ErrorCode.stepFailed);
    expect((failure as AgentError).data).toEqual({
      step: 'keychain',
      completedSteps: ['verifyNew', 'verifyPrevious', 'account'],
      retrySafe: false,
      remedy: 'newKeychain',
      failureReason: 'The GNOME login keyring is not on the previous password',
    });
    expect(await cryptVerify(new SafeRunner(), NEXT, await shadowHash(t.root))).toBe(true);
    expect(luksOpens(t.image!, PREVIOUS)).toBe(true);
    expect(t.service.status().lastResult).toMatchObject({ outcome: 'failed', failedStep: 'keychain', failureReason: 'The GNOME login keyring is not on the previous password' });
  });

  it('counts a wrong previous password and changes nothing', async () => {
    const t = await setUp({ keyringPassword: PREVIOUS });
    await t.service.receiveChange(t.change, t.hashes);
    const failure = await t.service.confirm(t.change.id, 'not the previous password', NEXT).catch((e: unknown) => e);
    expect((failure as AgentError).code).toBe(ErrorCode.previousPasswordWrong);
    expect(await shadowHash(t.root)).toBe(t.hashes.sha512crypt);
    expect(luksOpens(t.image!, PREVIOUS)).toBe(true);
  });

  it('says skipped, not done, where there is no keyring and no LUKS disk', async () => {
    const t = await setUp({ luks: 'none' });
    await t.service.receiveChange(t.change, t.hashes);
    const result = await t.service.confirm(t.change.id, PREVIOUS, NEXT);
    expect(result.completedSteps).toEqual(['verifyNew', 'verifyPrevious', 'account']);
    expect(t.progress).toContain('keychain:skipped');
    expect(t.progress).toContain('fileVault:skipped');
  });

  it('reports a disk that cannot be checked after account and keychain moved, as retry-safe', async () => {
    const t = await setUp({ keyringPassword: PREVIOUS, luks: 'broken' });
    await t.service.receiveChange(t.change, t.hashes);
    const failure = await t.service.confirm(t.change.id, PREVIOUS, NEXT).catch((e: unknown) => e);
    expect((failure as AgentError).data).toEqual({
      step: 'fileVault',
      completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain'],
      retrySafe: true,
      remedy: 'retry',
      failureReason: 'The disk encryption could not be checked or changed (cryptsetup open --test-passphrase: exit 1)',
    });
  });
});
