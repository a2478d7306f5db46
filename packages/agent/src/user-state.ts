/**
 * Everything the agent keeps for one user, each part in its own atomically written
 * file under <state-dir>/users/<user>/: the pending change (with the hashes the
 * directory sent, never a password), wrong-password attempts, the sync journal and
 * the history of results.
 */
import path from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from './atomic-file';
import { PendingChange, SyncResult, SyncStep } from '@pwsync/agent-protocol';
import { ChangeHashes } from '@pwsync/device-api';

export { ChangeHashes };

export const StoredChange = z.strictObject({ change: PendingChange, hashes: ChangeHashes });
export type StoredChange = z.infer<typeof StoredChange>;

const Pending = z.strictObject({ current: StoredChange.nullable(), supersededIds: z.array(z.string()).max(100) });
export type Pending = z.infer<typeof Pending>;

export const Attempts = z.strictObject({
  failures: z.number().int().min(0),
  lockedUntil: z.iso.datetime().nullable(),
});
export type Attempts = z.infer<typeof Attempts>;

export const Journal = z.strictObject({
  changeId: z.string().nullable(),
  /** Steps whose "before" record is written; a step here and not in `done` was cut short. */
  started: z.array(SyncStep),
  done: z.array(SyncStep),
});
export type Journal = z.infer<typeof Journal>;

const History = z.array(SyncResult).max(50);

export const EMPTY_JOURNAL: Journal = { changeId: null, started: [], done: [] };

export class UserState {
  constructor(
    readonly stateDir: string,
    readonly user: string,
    private readonly onCorrupt: (file: string, movedTo: string) => void,
  ) {}

  private file(name: string): string {
    return path.join(this.stateDir, 'users', this.user, `${name}.json`);
  }

  private async read<T>(name: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
    const result = await readJson(this.file(name), schema);
    if (result.kind === 'ok') return result.value;
    if (result.kind === 'corrupt') this.onCorrupt(this.file(name), result.movedTo);
    return fallback;
  }

  readPending(): Promise<Pending> {
    return this.read('pending', Pending, { current: null, supersededIds: [] });
  }
  writePending(value: Pending): Promise<void> {
    return writeJsonAtomic(this.file('pending'), value);
  }
  readAttempts(): Promise<Attempts> {
    return this.read('attempts', Attempts, { failures: 0, lockedUntil: null });
  }
  writeAttempts(value: Attempts): Promise<void> {
    return writeJsonAtomic(this.file('attempts'), value);
  }
  readJournal(): Promise<Journal> {
    return this.read('journal', Journal, EMPTY_JOURNAL);
  }
  writeJournal(value: Journal): Promise<void> {
    return writeJsonAtomic(this.file('journal'), value);
  }
  readHistory(): Promise<SyncResult[]> {
    return this.read('history', History, []);
  }
  async appendHistory(result: SyncResult): Promise<void> {
    const history = await this.readHistory();
    await writeJsonAtomic(this.file('history'), [result, ...history].slice(0, 50));
  }
}
