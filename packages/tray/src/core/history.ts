/**
 * The tray app's own record of sync attempts (time, outcome, failed step, error code):
 * what support reads in the diagnostics. Never a secret. The shell keeps it in
 * electron-store; tests and the browser demo keep it in memory.
 */
import { z } from 'zod';
import { SyncStep } from '@pwsync/agent-protocol';

export const HistoryEntry = z.strictObject({
  at: z.iso.datetime(),
  changeId: z.string().max(64),
  outcome: z.enum(['synced', 'failed', 'refused', 'unknown']),
  failedStep: SyncStep.nullable(),
  /** The problem code the person saw (e.g. previousPasswordWrong), or null. */
  errorCode: z.string().max(40).nullable(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const HISTORY_LIMIT = 100;

export interface HistoryStore {
  list(): HistoryEntry[];
  add(entry: HistoryEntry): void;
}

export class MemoryHistory implements HistoryStore {
  private entries: HistoryEntry[] = [];
  list(): HistoryEntry[] {
    return [...this.entries];
  }
  add(entry: HistoryEntry): void {
    this.entries = [HistoryEntry.parse(entry), ...this.entries].slice(0, HISTORY_LIMIT);
  }
}
