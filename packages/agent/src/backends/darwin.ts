/**
 * The macOS backend (docs/backends.md has every call and its source). Not runnable
 * here: the tests drive it with a recording runner, and darwin-real.test.ts runs it on
 * a Mac against a throw-away account. The order is a transaction, as macOSLAPS puts
 * it: keep the old password until the keychain and FileVault can follow.
 *
 *   every flow      the account must be local: not an Active Directory mobile account
 *                   (NoMAD's checks) and not one Platform SSO manages (app-sso platform -s)
 *   verifyPrevious  ODRecord verifyPassword (JXA)
 *   account         keychain probe with the previous password; passwordChangeAllowed,
 *                   whose refusal carries the policy's own text (pwpolicy); changePassword
 *                   (a change, never a reset); the engine then verifies the new password
 *                   and changes back if not
 *   keychain        security -i set-keychain-password as the user in their session,
 *                   then the same-password probe; -25293 is always a failure
 *   fileVault       fdesetup isactive; sysadminctl -secureTokenStatus (none: fdesetup list
 *                   must not name the account, and the step is skipped, since FileVault
 *                   never used this password); diskutil apfs updatePreboot /
 *   starting over   the account is reset only when it has no SecureToken; the Local Items
 *                   folder is moved aside, then SecKeychainResetLogin
 */
import { AgentError } from '../agent-error';
import { ErrorCode } from '@pwsync/agent-protocol';
import { StepError, type BackendDiagnostics, type PlatformBackend } from './backend';
import {
  hasSecureToken,
  isMobileAccount,
  languageTags,
  parseBootstrapToken,
  parseFileVaultUsers,
  parsePlatformSso,
  parsePlatformUuid,
  parseSecureTokenStatus,
  type PlatformSsoState,
} from './darwin-parse';
import { passwordRequirements, policyRefusalMessage } from './darwin-policy';
import { ACCOUNT_SCRIPT, RESET_KEYCHAIN_SCRIPT } from './darwin-scripts';
import { describeRun, RunRefused, secretLines, type RunResult, type Runner } from './runner';

export const OSASCRIPT = '/usr/bin/osascript';
export const LAUNCHCTL = '/bin/launchctl';
export const SUDO = '/usr/bin/sudo';
export const SECURITY = '/usr/bin/security';
export const SYSADMINCTL = '/usr/sbin/sysadminctl';
export const DISKUTIL = '/usr/sbin/diskutil';
export const FDESETUP = '/usr/bin/fdesetup';
export const APP_SSO = '/usr/bin/app-sso';
export const PWPOLICY = '/usr/bin/pwpolicy';
export const PROFILES = '/usr/bin/profiles';
export const IOREG = '/usr/sbin/ioreg';
export const TEST = '/bin/test';
export const MV = '/bin/mv';

/** OpenDirectory's ODFrameworkErrors codes the backend acts on. */
export const OD = {
  credentialsInvalid: 5000,
  notSupported: 5100,
  notAuthorized: 5101,
  recordNotFound: 5300,
  accountDisabledToExpired: [5301, 5302, 5303],
  accountLocked: [5304, 5305],
  /** 5402–5406: the new password's content (quality, too short, too long, needs a letter, needs a digit). */
  policyFirst: 5402,
  /** 5407: changed too recently. */
  policyLast: 5407,
} as const;

/** OSStatus codes `security set-keychain-password` prints as "returned <n>". */
export const KEYCHAIN = { authFailed: -25293, noSuchKeychain: -25294, invalidKeychain: -25295, noWritePermission: -61, interactionNotAllowed: -25308 } as const;

/** security -i splits longer lines and runs the rest as a second command. */
export const SECURITY_MAX_LINE_BYTES = 4000;
/** What SecKeychainResetLogin is given at most (the protocol's own limit for a password). */
export const RESET_MAX_PASSWORD_BYTES = 4096;
/** How long a finding that Platform SSO does not manage an account is trusted: one sync. */
export const MANAGEMENT_CHECK_TTL_MS = 60_000;

