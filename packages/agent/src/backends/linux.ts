/**
 * The Linux backend. The agent applies the directory's sha512-crypt hash itself when
 * a change arrives (mode 'applied'), and the tray app informs the person. Where the
 * person also confirms with the previous and new passwords, the agent finishes what
 * a hash alone cannot: the account is re-hashed in the system's own format (yescrypt
 * on current Debian and Ubuntu), the GNOME login keyring is re-keyed (the engine's
 * keychain step) and the LUKS key slot that opened with the previous password is
 * changed (the engine's fileVault step: what unlocks the disk at boot).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from '../atomic-file';
import { StepError, type PlatformBackend } from './backend';
import { ControlSocketKeyring, type KeyringUser, type LoginKeyring } from './gnome-keyring';
import { luksAccepts, luksChangeKey, LuksError, passphraseDevices, type LuksOptions } from './luks';
import { RunRefused, type Runner } from './runner';
import { checkUserName, cryptVerify, hashFormat, readShadowHash, setShadowHash, setShadowPassword, ShadowError } from './shadow';

export interface LinuxBackendOptions {
  runner: Runner;
  /** Where the agent keeps the applied-change record (root-only, like /etc/shadow). */
  stateDir: string;
  /** The system root; tests pass a throw-away folder holding etc/passwd, shadow, group, gshadow. */
  root?: string;
  /** The login keyring; by default the user's daemon under /run/user/UID, reached as the user. */
  keyring?: LoginKeyring;
  /** LUKS devices to follow; by default the passphrase entries of ROOT/etc/crypttab. */
  luksDevices?: readonly string[];
  luksPbkdfArgs?: readonly string[];
}

/**
 * What the agent replaced when it applied a change, so that a later confirmation can
 * check the previous password: the hash it replaced (it was already in /etc/shadow,
 * readable by root only, and so is this file) and the hash it wrote.
 */
const AppliedRecord = z.strictObject({ replacedHash: z.string(), appliedHash: z.string() });
type AppliedRecord = z.infer<typeof AppliedRecord>;

export class LinuxBackend implements PlatformBackend {
  readonly name = 'linux' as const;
  readonly platform = 'linux' as const;
  readonly mode = 'applied' as const;
  readonly newPasswordHash = 'sha512crypt' as const;
  private readonly root: string;
  private readonly keyring: LoginKeyring;
  private readonly luks: LuksOptions;

  constructor(private readonly options: LinuxBackendOptions) {
    this.root = path.resolve(options.root ?? '/');
    this.keyring = options.keyring ?? new ControlSocketKeyring({ runner: options.runner, runtimeDirFor: (user) => `/run/user/${user.uid}` });
    this.luks = { runner: options.runner, pbkdfArgs: options.luksPbkdfArgs };
  }

  /** Applies the directory's hash as it is (`chpasswd -e`); no password is involved. */
  async applyDirectoryHash(user: string, hashes: { sha512crypt: string }): Promise<void> {
    const current = await this.currentHash(user);
    if (current === hashes.sha512crypt) return;
    // Written before the change, so a crash between the two still lets the previous password be checked.
    await writeJsonAtomic(this.recordFile(user), { replacedHash: current, appliedHash: hashes.sha512crypt } satisfies AppliedRecord);
    await this.account(() => setShadowHash(this.shadow(), user, hashes.sha512crypt));
    if ((await this.currentHash(user)) !== hashes.sha512crypt) throw new StepError('The account did not take the new hash', true, 'retry');
  }

  async accountPasswordIs(user: string, password: string): Promise<boolean> {
    const current = await this.currentHash(user);
    if (await this.account(() => cryptVerify(this.options.runner, password, current))) return true;
    // After an applied change, the previous password is the one the replaced hash held.
    const record = await this.record(user);
    if (!record || record.appliedHash !== current) return false;
    return this.account(() => cryptVerify(this.options.runner, password, record.replacedHash));
  }

  async changeAccountPassword(user: string, previous: string, next: string): Promise<void> {
    const current = await this.currentHash(user);
    const record = await this.record(user);
    // The system's own format: that of the hash the directory's replaced, else the current one.
    const format = hashFormat(record?.replacedHash ?? current) ?? 'SHA512';
    const onNext = await this.account(() => cryptVerify(this.options.runner, next, current));
    if (!onNext && !(await this.accountPasswordIs(user, previous))) throw new StepError('The account is not on the previous password', true, 'retry');
    if (!onNext || hashFormat(current) !== format) await this.account(() => setShadowPassword(this.shadow(), user, next, format));
    await fs.rm(this.recordFile(user), { force: true });
  }

  async resetAccountPassword(user: string, next: string): Promise<void> {
    const format = hashFormat((await this.record(user))?.replacedHash ?? (await this.currentHash(user))) ?? 'SHA512';
    await this.account(() => setShadowPassword(this.shadow(), user, next, format));
    await fs.rm(this.recordFile(user), { force: true });
  }

