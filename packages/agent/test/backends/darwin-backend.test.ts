import path from 'node:path';
import { promises as fs } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/agent-error';
import { StepError } from '../../src/backends/backend';
import {
  APP_SSO,
  DarwinBackend,
  IOREG,
  LAUNCHCTL,
  MANAGEMENT_CHECK_TTL_MS,
  MOBILE_ACCOUNT_MESSAGE,
  MV,
  OSASCRIPT,
  PLATFORM_SSO_MESSAGE,
  PROFILES,
  PWPOLICY,
  RESET_NEEDS_ADMIN_MESSAGE,
  SECURITY,
  securityQuote,
  SUDO,
  SYSADMINCTL,
  TEST,
} from '../../src/backends/darwin';
import { ACCOUNT_SCRIPT, RESET_KEYCHAIN_SCRIPT } from '../../src/backends/darwin-scripts';
import { type RecordedCall, RecordingRunner } from '../../src/backends/recording-runner';
import { ErrorCode, MacDiagnostics, type StepState, type SyncStep } from '@pwsync/agent-protocol';
import { SyncEngine } from '../../src/sync-engine';
import { systemClock } from '@pwsync/node-kit/clock';
import { type StoredChange, UserState } from '../../src/user-state';
import { hashesFor, newChangeId } from '../../src/demo-seed';
import { makeTempDir } from '@pwsync/testing/processes';
import {
  APP_SSO_DEVICE_ONLY,
  APP_SSO_USER_REGISTERED,
  FakeMac,
  HARDWARE_UUID,
  HOME,
  KEYCHAIN_FILE,
  label,
  LOCAL_AUTHORITY,
  LOCAL_ITEMS,
  LOCAL_ITEMS_KEPT,
  NEXT,
  NOW,
  PREVIOUS,
  UID,
  USER,
} from './darwin-fixtures';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

function backendFor(mac: FakeMac, now: () => number = () => NOW) {
  const runner = new RecordingRunner(mac.answer);
  return { runner, backend: new DarwinBackend(runner, { now }) };
}

/** Runs the whole sync through the engine; previous null is starting over (forgotten previous password). */
async function sync(mac: FakeMac, previous: string | null = PREVIOUS) {
  const dir = makeTempDir('pwd-');
  dirs.push(dir);
  const { runner, backend } = backendFor(mac);
  const state = new UserState(path.join(dir, 'state'), USER, () => undefined);
  const change: StoredChange = { change: { id: newChangeId(), createdAt: new Date().toISOString(), provider: 'Okta', mode: 'confirm' }, hashes: await hashesFor(NEXT, 1000) };
  const progress: Array<[SyncStep, StepState]> = [];
  const engine = new SyncEngine({
    user: USER,
    backend,
    state,
    clock: systemClock,
    progress: (step, s) => progress.push([step, s]),
    passwordRejected: async (which) => new AgentError(which === 'new' ? ErrorCode.newPasswordMismatch : ErrorCode.previousPasswordWrong, which, { attemptsLeft: 1 }),
  });
  const outcome = await engine.run({ change, previousPassword: previous, newPassword: NEXT }).then((r) => r, (e: unknown) => e);
  return { runner, outcome, progress, labels: runner.calls.map(label) };
}

/** The calls that change something: none of these may run when a check refuses. */
const CHANGING = ['od:change', 'od:reset', 'keychain:change', 'keychain:reset', 'mv', 'diskutil'];