export const PLATFORM_SSO_MESSAGE =
  'Platform SSO manages this account\'s password and keeps it in step with the identity provider itself, so pwsync leaves it alone. Use the password Platform SSO asks for when you sign in or unlock.';
export const MOBILE_ACCOUNT_MESSAGE =
  'This is an Active Directory mobile account: its password belongs to the directory, and a change made only on this Mac would split the two. Sign in to this Mac with your new password while it is connected to your organization\'s network (or VPN), or ask IT support to make it a local account.';
export const RESET_NEEDS_ADMIN_MESSAGE =
  'This account has a SecureToken: without the previous password only an administrator can move it and keep FileVault working. Ask IT support to reset it (with the FileVault recovery key, or as an administrator who has a SecureToken), then start over: pwsync then makes the new keychain.';

const ROOT = { name: 'root', home: '/var/root' };

interface AccountAnswer {
  ok: boolean;
  code?: number;
  uid?: number;
  gid?: number;
  home?: string;
  authority?: unknown;
  originalNodeName?: unknown;
  languages?: unknown;
}

/** The local record's facts the backend decides with. */
interface AccountRecord {
  uid: number;
  gid: number;
  home: string;
  secureToken: boolean;
  mobile: boolean;
  languages: string[];
}

export interface DarwinBackendOptions {
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: () => number;
}

/** security -i's own quoting: backslash first, then the double quote, all wrapped in quotes. */
export function securityQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function accountStepError(code: number | undefined): StepError {
  if (code === OD.recordNotFound) return new StepError('No such local account', false, 'contactSupport');
  if ((OD.accountLocked as readonly number[]).includes(code ?? 0)) return new StepError('The account is locked', false, 'contactSupport');
  if ((OD.accountDisabledToExpired as readonly number[]).includes(code ?? 0)) return new StepError('The account is disabled, expired or inactive', false, 'contactSupport');
  if (code !== undefined && code >= OD.policyFirst && code <= OD.policyLast) return new StepError(policyRefusalMessage(code, []), false, 'contactSupport');
  return new StepError(`Open Directory refused the operation (${code ?? 'no code'})`, true, 'retry');
}

export class DarwinBackend implements PlatformBackend {
  readonly name = 'darwin' as const;
  readonly platform = 'darwin' as const;
  readonly mode = 'confirm' as const;
  readonly newPasswordHash = 'pbkdf2' as const;
  private readonly now: () => number;
  /** When Platform SSO was last found not to manage each user's account. */
  private readonly unmanagedAt = new Map<string, number>();

