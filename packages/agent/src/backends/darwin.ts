/**
 * The macOS backend (docs/backends.md has the calls and their sources). Not runnable
 * here: the tests drive it with a recording runner. The order is a transaction, as
 * macOSLAPS puts it: keep the old password until the keychain and FileVault can follow.
 *
 *   verifyPrevious  ODRecord verifyPassword (JXA)
 *   account         Platform SSO check; keychain probe with the previous password;
 *                   passwordChangeAllowed; changePassword (a change, never a reset);
 *                   the engine then verifies the new password and changes back if not
 *   keychain        security -i set-keychain-password as the user in their session,
 *                   then the same-password probe; -25293 is always a failure
 *   fileVault       fdesetup isactive; sysadminctl -secureTokenStatus; diskutil apfs updatePreboot /
 */
import { AgentError } from '../agent-error';
import { ErrorCode } from '@pwsync/agent-protocol';
import { StepError, type PlatformBackend } from './backend';
import { ACCOUNT_SCRIPT, RESET_KEYCHAIN_SCRIPT } from './darwin-scripts';
import { describeRun, RunRefused, type RunResult, type Runner } from './runner';

export const OSASCRIPT = '/usr/bin/osascript';
export const LAUNCHCTL = '/bin/launchctl';
export const SUDO = '/usr/bin/sudo';
export const SECURITY = '/usr/bin/security';
export const SYSADMINCTL = '/usr/sbin/sysadminctl';
export const DISKUTIL = '/usr/sbin/diskutil';
export const FDESETUP = '/usr/bin/fdesetup';

/** OpenDirectory's ODFrameworkErrors codes the backend acts on. */
export const OD = {
  credentialsInvalid: 5000,
  notSupported: 5100,
  notAuthorized: 5101,
  recordNotFound: 5300,
  accountDisabledToExpired: [5301, 5302, 5303],
  accountLocked: [5304, 5305],
  policyFirst: 5402,
  policyLast: 5408,
} as const;

/** OSStatus codes `security set-keychain-password` prints as "returned <n>". */
export const KEYCHAIN = { authFailed: -25293, noSuchKeychain: -25294, invalidKeychain: -25295, noWritePermission: -61, interactionNotAllowed: -25308 } as const;

/** security -i splits longer lines and runs the rest as a second command. */
export const SECURITY_MAX_LINE_BYTES = 4000;

const ROOT = { name: 'root', home: '/var/root' };

interface AccountAnswer {
  ok: boolean;
  code?: number;
  uid?: number;
  home?: string;
  secureToken?: boolean;
  platformSSO?: boolean;
}

/** security -i's own quoting: backslash first, then the double quote, all wrapped in quotes. */
export function securityQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function accountStepError(code: number | undefined): StepError {
  if (code === OD.recordNotFound) return new StepError('No such local account', false, 'contactSupport');
  if ((OD.accountLocked as readonly number[]).includes(code ?? 0)) return new StepError('The account is locked', false, 'contactSupport');
  if ((OD.accountDisabledToExpired as readonly number[]).includes(code ?? 0)) return new StepError('The account is disabled, expired or inactive', false, 'contactSupport');
  if (code !== undefined && code >= OD.policyFirst && code <= OD.policyLast) {
    return new StepError(`The new password does not meet this Mac's password policy (${code})`, false, 'contactSupport');
  }
  return new StepError(`Open Directory refused the operation (${code ?? 'no code'})`, true, 'retry');
}

export class DarwinBackend implements PlatformBackend {
  readonly name = 'darwin' as const;
  readonly platform = 'darwin' as const;
  readonly mode = 'confirm' as const;
  readonly newPasswordHash = 'pbkdf2' as const;

  constructor(private readonly runner: Runner) {}

  async accountPasswordIs(user: string, password: string): Promise<boolean> {
    const info = await this.info(user);
    const answer = await this.account(user, { op: 'verify', user, uid: info.uid, old: password });
    if (answer.ok) return true;
    if (answer.code === OD.credentialsInvalid) return false;
    throw accountStepError(answer.code);
  }

  async changeAccountPassword(user: string, previous: string, next: string): Promise<void> {
    const info = await this.info(user);
    // The keychain must be able to follow before the account moves; when it is already on
    // the target password (a change back after a failed verify), it is in step too.
    if (!(await this.keychainPasswordIs(user, previous)) && !(await this.keychainPasswordIs(user, next))) {
      throw new StepError('The login keychain is on neither password, so the account was not changed', false, 'newKeychain');
    }
    const preflight = await this.account(user, { op: 'preflight', user, uid: info.uid, new: next });
    if (!preflight.ok) throw accountStepError(preflight.code);
    const change = await this.account(user, { op: 'change', user, uid: info.uid, old: previous, new: next });
    if (!change.ok) throw change.code === OD.credentialsInvalid ? new StepError('The account is not on the previous password', true, 'retry') : accountStepError(change.code);
  }

  /** A reset without the previous password would break the SecureToken (FileVault): never done here. */
  async resetAccountPassword(): Promise<void> {
    throw new StepError('On a Mac only an administrator can reset a forgotten password without breaking FileVault', false, 'contactSupport');
  }

  async keychainPasswordIs(user: string, password: string): Promise<boolean> {
    // The same-password form changes nothing and succeeds exactly when this is the keychain's password.
    const status = await this.setKeychainPassword(user, password, password);
    if (status === 0) return true;
    if (status === KEYCHAIN.authFailed) return false;
    throw this.keychainError(status);
  }

  async changeKeychainPassword(user: string, previous: string, next: string): Promise<void> {
    const status = await this.setKeychainPassword(user, previous, next);
    if (status === 0) return;
    // -25293 is a failure, always (two well-known tools treat it as success); only the probe
    // with the new password can say whether the change landed after all.
    if (status === KEYCHAIN.authFailed && (await this.keychainPasswordIs(user, next))) return;
    throw this.keychainError(status);
  }