function expectNoSecretOutsideStdin(calls: RecordedCall[]) {
  for (const call of calls) {
    for (const secret of [PREVIOUS, NEXT, JSON.stringify(PREVIOUS).slice(1, -1), JSON.stringify(NEXT).slice(1, -1), 'Grüße', 'Ω']) {
      expect(call.args.join('\0')).not.toContain(secret);
      expect(Object.entries(call.env).flat().join('\0')).not.toContain(secret);
    }
    expect(call.program === SECURITY || call.args.includes(SECURITY) ? call.args : []).not.toContain('-v');
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then((value) => ({ resolved: value }), (error: unknown) => error);
}

describe('the macOS backend, by recording', () => {
  it('runs the transaction in order, with the exact programs, arguments and standard input', async () => {
    const mac = new FakeMac();
    const { runner, outcome, labels } = await sync(mac);
    expect(outcome).toMatchObject({ outcome: 'synced', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault'] });
    expect([mac.account, mac.keychain]).toEqual([NEXT, NEXT]);
    // Platform SSO is asked once, right after the first record lookup, and trusted for the sync.
    expect(labels.slice(0, 3)).toEqual(['od:info', 'app-sso', 'od:verify']);
    expect(labels.filter((l) => l !== 'od:info')).toEqual([
      'app-sso',
      'od:verify', 'keychain:probe', 'od:preflight', 'od:change', 'od:verify',
      'keychain:probe', 'keychain:change', 'keychain:probe',
      'fdesetup isactive', 'sysadminctl', 'diskutil',
    ]);
    const info = runner.calls[0]!;
    expect([info.program, ...info.args]).toEqual([OSASCRIPT, '-l', 'JavaScript', '-e', ACCOUNT_SCRIPT]);
    expect(JSON.parse(info.stdin)).toEqual({ op: 'info', user: USER });
    expect(info.env).toMatchObject({ USER, HOME: '/var/empty' });
    const sso = runner.calls[1]!;
    expect([sso.program, ...sso.args]).toEqual([LAUNCHCTL, 'asuser', String(UID), SUDO, '-u', USER, '-H', APP_SSO, 'platform', '-s']);
    expect(sso.stdin).toBe('');
    expect(sso.env).toMatchObject({ USER, HOME });
    const od = runner.calls.find((c) => label(c) === 'od:change')!;
    expect([od.program, ...od.args]).toEqual(['/usr/bin/osascript', '-l', 'JavaScript', '-e', ACCOUNT_SCRIPT]);
    expect(JSON.parse(od.stdin)).toEqual({ op: 'change', user: USER, uid: UID, old: PREVIOUS, new: NEXT });
    expect(JSON.parse(runner.calls.find((c) => label(c) === 'od:preflight')!.stdin)).toEqual({ op: 'preflight', user: USER, uid: UID, new: NEXT });
    const keychain = runner.calls.find((c) => label(c) === 'keychain:change')!;
    expect([keychain.program, ...keychain.args]).toEqual(['/bin/launchctl', 'asuser', String(UID), SUDO, '-u', USER, '-H', '/usr/bin/security', '-i']);
    expect(keychain.stdin).toBe(`set-keychain-password -o "prev \\"Ω\\" \\\\ it's" -p "next Grüße 🌧 \\"x\\"" "${KEYCHAIN_FILE}"\n`);
    expect(keychain.env).toMatchObject({ USER, HOME, LOGNAME: USER });
    expect(runner.calls.filter((c) => c.program !== OSASCRIPT && c.program !== LAUNCHCTL).map((c) => [c.program, ...c.args])).toEqual([
      ['/usr/bin/fdesetup', 'isactive'],
      ['/usr/sbin/sysadminctl', '-secureTokenStatus', USER],
      ['/usr/sbin/diskutil', 'apfs', 'updatePreboot', '/'],
    ]);
    expect(runner.calls.every((c) => c.asUid === undefined)).toBe(true);
    expectNoSecretOutsideStdin(runner.calls);
  });

  it('quotes for security -i: backslashes first, then quotes', () => {
    expect(securityQuote('a\\"b')).toBe('"a\\\\\\"b"');
    expect(securityQuote('plain')).toBe('"plain"');
  });

  it('changes the account back when the new password does not verify after the change', async () => {
    const mac = new FakeMac();
    mac.faults.verifyNew = { exitCode: 0, stdout: JSON.stringify({ ok: false, code: 5000 }) };
    const { runner, outcome, labels } = await sync(mac);
    expect((outcome as AgentError).data).toEqual({
      step: 'account',
      completedSteps: ['verifyNew', 'verifyPrevious'],
      retrySafe: true,
      remedy: 'retry',
      failureReason: 'The account did not take the new password, so the previous one was put back',
    });
    const changes = runner.calls.filter((c) => label(c) === 'od:change').map((c) => JSON.parse(c.stdin) as { old: string; new: string });
    expect(changes).toEqual([expect.objectContaining({ old: PREVIOUS, new: NEXT }), expect.objectContaining({ old: NEXT, new: PREVIOUS })]);
    expect(mac.account).toBe(PREVIOUS);
    expect(labels).not.toContain('keychain:change');
  });

  it('reports a keychain failing after the account moved as exactly that, with remedy newKeychain, never success', async () => {
    const mac = new FakeMac();
    mac.faults.keychainChange = { exitCode: 0, stderr: 'set-keychain-password: returned -25293\n' };
    const { outcome, progress, labels } = await sync(mac);
    expect((outcome as AgentError).data).toEqual({
      step: 'keychain',
      completedSteps: ['verifyNew', 'verifyPrevious', 'account'],
      retrySafe: false,
      remedy: 'newKeychain',
      failureReason: 'The login keychain is not on the previous password',
    });
    expect(mac.account).toBe(NEXT); // not undone: account and FileVault agree
    expect(progress).toContainEqual(['keychain', 'failed']);
    // After -25293 the backend probed the new password before giving up.
    expect(labels.filter((l) => l.startsWith('keychain')).slice(-2)).toEqual(['keychain:change', 'keychain:probe']);
    expect(labels).not.toContain('diskutil');
  });

  it('accepts -25293 only when the probe shows the new password landed', async () => {
    const mac = new FakeMac();
    mac.faults.keychainChange = { exitCode: 0, stderr: 'set-keychain-password: returned -25293\n' };
    const backend = new DarwinBackend(new RecordingRunner((call) => {
      const result = mac.answer(call);
      if (label(call) === 'keychain:change') mac.keychain = NEXT; // the change landed despite the code
      return result;
    }));
    await expect(backend.changeKeychainPassword(USER, PREVIOUS, NEXT)).resolves.toBeUndefined();
  });

  it('does not touch the account when the keychain is on neither password (or is missing)', async () => {
    for (const keychain of ['something else', null]) {
      const mac = new FakeMac();
      mac.keychain = keychain;
      const { outcome, labels } = await sync(mac);
      expect((outcome as AgentError).data).toMatchObject({ step: 'account', remedy: 'newKeychain' });
      expect(labels.filter((l) => CHANGING.includes(l))).toEqual([]);
      expect(mac.account).toBe(PREVIOUS);
    }
  });

  it('when the policy refuses the new password, shows macOS\'s own requirement text in the person\'s language, before anything changes', async () => {
    const mac = new FakeMac();
    mac.languages = ['de-DE', 'en-US'];
    mac.faults.preflight = { exitCode: 0, stdout: JSON.stringify({ ok: false, code: 5403 }) };
    const { runner, outcome, labels } = await sync(mac);
    expect((outcome as AgentError).data).toMatchObject({ step: 'account', remedy: 'contactSupport', retrySafe: false });
    expect(labels.filter((l) => l !== 'od:info')).toEqual(['app-sso', 'od:verify', 'keychain:probe', 'od:preflight', 'pwpolicy:global', 'pwpolicy:user']);
    expect(runner.calls.filter((c) => c.program === PWPOLICY).map((c) => [c.program, ...c.args])).toEqual([
      ['/usr/bin/pwpolicy', '-getaccountpolicies'],
      ['/usr/bin/pwpolicy', '-u', USER, '-getaccountpolicies'],
    ]);
    expect(runner.calls.filter((c) => c.program === PWPOLICY).every((c) => c.stdin === '' && c.env.USER === 'root')).toBe(true);
    expect(mac.account).toBe(PREVIOUS);
    // The message is the StepError's, the text the engine's safe failure message carries.
    const { backend } = backendFor(mac);
    const error = await rejection(backend.changeAccountPassword(USER, PREVIOUS, NEXT));
    expect(error).toBeInstanceOf(StepError);
    expect((error as StepError).message).toBe(
      'The new password does not meet this Mac\'s password rules: Das Passwort muss mindestens 12 Zeichen lang sein. Contain at least one number.',
    );
    expect((error as StepError).message).not.toMatch(/\(54\d\d\)/);
  });

  it('words a policy refusal from the code when the policy has no description, and never as "(code)"', async () => {
    const mac = new FakeMac();
    mac.pwpolicy = { global: { exitCode: 1, stderr: 'Error' }, user: { exitCode: 0, stdout: 'No policies\n' } };
    mac.faults.preflight = { exitCode: 0, stdout: JSON.stringify({ ok: false, code: 5406 }) };
    const { backend } = backendFor(mac);
    const error = (await rejection(backend.changeAccountPassword(USER, PREVIOUS, NEXT))) as StepError;
    expect(error.message).toBe('The new password does not meet this Mac\'s password rules: it needs a digit');
    mac.faults.preflight = { exitCode: 0, stdout: JSON.stringify({ ok: false, code: 5407 }) };
    expect(((await rejection(backend.changeAccountPassword(USER, PREVIOUS, NEXT))) as StepError).message).toBe(
      'This Mac\'s password rules do not allow another change so soon after the last one',
    );
    expect(mac.account).toBe(PREVIOUS);
  });

  it('says FileVault never used the password of an account without a SecureToken: account and keychain move, the step is skipped', async () => {
    const mac = new FakeMac().withoutSecureToken();
    const { runner, outcome, progress, labels } = await sync(mac);
    expect(outcome).toMatchObject({ outcome: 'synced', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain'], failedStep: null });
    expect(progress).toContainEqual(['fileVault', 'skipped']);
    expect([mac.account, mac.keychain]).toEqual([NEXT, NEXT]);
    expect(labels.slice(-3)).toEqual(['fdesetup isactive', 'sysadminctl', 'fdesetup list']);
    expect(runner.calls.at(-1)!.args).toEqual(['list']);
    expect(labels).not.toContain('diskutil');
  });

  it('reports FileVault honestly otherwise: listed without a SecureToken, a failed preboot refresh, FileVault off', async () => {
    const listed = new FakeMac().withoutSecureToken();
    listed.fileVaultUsers = [USER];
    expect(((await sync(listed)).outcome as AgentError).data).toMatchObject({ step: 'fileVault', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain'], remedy: 'contactSupport' });
    const preboot = new FakeMac();
    preboot.faults.preboot = { exitCode: 0, stdout: 'Finished APFS operation (ZeroMeansSuccess)=1\n' };
    expect(((await sync(preboot)).outcome as AgentError).data).toMatchObject({ step: 'fileVault', retrySafe: true, remedy: 'retry' });
    const off = new FakeMac();
    off.fileVault = false;
    const result = await sync(off);
    expect(result.outcome).toMatchObject({ outcome: 'synced' });
    expect(result.progress).toContainEqual(['fileVault', 'skipped']);
    expect(result.labels).not.toContain('diskutil');
    expect(result.labels).not.toContain('sysadminctl');
  });

  it('refuses an account Platform SSO manages (the user is registered), before anything changes', async () => {
    const mac = new FakeMac();
    mac.appSso = { exitCode: 0, stdout: APP_SSO_USER_REGISTERED };
    const { outcome, labels } = await sync(mac);
    expect(outcome).toBeInstanceOf(AgentError);
    expect((outcome as AgentError).code).toBe(ErrorCode.notAllowed);
    expect((outcome as AgentError).message).toBe(PLATFORM_SSO_MESSAGE);
    // The message goes along, made safe, so the window can pass on which system manages the account.
    expect((outcome as AgentError).data).toEqual({ reason: 'managedAccount', failureReason: PLATFORM_SSO_MESSAGE });
    expect(labels).toEqual(['od:info', 'app-sso']);
    expect(mac.account).toBe(PREVIOUS);
  });

  it('lets Platform SSO pass when it does not manage this user: device registered only, not configured, or no app-sso', async () => {
    for (const appSso of [
      { exitCode: 0, stdout: APP_SSO_DEVICE_ONLY },
      { exitCode: 1, stdout: '', stderr: 'sudo: /usr/bin/app-sso: command not found\n' },
      { exitCode: 0, stdout: '' },
    ]) {
      const mac = new FakeMac();
      mac.appSso = appSso;
      expect((await sync(mac)).outcome).toMatchObject({ outcome: 'synced' });
    }
  });

  it('stops, rather than fight Platform SSO, when app-sso answers in a format it does not know or times out', async () => {
    const unknown = new FakeMac();
    unknown.appSso = { exitCode: 0, stdout: 'Platform Single Sign-on state: registered\n' };
    const { backend, runner } = backendFor(unknown);
    const error = (await rejection(backend.accountPasswordIs(USER, PREVIOUS))) as StepError;
    expect(error).toBeInstanceOf(StepError);
    expect(error.remedy).toBe('contactSupport');
    expect(runner.calls.map(label)).toEqual(['od:info', 'app-sso']);
    const slow = new FakeMac();
    slow.appSso = { exitCode: null, timedOut: true, signal: 'SIGKILL' };
    expect(await rejection(backendFor(slow).backend.accountPasswordIs(USER, PREVIOUS))).toMatchObject({ retrySafe: true, remedy: 'retry' });
  });

  it('asks Platform SSO again once the finding is older than one sync, and every time it manages the account', async () => {
    const mac = new FakeMac();
    let now = NOW;
    const { backend, runner } = backendFor(mac, () => now);
    await backend.accountPasswordIs(USER, PREVIOUS);
    await backend.accountPasswordIs(USER, PREVIOUS);
    expect(runner.calls.filter((c) => label(c) === 'app-sso')).toHaveLength(1);
    now += MANAGEMENT_CHECK_TTL_MS;
    mac.appSso = { exitCode: 0, stdout: APP_SSO_USER_REGISTERED };
    await expect(backend.accountPasswordIs(USER, PREVIOUS)).rejects.toMatchObject({ code: ErrorCode.notAllowed });
    await expect(backend.accountPasswordIs(USER, PREVIOUS)).rejects.toMatchObject({ code: ErrorCode.notAllowed });
    expect(runner.calls.filter((c) => label(c) === 'app-sso')).toHaveLength(3);
  });

  it('refuses an Active Directory mobile account with a next step, before anything changes: OriginalNodeName, LocalCachedUser or NetLogon', async () => {
    const cases: Array<(mac: FakeMac) => void> = [
      (mac) => {
        mac.originalNodeName = ['/Active Directory/EXAMPLE/All Domains'];
      },
      (mac) => {
        mac.authority = [...LOCAL_AUTHORITY, ';LocalCachedUser;/Active Directory/EXAMPLE/example.com:alex:4F1E2D3C-0000-4000-8000-000000000000'];
      },
      (mac) => {
        mac.authority = [';NetLogon;alex;EXAMPLE'];
      },
    ];
    for (const arrange of cases) {
      const mac = new FakeMac();
      arrange(mac);
      const { outcome, labels } = await sync(mac);
      expect((outcome as AgentError).code).toBe(ErrorCode.notAllowed);
      expect((outcome as AgentError).data).toEqual({ reason: 'managedAccount', failureReason: MOBILE_ACCOUNT_MESSAGE });
      expect((outcome as AgentError).message).toBe(MOBILE_ACCOUNT_MESSAGE);
      expect(labels).toEqual(['od:info']);
    }
    // And also where a keychain step is asked for on its own.
    const mac = new FakeMac();
    mac.originalNodeName = ['/Active Directory/EXAMPLE/All Domains'];
    await expect(backendFor(mac).backend.changeKeychainPassword(USER, PREVIOUS, NEXT)).rejects.toMatchObject({ message: MOBILE_ACCOUNT_MESSAGE });
  });

  it('refuses passwords the keychain line cannot carry, before running anything that reads them', async () => {
    const { runner, backend } = backendFor(new FakeMac());
    await expect(backend.changeKeychainPassword(USER, 'a\nb', NEXT)).rejects.toThrow('line break');
    await expect(backend.changeKeychainPassword(USER, 'é'.repeat(1000), 'é'.repeat(1000))).rejects.toMatchObject({ remedy: 'contactSupport' });
    expect(runner.calls.every((c) => c.program === OSASCRIPT && label(c) === 'od:info')).toBe(true);
  });
});

describe('the macOS backend, starting over without the previous password', () => {
  it('refuses to reset an account with a SecureToken, with the next step, before anything changes', async () => {
    const mac = new FakeMac();
    const { outcome, labels } = await sync(mac, null);
    // The whole next step reaches the person and support, uncut.
    expect((outcome as AgentError).data).toEqual({ step: 'account', completedSteps: ['verifyNew'], retrySafe: true, remedy: 'contactSupport', failureReason: RESET_NEEDS_ADMIN_MESSAGE });
    expect(labels.filter((l) => CHANGING.includes(l))).toEqual([]);
    expect([mac.account, mac.keychain]).toEqual([PREVIOUS, PREVIOUS]);
    const error = (await rejection(backendFor(mac).backend.resetAccountPassword(USER, NEXT))) as StepError;
    expect(error.message).toBe(RESET_NEEDS_ADMIN_MESSAGE);
  });

  it('refuses too when sysadminctl reports a SecureToken the record does not show, or cannot tell', async () => {
    const mac = new FakeMac();
    mac.authority = LOCAL_AUTHORITY;
    const { backend, runner } = backendFor(mac);
    await expect(backend.resetAccountPassword(USER, NEXT)).rejects.toMatchObject({ message: RESET_NEEDS_ADMIN_MESSAGE, retrySafe: true });
    expect(runner.calls.map(label).filter((l) => l !== 'od:info')).toEqual(['app-sso', 'sysadminctl']);
    expect(mac.account).toBe(PREVIOUS);
  });

  it('after an administrator reset the account, only makes the keychain: Local Items aside, SecKeychainResetLogin with the password\'s bytes, probe, preboot', async () => {
    const mac = new FakeMac();
    mac.account = NEXT; // reset by an administrator (FileVault recovery key, or an admin with a SecureToken)
    const { runner, outcome, labels } = await sync(mac, null);
    expect(outcome).toMatchObject({ outcome: 'synced', completedSteps: ['verifyNew', 'account', 'keychain', 'fileVault'] });
    expect(labels.filter((l) => l !== 'od:info')).toEqual([
      'app-sso', 'od:verify', // the account is on the new password already: done
      'keychain:probe', 'ioreg', 'test', 'mv', 'keychain:reset', 'keychain:probe',
      'fdesetup isactive', 'sysadminctl', 'diskutil',
    ]);
    const byLabel = (name: string) => runner.calls.find((c) => label(c) === name)!;
    expect([byLabel('ioreg').program, ...byLabel('ioreg').args]).toEqual([IOREG, '-rd1', '-c', 'IOPlatformExpertDevice']);
    expect(byLabel('ioreg').env.USER).toBe('root');
    expect([byLabel('test').program, ...byLabel('test').args]).toEqual([TEST, '-d', LOCAL_ITEMS]);
    expect([byLabel('mv').program, ...byLabel('mv').args]).toEqual([MV, '-n', '-v', LOCAL_ITEMS, LOCAL_ITEMS_KEPT]);
    // File work in the person's home runs as the person, not as root.
    expect([byLabel('test').asUid, byLabel('mv').asUid]).toEqual([UID, UID]);
    expect(byLabel('mv').env).toMatchObject({ USER, HOME });
    const reset = byLabel('keychain:reset');
    expect([reset.program, ...reset.args]).toEqual([LAUNCHCTL, 'asuser', String(UID), SUDO, '-u', USER, '-H', OSASCRIPT, '-l', 'JavaScript', '-e', RESET_KEYCHAIN_SCRIPT]);
    // Exactly the password's UTF-8 bytes: no JSON, no newline; SecKeychainResetLogin gets their count.
    expect(Buffer.from(reset.stdin, 'utf8').equals(Buffer.from(NEXT, 'utf8'))).toBe(true);
    expect(Buffer.byteLength(reset.stdin)).toBeGreaterThan(NEXT.length);
    expect(mac.folders).toEqual(new Set([LOCAL_ITEMS_KEPT]));
    expect(mac.keychain).toBe(NEXT);
    expectNoSecretOutsideStdin(runner.calls);
  });

  it('resets an account that has no SecureToken itself (FileVault never used it), after the policy\'s preflight', async () => {
    const mac = new FakeMac().withoutSecureToken();
    const { runner, outcome, labels, progress } = await sync(mac, null);
    expect(outcome).toMatchObject({ outcome: 'synced', completedSteps: ['verifyNew', 'account', 'keychain'] });
    expect(progress).toContainEqual(['fileVault', 'skipped']);
    expect(labels.filter((l) => l !== 'od:info')).toEqual([
      'app-sso', 'od:verify', 'sysadminctl', 'od:preflight', 'od:reset', 'od:verify',
      'keychain:probe', 'ioreg', 'test', 'mv', 'keychain:reset', 'keychain:probe',
      'fdesetup isactive', 'sysadminctl', 'fdesetup list',
    ]);
    expect(JSON.parse(runner.calls.find((c) => label(c) === 'od:reset')!.stdin)).toEqual({ op: 'reset', user: USER, uid: UID, new: NEXT });
    expect([mac.account, mac.keychain]).toEqual([NEXT, NEXT]);
    expectNoSecretOutsideStdin(runner.calls);
  });

  it('refuses the reset with macOS\'s own words when the policy refuses the new password', async () => {
    const mac = new FakeMac().withoutSecureToken();
    mac.faults.preflight = { exitCode: 0, stdout: JSON.stringify({ ok: false, code: 5403 }) };
    const { runner, backend } = backendFor(mac);
    const error = (await rejection(backend.resetAccountPassword(USER, NEXT))) as StepError;
    expect(error.message).toContain('The password must be at least 12 characters long.');
    expect(runner.calls.map(label)).not.toContain('od:reset');
    expect(mac.account).toBe(PREVIOUS);
  });

  it('puts the Local Items folder back when SecKeychainResetLogin fails, and says so when even that fails', async () => {
    const mac = new FakeMac();
    mac.faults.keychainReset = { exitCode: 0, stdout: JSON.stringify({ status: -25300, keptAs: '' }) };
    const { runner, backend } = backendFor(mac);
    await expect(backend.startNewKeychain(USER, NEXT)).rejects.toMatchObject({ message: 'A new login keychain could not be made (OSStatus -25300)', retrySafe: true, remedy: 'retry' });
    const moves = runner.calls.filter((c) => c.program === MV).map((c) => c.args);
    expect(moves).toEqual([['-n', '-v', LOCAL_ITEMS, LOCAL_ITEMS_KEPT], ['-n', '-v', LOCAL_ITEMS_KEPT, LOCAL_ITEMS]]);
    expect(mac.folders).toEqual(new Set([LOCAL_ITEMS]));
    expect(mac.keychain).toBe(PREVIOUS);

    const stuck = new FakeMac();
    stuck.faults.keychainReset = { exitCode: 1, stderr: 'execution error' };
    stuck.faults.moveBack = { exitCode: 1, stderr: 'mv: rename: Permission denied' };
    await expect(backendFor(stuck).backend.startNewKeychain(USER, NEXT)).rejects.toMatchObject({
      message: `No new keychain was made, and the Local Items keychain is still set aside as ~/Library/Keychains/${HARDWARE_UUID}_renamed_20250301T090000Z`,
      retrySafe: false,
      remedy: 'contactSupport',
    });
  });

  it('makes no new keychain when the Local Items folder cannot be found out or moved aside', async () => {
    for (const fault of [
      { ioreg: { exitCode: 0, stdout: '+-o Root  <class IORegistryEntry>\n' } },
      { test: { exitCode: 2, stderr: 'test: error' } },
      { moveAside: { exitCode: 1, stderr: 'mv: rename: Permission denied' } },
      { moveAside: { exitCode: 0, stdout: `${LOCAL_ITEMS_KEPT} not overwritten\n` } },
      { moveAside: { exitCode: 0, stdout: `${LOCAL_ITEMS} -> ${LOCAL_ITEMS_KEPT}/${HARDWARE_UUID}\n` } },
    ]) {
      const mac = new FakeMac();
      Object.assign(mac.faults, fault);
      const { runner, backend } = backendFor(mac);
      await expect(backend.startNewKeychain(USER, NEXT)).rejects.toMatchObject({ retrySafe: true, remedy: 'retry' });
      expect(runner.calls.map(label)).not.toContain('keychain:reset');
      expect(mac.keychain).toBe(PREVIOUS);
    }
  });

  it('makes a login keychain where there was none at all', async () => {
    const mac = new FakeMac();
    mac.account = NEXT;
    mac.keychain = null;
    const { outcome, labels } = await sync(mac, null);
    expect(outcome).toMatchObject({ outcome: 'synced', completedSteps: ['verifyNew', 'account', 'keychain', 'fileVault'] });
    expect(labels).toContain('keychain:reset');
    expect(mac.keychain).toBe(NEXT);
  });

  it('moves nothing when there is no Local Items folder, and refuses a password SecKeychainResetLogin must not get', async () => {
    const mac = new FakeMac();
    mac.folders.clear();
    const { runner, backend } = backendFor(mac);
    await expect(backend.startNewKeychain(USER, NEXT)).resolves.toEqual({ keptAs: 'login_renamed_1.keychain-db' });
    expect(runner.calls.map(label)).not.toContain('mv');
    const before = runner.calls.length;
    await expect(backend.startNewKeychain(USER, 'a\nb')).rejects.toThrow('line break');
    await expect(backend.startNewKeychain(USER, 'é'.repeat(2049))).rejects.toThrow('byte limit');
    expect(runner.calls.slice(before).map(label).filter((l) => l !== 'od:info')).toEqual([]);
  });

  it('reports a new keychain that does not open with the new password, instead of success', async () => {
    const mac = new FakeMac();
    const backend = new DarwinBackend(new RecordingRunner((call) => {
      const result = mac.answer(call);
      if (label(call) === 'keychain:reset') mac.keychain = 'something else';
      return result;
    }), { now: () => NOW });
    await expect(backend.startNewKeychain(USER, NEXT)).rejects.toMatchObject({ remedy: 'contactSupport', retrySafe: false });
  });
});

describe('the macOS backend\'s diagnostics', () => {
  it('reports the account\'s kind, Platform SSO, SecureToken, FileVault and the bootstrap token, from the exact calls', async () => {
    const mac = new FakeMac().withoutSecureToken();
    mac.appSso = { exitCode: 0, stdout: APP_SSO_DEVICE_ONLY };
    const { runner, backend } = backendFor(mac);
    const facts = await backend.diagnostics(USER);
    expect(facts).toEqual({
      mac: {
        accountKind: 'local',
        secureToken: false,
        fileVault: 'on',
        fileVaultUser: false,
        platformSSO: { device: 'registered', user: 'none', loginType: 'POLoginTypePassword (1)' },
        bootstrapToken: { supportedOnServer: true, escrowedToServer: false },
      },
    });
    // As the protocol carries it: the schema the tray app reads with keeps every field.
    expect(MacDiagnostics.parse(facts.mac)).toEqual(facts.mac);
    expect(runner.calls.map((c) => [label(c), c.program === OSASCRIPT || c.program === LAUNCHCTL ? '' : [c.program, ...c.args].join(' ')])).toEqual([
      ['od:info', ''],
      ['app-sso', ''],
      ['fdesetup isactive', '/usr/bin/fdesetup isactive'],
      ['sysadminctl', `${SYSADMINCTL} -secureTokenStatus ${USER}`],
      ['fdesetup list', '/usr/bin/fdesetup list'],
      ['profiles', `${PROFILES} status -type bootstraptoken`],
    ]);
    expect(runner.calls.every((c) => c.stdin === '' || label(c) === 'od:info')).toBe(true);
    expect(runner.calls.map(label).filter((l) => CHANGING.includes(l))).toEqual([]);
  });

  it('answers null for what it cannot find out, and still reports a mobile account without refusing', async () => {
    const mac = new FakeMac();
    mac.originalNodeName = ['/Active Directory/EXAMPLE/All Domains'];
    mac.bootstrap = { exitCode: 1, stderr: 'profiles: error' };
    mac.appSso = { exitCode: null, timedOut: true };
    mac.fileVault = false;
    const facts = (await backendFor(mac).backend.diagnostics(USER)).mac!;
    expect(facts).toMatchObject({ accountKind: 'mobile', secureToken: true, fileVault: 'off', fileVaultUser: null });
    expect(facts.platformSSO).toEqual({ device: null, user: null, loginType: null });
    expect(facts.bootstrapToken).toEqual({ supportedOnServer: null, escrowedToServer: null });
    const broken = new DarwinBackend(new RecordingRunner(() => ({ exitCode: 2, stderr: 'no' })));
    expect((await broken.diagnostics(USER)).mac).toMatchObject({ accountKind: null, secureToken: null, fileVault: null });
  });
});
