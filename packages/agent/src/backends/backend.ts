/**
 * What a platform backend does for the sync engine. Each method is one step the
 * engine journals; each probe lets the engine find out, after a crash, whether a
 * step it had started really happened, instead of guessing.
 */
import type { BackendName, Diagnostics, Platform } from '@pwsync/agent-protocol';

export interface PlatformBackend {
  readonly name: BackendName;
  readonly platform: Platform;
  /** confirm: the person types both passwords (macOS); applied: the agent sets the hash itself. */
  readonly mode: 'confirm' | 'applied';
  /** Which of the hashes the directory sends this backend verifies the new password against. */
  readonly newPasswordHash: 'sha512crypt' | 'pbkdf2';

  accountPasswordIs(user: string, password: string): Promise<boolean>;
  changeAccountPassword(user: string, previous: string, next: string): Promise<void>;
  keychainPasswordIs(user: string, password: string): Promise<boolean>;
  /** 'skipped': there is no login keychain to change (no GNOME keyring on a Linux computer, say). */
  changeKeychainPassword(user: string, previous: string, next: string): Promise<void | 'skipped'>;
  /**
   * The previous password is forgotten (policy permitting): set the account password
   * without the old one, and start a new login keychain, keeping the old one for support.
   */
  resetAccountPassword(user: string, next: string): Promise<void>;
  startNewKeychain(user: string, next: string): Promise<{ keptAs: string } | 'skipped'>;
  /**
   * Makes the disk-unlock screen accept the (already changed) account password. The
   * previous password (null when starting over) is for disks that re-key with it (LUKS);
   * 'skipped': no disk here follows the account password.
   */
  refreshDiskUnlock(user: string, next: string, previous: string | null): Promise<void | 'skipped'>;
  diskUnlockAccepts(user: string, password: string): Promise<boolean>;
  /**
   * Mode 'applied' only: sets the account to the directory's hash when the change
   * arrives, with no password (the agent service calls it; see docs/backends.md).
   */
  applyDirectoryHash?(user: string, hashes: { sha512crypt: string }): Promise<void>;
  /**
   * Facts for support about what this computer's password depends on (macOS: the
   * account's kind, SecureToken, FileVault, the bootstrap token). Never holds a secret
   * or a tool's raw output; a check that cannot run answers null, so this never throws.
   * What it answers goes into the protocol's diagnostics as it is.
   */
  diagnostics?(user: string): Promise<BackendDiagnostics>;
}

/** The part of the protocol's diagnostics a backend fills in: its own key (`mac` for darwin). */
export type BackendDiagnostics = Pick<Diagnostics, 'mac'>;

/** A step failed in a way the person or support can act on. The message never holds a secret. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly retrySafe: boolean,
    readonly remedy: 'retry' | 'newKeychain' | 'contactSupport' | 'restart',
  ) {
    super(message);
    this.name = 'StepError';
  }
}