  async startNewKeychain(user: string, next: string): Promise<{ keptAs: string }> {
    const info = await this.info(user);
    const result = await this.runner.run({
      program: LAUNCHCTL,
      args: ['asuser', String(info.uid), SUDO, '-u', user, '-H', OSASCRIPT, '-l', 'JavaScript', '-e', RESET_KEYCHAIN_SCRIPT],
      user: { name: user, home: info.home },
      stdin: Buffer.from(JSON.stringify({ new: next }), 'utf8'),
    });
    const answer = this.json<{ ok: boolean; status?: number; keptAs?: string }>(result, 'SecKeychainResetLogin');
    if (!answer.ok) throw new StepError(`A new login keychain could not be made (OSStatus ${answer.status ?? '?'})`, true, 'retry');
    return { keptAs: answer.keptAs ?? '' };
  }

  async refreshDiskUnlock(user: string): Promise<void | 'skipped'> {
    const active = await this.runner.run({ program: FDESETUP, args: ['isactive'], user: ROOT });
    // fdesetup isactive: 0 on, 1 off (man fdesetup); off means there is nothing to follow.
    if (active.exitCode === 1) return 'skipped';
    if (active.exitCode !== 0) throw new StepError(`fdesetup isactive ${describeRun(active)}`, true, 'retry');
    const token = await this.runner.run({ program: SYSADMINCTL, args: ['-secureTokenStatus', user], user: ROOT });
    // sysadminctl prints its answer on stderr; ENABLED and DISABLED are fixed words, not translated.
    if (!/\bENABLED\b/.test(`${token.stdout}\n${token.stderr}`) || /\bDISABLED\b/.test(`${token.stdout}\n${token.stderr}`)) {
      throw new StepError('This account has no SecureToken, so FileVault cannot follow its password', false, 'contactSupport');
    }
    const preboot = await this.runner.run({ program: DISKUTIL, args: ['apfs', 'updatePreboot', '/'], user: ROOT, timeoutMs: 120_000 });
    if (preboot.exitCode !== 0 || !/\(ZeroMeansSuccess\)=0\b/.test(preboot.stdout)) {
      throw new StepError(`diskutil apfs updatePreboot did not succeed (${describeRun(preboot)})`, true, 'retry');
    }
  }

  /** FileVault unlocks with the SecureToken, which follows the account password. */
  diskUnlockAccepts(user: string, password: string): Promise<boolean> {
    return this.accountPasswordIs(user, password);
  }

  private async info(user: string): Promise<{ uid: number; home: string }> {
    const answer = await this.account(user, { op: 'info', user });
    if (!answer.ok || answer.uid === undefined || !answer.home) throw accountStepError(answer.code);
    if (answer.platformSSO) {
      throw new AgentError(ErrorCode.notAllowed, 'Platform SSO manages this account\'s password', { reason: 'managedAccount' });
    }
    return { uid: answer.uid, home: answer.home };
  }

  private async account(user: string, request: Record<string, unknown>): Promise<AccountAnswer> {
    const result = await this.runner.run({
      program: OSASCRIPT,
      args: ['-l', 'JavaScript', '-e', ACCOUNT_SCRIPT],
      user: { name: user, home: '/var/empty' },
      stdin: Buffer.from(JSON.stringify(request), 'utf8'),
    });
    return this.json<AccountAnswer>(result, 'Open Directory');
  }

  /** Runs set-keychain-password as the user, in their GUI session; answers the OSStatus (0 on success). */
  private async setKeychainPassword(user: string, previous: string, next: string): Promise<number> {
    const info = await this.info(user);
    const keychain = `${info.home}/Library/Keychains/login.keychain-db`;
    const line = `set-keychain-password -o ${securityQuote(previous)} -p ${securityQuote(next)} ${securityQuote(keychain)}\n`;
    if (/[\0\n\r]/.test(previous + next)) throw new RunRefused('a secret holds NUL or a line break');
    const stdin = Buffer.from(line, 'utf8');
    if (stdin.length > SECURITY_MAX_LINE_BYTES) {
      stdin.fill(0);
      throw new StepError('The passwords are too long for the keychain tool', false, 'contactSupport');
    }
    const result = await this.runner.run({
      program: LAUNCHCTL,
      args: ['asuser', String(info.uid), SUDO, '-u', user, '-H', SECURITY, '-i'],
      user: { name: user, home: info.home },
      stdin,
    });
    const status = /returned (-?\d+)/.exec(result.stderr)?.[1];
    if (status !== undefined) return Number(status);
    if (result.exitCode === 0 && result.stderr.trim() === '') return 0;
    throw new StepError(`The keychain tool ${describeRun(result)}`, true, 'retry');
  }

  private keychainError(status: number): StepError {
    switch (status) {
      case KEYCHAIN.authFailed:
        return new StepError('The login keychain is not on the previous password', false, 'newKeychain');
      case KEYCHAIN.noSuchKeychain:
      case KEYCHAIN.invalidKeychain:
        return new StepError(`The login keychain is missing or damaged (${status})`, false, 'newKeychain');
      case KEYCHAIN.interactionNotAllowed:
        return new StepError('The keychain can be changed only while the person is signed in', true, 'retry');
      default:
        return new StepError(`The keychain tool returned ${status}`, false, 'contactSupport');
    }
  }

  private json<T>(result: RunResult, what: string): T {
    if (result.exitCode !== 0) throw new StepError(`${what} ${describeRun(result)}`, true, 'retry');
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new StepError(`${what} gave an answer that is not JSON`, true, 'retry');
    }
  }
}
