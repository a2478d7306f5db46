import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/agent-error';
import { DarwinBackend, DISKUTIL, FDESETUP, LAUNCHCTL, OSASCRIPT, SECURITY, securityQuote, SUDO, SYSADMINCTL } from '../../src/backends/darwin';
import { ACCOUNT_SCRIPT, RESET_KEYCHAIN_SCRIPT } from '../../src/backends/darwin-scripts';
import { type RecordedCall, RecordingRunner } from '../../src/backends/recording-runner';
import type { RunResult } from '../../src/backends/runner';
import { ErrorCode, type StepState, type SyncStep } from '@pwsync/agent-protocol';
import { SyncEngine } from '../../src/sync-engine';
import { type StoredChange, UserState } from '../../src/user-state';
import { hashesFor, newChangeId } from '../../src/demo-seed';
import { makeTempDir } from '@pwsync/testing/processes';
import { promises as fs } from 'node:fs';

const USER = 'alex';
const UID = 501;
const HOME = '/Users/alex';
const KEYCHAIN_FILE = `${HOME}/Library/Keychains/login.keychain-db`;
const PREVIOUS = `prev "Ω" \\ it's`;
const NEXT = 'next Grüße 🌧 "x"';

/** A pretend Mac: an account and a login keychain with passwords, driven by what the backend sends. */
class FakeMac {
  account = PREVIOUS;
  keychain = PREVIOUS;
  secureToken = true;
  fileVault = true;
  platformSSO = false;
  /** Faults by step: the answer to give instead of the real one. */
  faults: Partial<Record<'change' | 'verifyNew' | 'keychainChange' | 'preboot' | 'preflight', Partial<RunResult>>> = {};

