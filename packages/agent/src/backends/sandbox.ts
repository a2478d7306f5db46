/**
 * The sandbox backend: a practice account, login keychain and FileVault unlock
 * record kept as files of real hashes in the agent's state folder, so demos and
 * tests can see exactly which of the three moved. It runs as the user, needs no
 * privileges and touches nothing of the computer it runs on.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from '../atomic-file';
import { SHA512_CRYPT_MIN_ROUNDS, pbkdf2Sha512, sha512Crypt, verifyPassword } from '@pwsync/passwords';
import type { Platform } from '@pwsync/agent-protocol';
import { StepError, type PlatformBackend } from './backend';

const Record = z.strictObject({ hash: z.string().min(1) });
type Part = 'account' | 'keychain' | 'filevault';

/** Few iterations and rounds: the sandbox protects nothing, and the demo should feel instant. */
const SANDBOX_PBKDF2_ITERATIONS = 10_000;
const SANDBOX_CRYPT_ROUNDS = SHA512_CRYPT_MIN_ROUNDS;

export class SandboxBackend implements PlatformBackend {
  readonly name = 'sandbox' as const;
  readonly mode = 'confirm' as const;
  readonly newPasswordHash = 'pbkdf2' as const;

  /**
   * `platform`: the computer the practice account plays, whatever the agent runs on, which
   * the tray app's words follow: a Mac (account, login keychain, FileVault), as the demo
   * shows it; the tests play Linux and Windows too.
   */
  constructor(
    private readonly root: string,
    readonly platform: Platform = 'darwin',
  ) {}

  /** Where the practice records of one user live. */
  static folder(stateDir: string, user: string): string {
    return path.join(stateDir, 'sandbox', user);
  }

  /** Creates the practice account with a password, as if the computer had been set up with it. */
  static async provision(stateDir: string, user: string, password: string): Promise<void> {
    const dir = SandboxBackend.folder(stateDir, user);
    await writeJsonAtomic(path.join(dir, 'account.json'), { hash: await sha512Crypt(password, SANDBOX_CRYPT_ROUNDS) });
    await writeJsonAtomic(path.join(dir, 'keychain.json'), { hash: await pbkdf2Sha512(password, SANDBOX_PBKDF2_ITERATIONS) });
    await writeJsonAtomic(path.join(dir, 'filevault.json'), { hash: await pbkdf2Sha512(password, SANDBOX_PBKDF2_ITERATIONS) });
  }

  async accountPasswordIs(user: string, password: string): Promise<boolean> {
    return this.matches(user, 'account', password);
  }

  async changeAccountPassword(user: string, previous: string, next: string): Promise<void> {
    if (!(await this.matches(user, 'account', previous))) throw new StepError('The account password did not match', true, 'retry');
    await this.write(user, 'account', await sha512Crypt(next, SANDBOX_CRYPT_ROUNDS));
  }

  async keychainPasswordIs(user: string, password: string): Promise<boolean> {
    return this.matches(user, 'keychain', password);
  }

  async changeKeychainPassword(user: string, previous: string, next: string): Promise<void> {
    // As macOS's security tool does: a wrong old password is a failure, never a silent success.
    if (!(await this.matches(user, 'keychain', previous))) {
      throw new StepError('The login keychain is not on the previous password', false, 'newKeychain');
    }
    await this.write(user, 'keychain', await pbkdf2Sha512(next, SANDBOX_PBKDF2_ITERATIONS));
  }

  async resetAccountPassword(user: string, next: string): Promise<void> {
    await this.write(user, 'account', await sha512Crypt(next, SANDBOX_CRYPT_ROUNDS));
  }

  async startNewKeychain(user: string, next: string): Promise<{ keptAs: string }> {
    // As SecKeychainResetLogin does: the old keychain is renamed, never deleted.
    const folder = path.join(this.root, 'sandbox', user);
    let n = 1;
    while (existsSync(path.join(folder, `login_renamed_${n}.keychain.json`))) n += 1;
    const keptAs = `login_renamed_${n}.keychain.json`;
    await fs.rename(this.file(user, 'keychain'), path.join(folder, keptAs)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await this.write(user, 'keychain', await pbkdf2Sha512(next, SANDBOX_PBKDF2_ITERATIONS));
    return { keptAs };
  }

  async refreshDiskUnlock(user: string, next: string): Promise<void> {
    await this.write(user, 'filevault', await pbkdf2Sha512(next, SANDBOX_PBKDF2_ITERATIONS));
  }

  async diskUnlockAccepts(user: string, password: string): Promise<boolean> {
    return this.matches(user, 'filevault', password);
  }

  private file(user: string, part: Part): string {
    return path.join(this.root, 'sandbox', user, `${part}.json`);
  }

  private async matches(user: string, part: Part, password: string): Promise<boolean> {
    const record = await readJson(this.file(user, part), Record);
    if (record.kind !== 'ok') throw new StepError(`The practice ${part} record is missing or unreadable`, false, 'contactSupport');
    return verifyPassword(password, record.value.hash);
  }

  private async write(user: string, part: Part, hash: string): Promise<void> {
    await writeJsonAtomic(this.file(user, part), { hash });
  }
}