  async keychainPasswordIs(user: string, password: string): Promise<boolean> {
    // The same-password change is the probe: it succeeds exactly when this is the keyring's password.
    return (await this.keyringChange(user, password, password)) === 'changed';
  }

  async changeKeychainPassword(user: string, previous: string, next: string): Promise<void | 'skipped'> {
    const outcome = await this.keyringChange(user, previous, next);
    if (outcome === 'changed') return;
    if (outcome === 'denied') throw new StepError('The GNOME login keyring is not on the previous password', false, 'newKeychain');
    // No daemon to talk to: fine when there is no login keyring at all, not when one waits on disk.
    if (existsSync(await this.keyringFile(user))) {
      throw new StepError('The GNOME login keyring could not be reached: the person must be signed in', true, 'retry');
    }
    return 'skipped';
  }

  /** Without the previous password the keyring cannot be opened: set it aside; the next sign-in creates a new one. */
  async startNewKeychain(user: string): Promise<{ keptAs: string } | 'skipped'> {
    const file = await this.keyringFile(user);
    if (!existsSync(file)) return 'skipped';
    let n = 1;
    while (existsSync(path.join(path.dirname(file), `login_renamed_${n}.keyring`))) n += 1;
    const keptAs = `login_renamed_${n}.keyring`;
    await fs.rename(file, path.join(path.dirname(file), keptAs));
    return { keptAs };
  }

  /** Re-keys each LUKS device whose slot opens with the previous password. */
  async refreshDiskUnlock(_user: string, next: string, previous?: string | null): Promise<void | 'skipped'> {
    let followed = false;
    for (const device of await this.devices()) {
      const onNext = await this.disk(() => luksAccepts(this.luks, device, next));
      if (onNext) {
        followed = true;
        continue;
      }
      // A disk with a passphrase of its own (neither password opens it) does not follow the account.
      if (!previous || !(await this.disk(() => luksAccepts(this.luks, device, previous)))) continue;
      await this.disk(() => luksChangeKey(this.luks, device, previous, next));
      if (!(await this.disk(() => luksAccepts(this.luks, device, next)))) throw new StepError('The disk did not take the new passphrase', false, 'contactSupport');
      followed = true;
    }
    return followed ? undefined : 'skipped';
  }

  async diskUnlockAccepts(_user: string, password: string): Promise<boolean> {
    for (const device of await this.devices()) {
      if (await this.disk(() => luksAccepts(this.luks, device, password))) return true;
    }
    return false;
  }

  private shadow() {
    return { runner: this.options.runner, root: this.root };
  }

  private async currentHash(user: string): Promise<string> {
    const hash = await this.account(() => readShadowHash(this.root, user));
    if (hash === undefined) throw new StepError('No such account on this computer', false, 'contactSupport');
    return hash;
  }

  private recordFile(user: string): string {
    checkUserName(user);
    return path.join(this.options.stateDir, 'linux', `${user}.applied.json`);
  }

  private async record(user: string): Promise<AppliedRecord | undefined> {
    const read = await readJson(this.recordFile(user), AppliedRecord);
    return read.kind === 'ok' ? read.value : undefined;
  }

  private async passwdEntry(user: string): Promise<KeyringUser> {
    checkUserName(user);
    const text = await fs.readFile(path.join(this.root, 'etc/passwd'), 'utf8');
    for (const line of text.split('\n')) {
      const [name, , uid, gid, , home] = line.split(':');
      if (name === user && uid && gid && home) return { name, uid: Number(uid), gid: Number(gid), home };
    }
    throw new StepError('No such account on this computer', false, 'contactSupport');
  }

  private async keyringFile(user: string): Promise<string> {
    const entry = await this.passwdEntry(user);
    return path.join(this.root, entry.home, '.local/share/keyrings/login.keyring');
  }

  private async keyringChange(user: string, previous: string, next: string) {
    const entry = await this.passwdEntry(user);
    try {
      return await this.keyring.change(entry, previous, next);
    } catch {
      throw new StepError('The GNOME keyring daemon gave an unexpected answer', true, 'retry');
    }
  }

  private async devices(): Promise<readonly string[]> {
    return this.options.luksDevices ?? passphraseDevices(this.root);
  }

  /** Tool failures become step errors that say what failed and never carry a value. */
  private async account<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (error instanceof StepError) throw error;
      throw new StepError(`The account could not be read or changed (${toolFailure(error)})`, true, 'retry');
    }
  }

  private async disk<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (error instanceof StepError) throw error;
      throw new StepError(`The disk encryption could not be checked or changed (${toolFailure(error)})`, true, 'retry');
    }
  }
}

/**
 * What a failure below a step says about itself, for the step's message (which goes to
 * the person's screen and to support): the messages of our own tool errors, which name
 * a tool and its exit and never a value; a system error's code (ENOENT, not its text,
 * which quotes paths); anything else, only its kind.
 */
function toolFailure(error: unknown): string {
  if (error instanceof ShadowError || error instanceof LuksError || error instanceof RunRefused) return error.message;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  return error instanceof Error ? error.name : 'an unknown error';
}