  constructor(
    private readonly runner: Runner,
    options: DarwinBackendOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async accountPasswordIs(user: string, password: string): Promise<boolean> {
    // Every flow starts here, so an account pwsync must not touch is refused before anything changes.
    const record = await this.unmanaged(user);
    const answer = await this.account({ op: 'verify', user, uid: record.uid, old: password });
    if (answer.ok) return true;
    if (answer.code === OD.credentialsInvalid) return false;
    throw accountStepError(answer.code);
  }

  async changeAccountPassword(user: string, previous: string, next: string): Promise<void> {
    const record = await this.unmanaged(user);
    // The keychain must be able to follow before the account moves; when it is already on
    // the target password (a change back after a failed verify), it is in step too.
    if (!(await this.keychainPasswordIs(user, previous)) && !(await this.keychainPasswordIs(user, next))) {
      throw new StepError('The login keychain is on neither password, so the account was not changed', false, 'newKeychain');
    }
    await this.preflight(user, record, next);
    const change = await this.account({ op: 'change', user, uid: record.uid, old: previous, new: next });
    if (!change.ok) throw change.code === OD.credentialsInvalid ? new StepError('The account is not on the previous password', true, 'retry') : accountStepError(change.code);
  }

  /**
   * The previous password is forgotten. A reset (no old password) leaves a SecureToken
   * on the old password, and FileVault with it: done here only for an account that has
   * none, where FileVault never used the password. An account with one is refused before
   * anything changes; an administrator resets it (the FileVault recovery key at the login
   * window, or as an administrator with a SecureToken), and starting over again then finds
   * the account on the new password and only makes the keychain (docs/support-guide.md).
   */
  async resetAccountPassword(user: string, next: string): Promise<void> {
    const record = await this.unmanaged(user);
    if (record.secureToken || (await this.secureTokenStatus(user)) !== 'disabled') {
      throw new StepError(RESET_NEEDS_ADMIN_MESSAGE, true, 'contactSupport');
    }
    await this.preflight(user, record, next);
    const reset = await this.account({ op: 'reset', user, uid: record.uid, new: next });
    if (!reset.ok) throw reset.code === -2 ? new StepError(RESET_NEEDS_ADMIN_MESSAGE, true, 'contactSupport') : accountStepError(reset.code);
    if (!(await this.accountPasswordIs(user, next))) throw new StepError('The account did not take the new password', true, 'retry');
  }

  async keychainPasswordIs(user: string, password: string): Promise<boolean> {
    // The same-password form changes nothing and succeeds exactly when this is the keychain's password.
    const status = await this.setKeychainPassword(user, password, password);
    if (status === 0) return true;
    // No login keychain at all is on no password: the caller decides (a new one, or refuse).
    if (status === KEYCHAIN.authFailed || status === KEYCHAIN.noSuchKeychain) return false;
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

  /**
   * A new login keychain. As XCreds does before SecKeychainResetLogin, the Local Items
   * folder (~/Library/Keychains/<hardware UUID>, kept under the old keybag password) goes
   * aside first; it is moved, not deleted, and moved back if the reset fails.
   */
  async startNewKeychain(user: string, next: string): Promise<{ keptAs: string }> {
    const record = await this.unmanaged(user);
    if (/[\0\r\n]/.test(next)) throw new RunRefused('a secret holds NUL or a line break');
    if (Buffer.byteLength(next, 'utf8') > RESET_MAX_PASSWORD_BYTES) throw new RunRefused('a secret is over the byte limit of its channel');
    const moved = await this.moveLocalItemsAside(user, record);
    const reset = await this.resetLoginKeychain(user, record, next).catch(async (error: unknown) => {
      await this.putLocalItemsBack(user, record, moved);
      throw error;
    });
    if (reset.status !== 0) {
      await this.putLocalItemsBack(user, record, moved);
      throw new StepError(`A new login keychain could not be made (OSStatus ${reset.status ?? '?'})`, true, 'retry');
    }
    if (!(await this.keychainPasswordIs(user, next))) {
      throw new StepError('A new login keychain was made but does not open with the new password', false, 'contactSupport');
    }
    return { keptAs: reset.keptAs };
  }

  async refreshDiskUnlock(user: string): Promise<void | 'skipped'> {
    const active = await this.runner.run({ program: FDESETUP, args: ['isactive'], user: ROOT });
    // fdesetup isactive: 0 on, 1 off (man fdesetup); off means there is nothing to follow.
    if (active.exitCode === 1) return 'skipped';
    if (active.exitCode !== 0) throw new StepError(`fdesetup isactive ${describeRun(active)}`, true, 'retry');
    const token = await this.secureTokenStatus(user);
    if (token === 'unknown') throw new StepError('sysadminctl did not say whether this account has a SecureToken', true, 'retry');
    if (token === 'disabled') {
      // On APFS only SecureToken holders unlock FileVault: this password never did, so
      // nothing follows it. fdesetup's own list must agree, or support looks.
      if (!(await this.fileVaultUsers()).includes(user)) return 'skipped';
      throw new StepError('FileVault lists this account, but it has no SecureToken', false, 'contactSupport');
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

  /**
   * What support needs to know about this account (for `pwsync doctor`): its kind,
   * Platform SSO's view, SecureToken, FileVault and the bootstrap token. Read-only; a
   * check that cannot run answers null.
   */
  async diagnostics(user: string): Promise<BackendDiagnostics> {
    const attempt = async <T>(check: () => Promise<T>): Promise<T | null> => {
      try {
        return await check();
      } catch {
        return null;
      }
    };
    const record = await attempt(() => this.readRecord(user));
    const sso = record ? await attempt(() => this.platformSso(user, record)) : null;
    const fileVault = await attempt(async () => {
      const active = await this.runner.run({ program: FDESETUP, args: ['isactive'], user: ROOT });
      return active.exitCode === 0 ? 'on' : active.exitCode === 1 ? 'off' : null;
    });
    const token = await attempt(() => this.secureTokenStatus(user));
    const listed = fileVault === 'on' ? await attempt(async () => (await this.fileVaultUsers()).includes(user)) : null;
    const bootstrap = await attempt(async () => {
      const result = await this.runner.run({ program: PROFILES, args: ['status', '-type', 'bootstraptoken'], user: ROOT });
      return result.exitCode === 0 ? parseBootstrapToken(`${result.stdout}\n${result.stderr}`) : null;
    });
    return {
      mac: {
        accountKind: record ? (record.mobile ? 'mobile' : 'local') : null,
        secureToken: token === null || token === 'unknown' ? null : token === 'enabled',
        fileVault,
        fileVaultUser: listed,
        platformSSO: {
          device: sso && sso !== 'unavailable' ? sso.device : null,
          user: sso && sso !== 'unavailable' ? sso.user : null,
          loginType: sso && sso !== 'unavailable' ? sso.loginType : null,
        },
        bootstrapToken: { supportedOnServer: bootstrap?.supportedOnServer ?? null, escrowedToServer: bootstrap?.escrowedToServer ?? null },
      },
    };
  }

  /** The record, refused when it is a network directory's mobile account. */
  private async record(user: string): Promise<AccountRecord> {
    const record = await this.readRecord(user);
    if (record.mobile) throw new AgentError(ErrorCode.notAllowed, MOBILE_ACCOUNT_MESSAGE, { reason: 'managedAccount' });
    return record;
  }

  /** The record, refused also when Platform SSO manages it; a finding that it does not is reused for one sync. */
  private async unmanaged(user: string): Promise<AccountRecord> {
    const record = await this.record(user);
    const checkedAt = this.unmanagedAt.get(user);
    if (checkedAt !== undefined && this.now() - checkedAt < MANAGEMENT_CHECK_TTL_MS) return record;
    const state = await this.platformSso(user, record);
    if (state !== 'unavailable') {
      if (state.user === 'present') throw new AgentError(ErrorCode.notAllowed, PLATFORM_SSO_MESSAGE, { reason: 'managedAccount' });
      // An answer in a format this parser does not know: better to stop than to fight Platform SSO.
      if (!state.recognized) throw new StepError('pwsync could not tell whether Platform SSO manages this account', false, 'contactSupport');
    }
    this.unmanagedAt.set(user, this.now());
    return record;
  }

  /**
   * `app-sso platform -s` as the user in their session, as Microsoft's Check-PSSO.zsh
   * runs it (launchctl asuser + sudo -u): the User Configuration section is that user's.
   * A non-zero exit is "not configured" there too (and macOS before 13 has no app-sso).
   */
  private async platformSso(user: string, record: AccountRecord): Promise<PlatformSsoState | 'unavailable'> {
    const result = await this.runner.run({
      program: LAUNCHCTL,
      args: ['asuser', String(record.uid), SUDO, '-u', user, '-H', APP_SSO, 'platform', '-s'],
      user: { name: user, home: record.home },
      timeoutMs: 15_000,
    });
    if (result.timedOut || result.signal || result.spawnError) throw new StepError(`app-sso ${describeRun(result)}`, true, 'retry');
    if (result.exitCode !== 0) return 'unavailable';
    if (result.stdout.trim() === '') return 'unavailable';
    return parsePlatformSso(result.stdout);
  }

  private async readRecord(user: string): Promise<AccountRecord> {
    const answer = await this.account({ op: 'info', user });
    if (!answer.ok || !Number.isInteger(answer.uid) || !Number.isInteger(answer.gid) || !answer.home) throw accountStepError(answer.code);
    const authority = strings(answer.authority);
    return {
      uid: answer.uid!,
      gid: answer.gid!,
      home: answer.home,
      secureToken: hasSecureToken(authority),
      mobile: isMobileAccount(authority, strings(answer.originalNodeName)),
      languages: languageTags(answer.languages),
    };
  }

  /** passwordChangeAllowed; a policy refusal carries the policy's own requirement text. */
  private async preflight(user: string, record: AccountRecord, next: string): Promise<void> {
    const answer = await this.account({ op: 'preflight', user, uid: record.uid, new: next });
    if (answer.ok) return;
    if (answer.code !== undefined && answer.code >= OD.policyFirst && answer.code <= OD.policyLast) {
      throw new StepError(policyRefusalMessage(answer.code, await this.passwordRules(user, record)), false, 'contactSupport');
    }
    throw accountStepError(answer.code);
  }

  /** The descriptions of the global and the account's own content rules, in the person's language. */
  private async passwordRules(user: string, record: AccountRecord): Promise<string[]> {
    const outputs: string[] = [];
    for (const args of [['-getaccountpolicies'], ['-u', user, '-getaccountpolicies']]) {
      const result = await this.runner.run({ program: PWPOLICY, args, user: ROOT });
      if (result.exitCode === 0) outputs.push(result.stdout);
    }
    return passwordRequirements(outputs, record.languages);
  }

  private async secureTokenStatus(user: string): Promise<'enabled' | 'disabled' | 'unknown'> {
    const result = await this.runner.run({ program: SYSADMINCTL, args: ['-secureTokenStatus', user], user: ROOT });
    // sysadminctl prints its answer on stderr.
    return result.exitCode === 0 ? parseSecureTokenStatus(`${result.stdout}\n${result.stderr}`) : 'unknown';
  }

  private async fileVaultUsers(): Promise<string[]> {
    const result = await this.runner.run({ program: FDESETUP, args: ['list'], user: ROOT });
    if (result.exitCode !== 0) throw new StepError(`fdesetup list ${describeRun(result)}`, true, 'retry');
    return parseFileVaultUsers(result.stdout);
  }

  /** SecKeychainResetLogin as the user in their session; the OSStatus and the name the old keychain got. */
  private async resetLoginKeychain(user: string, record: AccountRecord, next: string): Promise<{ status: number | undefined; keptAs: string }> {
    const result = await this.runner.run({
      program: LAUNCHCTL,
      args: ['asuser', String(record.uid), SUDO, '-u', user, '-H', OSASCRIPT, '-l', 'JavaScript', '-e', RESET_KEYCHAIN_SCRIPT],
      user: { name: user, home: record.home },
      // The password's UTF-8 bytes and nothing else: SecKeychainResetLogin gets exactly these.
      stdin: secretLines([next], { maxBytes: RESET_MAX_PASSWORD_BYTES, finalNewline: false }),
    });
    const answer = this.json<{ status?: unknown; keptAs?: unknown }>(result, 'SecKeychainResetLogin');
    return {
      status: typeof answer.status === 'number' ? answer.status : undefined,
      keptAs: typeof answer.keptAs === 'string' && /^login_renamed_\d+\.keychain-db$/.test(answer.keptAs) ? answer.keptAs : '',
    };
  }

  /** Moves ~/Library/Keychains/<hardware UUID> aside, as the user; null when there is none. */
  private async moveLocalItemsAside(user: string, record: AccountRecord): Promise<{ from: string; to: string } | null> {
    const ioreg = await this.runner.run({ program: IOREG, args: ['-rd1', '-c', 'IOPlatformExpertDevice'], user: ROOT });
    const uuid = ioreg.exitCode === 0 ? parsePlatformUuid(ioreg.stdout) : null;
    // XCreds does not reset without it either: the Local Items would keep asking for the old password.
    if (!uuid) throw new StepError('This Mac\'s hardware UUID could not be read, so no new keychain was made', true, 'retry');
    const asUser = { name: user, home: record.home, uid: record.uid, gid: record.gid };
    const from = `${record.home}/Library/Keychains/${uuid}`;
    const exists = await this.runner.run({ program: TEST, args: ['-d', from], user: asUser });
    if (exists.exitCode === 1) return null;
    if (exists.exitCode !== 0) throw new StepError(`Checking for the Local Items keychain ${describeRun(exists)}`, true, 'retry');
    const stamp = new Date(this.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const to = `${from}_renamed_${stamp}`;
    if (!(await this.move(asUser, from, to))) throw new StepError('The Local Items keychain could not be moved aside, so no new keychain was made', true, 'retry');
    return { from, to };
  }

  private async putLocalItemsBack(user: string, record: AccountRecord, moved: { from: string; to: string } | null): Promise<void> {
    if (!moved) return;
    const asUser = { name: user, home: record.home, uid: record.uid, gid: record.gid };
    if (!(await this.move(asUser, moved.to, moved.from))) {
      const keptAs = moved.to.slice(moved.to.lastIndexOf('/') + 1);
      throw new StepError(`No new keychain was made, and the Local Items keychain is still set aside as ~/Library/Keychains/${keptAs}`, false, 'contactSupport');
    }
  }

  /**
   * mv -n never overwrites and exits 0 either way; -v prints "FROM -> TO" only when it
   * renamed (Apple's file_cmds mv.c). The whole line must match: into an existing folder
   * TO, mv would have moved FROM to TO/<name> instead.
   */
  private async move(asUser: { name: string; home: string; uid: number; gid: number }, from: string, to: string): Promise<boolean> {
    const result = await this.runner.run({ program: MV, args: ['-n', '-v', from, to], user: asUser });
    return result.exitCode === 0 && result.stdout.split('\n').includes(`${from} -> ${to}`);
  }

  private async account(request: Record<string, unknown>): Promise<AccountAnswer> {
    const result = await this.runner.run({
      program: OSASCRIPT,
      args: ['-l', 'JavaScript', '-e', ACCOUNT_SCRIPT],
      user: { name: String(request.user), home: '/var/empty' },
      stdin: Buffer.from(JSON.stringify(request), 'utf8'),
    });
    return this.json<AccountAnswer>(result, 'Open Directory');
  }

  /** Runs set-keychain-password as the user, in their GUI session; answers the OSStatus (0 on success). */
  private async setKeychainPassword(user: string, previous: string, next: string): Promise<number> {
    const record = await this.record(user);
    const keychain = `${record.home}/Library/Keychains/login.keychain-db`;
    if (/[\0\n\r]/.test(previous + next)) throw new RunRefused('a secret holds NUL or a line break');
    const line = `set-keychain-password -o ${securityQuote(previous)} -p ${securityQuote(next)} ${securityQuote(keychain)}\n`;
    const stdin = Buffer.from(line, 'utf8');
    if (stdin.length > SECURITY_MAX_LINE_BYTES) {
      stdin.fill(0);
      throw new StepError('The passwords are too long for the keychain tool', false, 'contactSupport');
    }
    const result = await this.runner.run({
      program: LAUNCHCTL,
      args: ['asuser', String(record.uid), SUDO, '-u', user, '-H', SECURITY, '-i'],
      user: { name: user, home: record.home },
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