  answer = (call: RecordedCall): Partial<RunResult> => {
    const json = (value: unknown) => ({ exitCode: 0, stdout: JSON.stringify(value) });
    if (call.program === OSASCRIPT && call.args.includes(ACCOUNT_SCRIPT)) {
      const req = JSON.parse(call.stdin) as { op: string; old?: string; new?: string };
      if (req.op === 'info') return json({ ok: true, uid: UID, home: HOME, secureToken: this.secureToken, platformSSO: this.platformSSO });
      if (req.op === 'verify') {
        if (req.old === NEXT && this.faults.verifyNew) return this.faults.verifyNew;
        return json(req.old === this.account ? { ok: true } : { ok: false, code: 5000 });
      }
      if (req.op === 'preflight') return this.faults.preflight ?? json({ ok: true });
      if (req.op === 'change') {
        if (this.faults.change) return this.faults.change;
        if (req.old !== this.account) return json({ ok: false, code: 5000 });
        this.account = req.new!;
        return json({ ok: true });
      }
    }
    if (call.program === LAUNCHCTL && call.args.includes(SECURITY)) {
      const match = /^set-keychain-password -o "((?:[^"\\]|\\.)*)" -p "((?:[^"\\]|\\.)*)" "(.*)"\n$/.exec(call.stdin);
      const unquote = (s: string) => s.replace(/\\(.)/g, '$1');
      const [old, next] = [unquote(match![1]!), unquote(match![2]!)];
      if (old !== next && this.faults.keychainChange) return this.faults.keychainChange;
      if (old !== this.keychain) return { exitCode: 0, stderr: 'set-keychain-password: returned -25293\n' };
      this.keychain = next;
      return { exitCode: 0 };
    }
    if (call.program === FDESETUP) return { exitCode: this.fileVault ? 0 : 1, stdout: this.fileVault ? 'true\n' : 'false\n' };
    if (call.program === SYSADMINCTL) return { exitCode: 0, stderr: `Secure token is ${this.secureToken ? 'ENABLED' : 'DISABLED'} for user Alex\n` };
    if (call.program === DISKUTIL) return this.faults.preboot ?? { exitCode: 0, stdout: 'Started APFS operation\nFinished APFS operation (ZeroMeansSuccess)=0\n' };
    return { exitCode: 127 };
  };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function sync(mac: FakeMac, previous: string | null = PREVIOUS) {
  const dir = makeTempDir('pwd-');
  dirs.push(dir);
  const runner = new RecordingRunner(mac.answer);
  const backend = new DarwinBackend(runner);
  const state = new UserState(path.join(dir, 'state'), USER, () => undefined);
  const change: StoredChange = { change: { id: newChangeId(), createdAt: new Date().toISOString(), provider: 'Okta', mode: 'confirm' }, hashes: await hashesFor(NEXT, 1000) };
  const progress: Array<[SyncStep, StepState]> = [];
  const engine = new SyncEngine({
    user: USER,
    backend,
    state,
    now: () => new Date(),
    progress: (step, s) => progress.push([step, s]),
    passwordRejected: async (which) => new AgentError(which === 'new' ? ErrorCode.newPasswordMismatch : ErrorCode.previousPasswordWrong, which, { attemptsLeft: 1 }),
  });
  const outcome = await engine.run({ change, previousPassword: previous, newPassword: NEXT }).then((r) => r, (e: unknown) => e);
  return { runner, outcome, progress };
}

/** Each call in one word, to check the order of the steps. */
function label(call: RecordedCall): string {
  if (call.program === OSASCRIPT) return `od:${(JSON.parse(call.stdin) as { op: string }).op}`;
  if (call.args.includes(SECURITY)) {
    const [, o, p] = /-o "((?:[^"\\]|\\.)*)" -p "((?:[^"\\]|\\.)*)"/.exec(call.stdin)!;
    return o === p ? 'keychain:probe' : 'keychain:change';
  }
  if (call.args.includes(RESET_KEYCHAIN_SCRIPT)) return 'keychain:reset';
  return path.basename(call.program);
}

function expectNoSecretOutsideStdin(calls: RecordedCall[]) {
  for (const call of calls) {
    for (const secret of [PREVIOUS, NEXT, JSON.stringify(PREVIOUS).slice(1, -1), JSON.stringify(NEXT).slice(1, -1)]) {
      expect(call.args.join('\0')).not.toContain(secret);
      expect(Object.entries(call.env).flat().join('\0')).not.toContain(secret);
    }
    expect(call.args).not.toContain('-v');
  }
}

describe('the macOS backend, by recording', () => {
  it('runs the transaction in order, with the exact programs, arguments and standard input', async () => {
    const mac = new FakeMac();
    const { runner, outcome } = await sync(mac);
    expect(outcome).toMatchObject({ outcome: 'synced', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault'] });
    expect([mac.account, mac.keychain]).toEqual([NEXT, NEXT]);
    const labels = runner.calls.map(label);
    // verify previous; keychain probe with previous; preflight; change; verify new; keychain change and probe; FileVault.
    expect(labels.filter((l) => l !== 'od:info')).toEqual([
      'od:verify', 'keychain:probe', 'od:preflight', 'od:change', 'od:verify',
      'keychain:probe', 'keychain:change', 'keychain:probe',
      'fdesetup', 'sysadminctl', 'diskutil',
    ]);
    const od = runner.calls.find((c) => label(c) === 'od:change')!;
    expect(od.program).toBe('/usr/bin/osascript');
    expect(od.args).toEqual(['-l', 'JavaScript', '-e', ACCOUNT_SCRIPT]);
    expect(JSON.parse(od.stdin)).toEqual({ op: 'change', user: USER, uid: UID, old: PREVIOUS, new: NEXT });
    const keychain = runner.calls.find((c) => label(c) === 'keychain:change')!;
    expect(keychain.program).toBe('/bin/launchctl');
    expect(keychain.args).toEqual(['asuser', String(UID), SUDO, '-u', USER, '-H', '/usr/bin/security', '-i']);
    expect(keychain.stdin).toBe(`set-keychain-password -o "prev \\"Ω\\" \\\\ it's" -p "next Grüße 🌧 \\"x\\"" "${KEYCHAIN_FILE}"\n`);
    expect(keychain.env).toMatchObject({ USER, HOME, LOGNAME: USER });
    expect(runner.calls.filter((c) => c.program !== OSASCRIPT && !c.args.includes(SECURITY)).map((c) => [c.program, ...c.args])).toEqual([
      ['/usr/bin/fdesetup', 'isactive'],
      ['/usr/sbin/sysadminctl', '-secureTokenStatus', USER],
      ['/usr/sbin/diskutil', 'apfs', 'updatePreboot', '/'],
    ]);
    expectNoSecretOutsideStdin(runner.calls);
  });

  it('quotes for security -i: backslashes first, then quotes', () => {
    expect(securityQuote('a\\"b')).toBe('"a\\\\\\"b"');
    expect(securityQuote('plain')).toBe('"plain"');
  });

  it('changes the account back when the new password does not verify after the change', async () => {
    const mac = new FakeMac();
    mac.faults.verifyNew = { exitCode: 0, stdout: JSON.stringify({ ok: false, code: 5000 }) };
    const { runner, outcome } = await sync(mac);
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
    expect(runner.calls.some((c) => label(c) === 'keychain:change')).toBe(false);
  });

  it('reports a keychain failing after the account moved as exactly that, with remedy newKeychain, never success', async () => {
    const mac = new FakeMac();
    mac.faults.keychainChange = { exitCode: 0, stderr: 'set-keychain-password: returned -25293\n' };
    const { runner, outcome, progress } = await sync(mac);
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
    const labels = runner.calls.map(label).filter((l) => l.startsWith('keychain'));
    expect(labels.slice(-2)).toEqual(['keychain:change', 'keychain:probe']);
    expect(runner.calls.some((c) => c.program === DISKUTIL)).toBe(false);
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

  it('does not touch the account when the keychain is on neither password, nor when policy refuses the new one', async () => {
    const mac = new FakeMac();
    mac.keychain = 'something else';
    const first = await sync(mac);
    expect((first.outcome as AgentError).data).toMatchObject({ step: 'account', remedy: 'newKeychain' });
    expect(first.runner.calls.some((c) => label(c) === 'od:change')).toBe(false);
    const strict = new FakeMac();
    strict.faults.preflight = { exitCode: 0, stdout: JSON.stringify({ ok: false, code: 5403 }) };
    const second = await sync(strict);
    expect((second.outcome as AgentError).data).toMatchObject({ step: 'account', remedy: 'contactSupport', retrySafe: false });
    expect(strict.account).toBe(PREVIOUS);
  });

  it('reports FileVault honestly: no SecureToken, a failed preboot refresh, or FileVault off (skipped)', async () => {
    const noToken = new FakeMac();
    noToken.secureToken = false;
    expect(((await sync(noToken)).outcome as AgentError).data).toMatchObject({ step: 'fileVault', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain'], remedy: 'contactSupport' });
    const preboot = new FakeMac();
    preboot.faults.preboot = { exitCode: 0, stdout: 'Finished APFS operation (ZeroMeansSuccess)=1\n' };
    expect(((await sync(preboot)).outcome as AgentError).data).toMatchObject({ step: 'fileVault', retrySafe: true, remedy: 'retry' });
    const off = new FakeMac();
    off.fileVault = false;
    const result = await sync(off);
    expect(result.outcome).toMatchObject({ outcome: 'synced' });
    expect(result.progress).toContainEqual(['fileVault', 'skipped']);
    expect(result.runner.calls.some((c) => c.program === DISKUTIL)).toBe(false);
  });

  it('refuses an account Platform SSO manages, before anything changes', async () => {
    const mac = new FakeMac();
    mac.platformSSO = true;
    const { runner, outcome } = await sync(mac);
    expect(outcome).toBeInstanceOf(AgentError);
    expect((outcome as AgentError).code).toBe(ErrorCode.notAllowed);
    expect((outcome as AgentError).data).toEqual({ reason: 'managedAccount' });
    expect(runner.calls.every((c) => label(c) === 'od:info')).toBe(true);
  });

  it('starts over with SecKeychainResetLogin as the user, but never resets the account password', async () => {
    const mac = new FakeMac();
    mac.account = NEXT; // already changed elsewhere (at the login window, say)
    const runner = new RecordingRunner((call) => (call.args.includes(RESET_KEYCHAIN_SCRIPT) ? { exitCode: 0, stdout: JSON.stringify({ ok: true, status: 0, keptAs: 'login_renamed_1.keychain-db' }) } : mac.answer(call)));
    const backend = new DarwinBackend(runner);
    expect(await backend.startNewKeychain(USER, NEXT)).toEqual({ keptAs: 'login_renamed_1.keychain-db' });
    const reset = runner.calls.at(-1)!;
    expect([reset.program, ...reset.args]).toEqual([LAUNCHCTL, 'asuser', String(UID), SUDO, '-u', USER, '-H', OSASCRIPT, '-l', 'JavaScript', '-e', RESET_KEYCHAIN_SCRIPT]);
    expect(JSON.parse(reset.stdin)).toEqual({ new: NEXT });
    await expect(backend.resetAccountPassword()).rejects.toMatchObject({ remedy: 'contactSupport' });
    const { outcome } = await sync(Object.assign(new FakeMac(), { account: PREVIOUS }), null);
    expect((outcome as AgentError).data).toMatchObject({ step: 'account', remedy: 'contactSupport' });
    expectNoSecretOutsideStdin(runner.calls);
  });

  it('refuses passwords the keychain line cannot carry, before running anything', async () => {
    const runner = new RecordingRunner(new FakeMac().answer);
    const backend = new DarwinBackend(runner);
    await expect(backend.changeKeychainPassword(USER, 'a\nb', NEXT)).rejects.toThrow('line break');
    await expect(backend.changeKeychainPassword(USER, 'é'.repeat(1000), 'é'.repeat(1000))).rejects.toMatchObject({ remedy: 'contactSupport' });
    expect(runner.calls.every((c) => c.program === OSASCRIPT)).toBe(true);
  });
});
