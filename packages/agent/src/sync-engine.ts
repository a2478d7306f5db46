/**
 * Runs the six steps of a sync (docs/architecture.md, "The sync") for one change. Each step
 * that changes something is journaled before and after it runs, so an agent killed
 * half way knows on restart which step was cut short. A step that may already have
 * happened is probed before it runs again, so nothing is repeated wrongly and
 * nothing reports success that did not happen.
 */
import { AgentError, stepFailed } from './agent-error';
import { StepError, type PlatformBackend } from './backends/backend';
import { safeFailureReason } from './failure-reason';
import { ErrorCode } from '@pwsync/agent-protocol';
import type { StepState, SyncResult, SyncStep } from '@pwsync/agent-protocol';
import type { Journal, StoredChange, UserState } from './user-state';
import { verifyPassword } from '@pwsync/passwords';
import { type Clock, isoTime } from '@pwsync/node-kit/clock';

export interface SyncRequest {
  change: StoredChange;
  /** null: the person forgot it and chose to start over with a new keychain (policy permitting). */
  previousPassword: string | null;
  newPassword: string;
}

export interface EngineDeps {
  user: string;
  backend: PlatformBackend;
  state: UserState;
  clock: Clock;
  progress: (step: SyncStep, state: StepState) => void;
  /** Tells the directory the device is synced; undefined when there is no directory. */
  report?: (changeId: string) => Promise<void>;
  /** Called when a password check fails, before the error goes back (attempts are counted there). */
  passwordRejected: (which: 'previous' | 'new') => Promise<AgentError>;
  /**
   * Fault injection for the crash tests: called once the "before" record of a step is
   * journaled and before its body runs, and after the body ran but before the "after"
   * record is written — the two moments a crash is hardest to tell apart.
   */
  checkpoint?: (step: SyncStep, moment: 'before' | 'after') => void;
}

type StepRunner = (name: SyncStep, body: () => Promise<'done' | 'skipped'>, journaled: boolean) => Promise<void>;
type FailHandler = (name: SyncStep, error: unknown) => never;

export class SyncEngine {
  constructor(private readonly deps: EngineDeps) {}

  async run(request: SyncRequest): Promise<SyncResult> {
    const { backend, state, user } = this.deps;
    const changeId = request.change.change.id;
    const stored = await state.readJournal();
    // A journal of this same change means an earlier run was cut short: resume it.
    const journal: Journal = stored.changeId === changeId ? stored : { changeId, started: [], done: [] };
    const completed: SyncStep[] = [];
    const step: StepRunner = async (name, body, journaled) => {
      this.deps.progress(name, 'running');
      if (journaled && !journal.started.includes(name)) {
        journal.started.push(name);
        await state.writeJournal(journal);
      }
      let outcome: 'done' | 'skipped';
      this.deps.checkpoint?.(name, 'before');
      try {
        outcome = await body();
      } catch (error) {
        this.deps.progress(name, 'failed');
        throw error;
      }
      this.deps.checkpoint?.(name, 'after');
      if (journaled && !journal.done.includes(name)) {
        journal.done.push(name);
        await state.writeJournal(journal);
      }
      if (outcome === 'done') completed.push(name);
      this.deps.progress(name, outcome);
    };
    // Everything secret this sync holds: a failure reason that quotes any of it is dropped.
    const secrets = [request.newPassword, request.previousPassword, ...Object.values(request.change.hashes)];
    const fail: FailHandler = (name, error) => {
      if (error instanceof AgentError) throw withNotAllowedReason(error, secrets);
      const retrySafe = error instanceof StepError ? error.retrySafe : false;
      const remedy = error instanceof StepError ? error.remedy : 'contactSupport';
      throw stepFailed(name, [...completed], retrySafe, remedy, safeFailureReason(error, secrets));
    };

    let accountAlreadyMoved = false;
    await step('verifyNew', async () => {
      const hash = request.change.hashes[backend.newPasswordHash];
      // receiveChange keeps only changes with this hash: a stored change without it was written by hand.
      if (!hash) throw stepFailed('verifyNew', [], false, 'contactSupport');
      // Off the event loop (a worker thread, or libuv's pool), and refused without hashing when its cost is out of bounds.
      if (!(await verifyPassword(request.newPassword, hash))) throw await this.deps.passwordRejected('new');
      return 'done';
    }, false);

    const previous = request.previousPassword;
    if (previous === null) return this.startOver(request, step, fail, completed);

    await step('verifyPrevious', async () => {
      if (await backend.accountPasswordIs(user, previous)) return 'done';
      // An earlier run of this change may have moved the account before it was cut short.
      if (journal.started.includes('account') && (await backend.accountPasswordIs(user, request.newPassword))) {
        accountAlreadyMoved = true;
        return 'done';
      }
      throw await this.deps.passwordRejected('previous');
    }, false).catch((error: unknown) => fail('verifyPrevious', error));

    await step('account', async () => {
      if (accountAlreadyMoved) return 'done';
      try {
        await backend.changeAccountPassword(user, previous, request.newPassword);
      } catch (error) {
        return fail('account', error);
      }
      if (!(await backend.accountPasswordIs(user, request.newPassword))) {
        // The change did not take: put the previous password back, so nothing is half done.
        await backend.changeAccountPassword(user, request.newPassword, previous).catch(() => undefined);
        throw stepFailed('account', [...completed], true, 'retry', 'The account did not take the new password, so the previous one was put back');
      }
      return 'done';
    }, true);

    await step('keychain', async () => {
      if (await backend.keychainPasswordIs(user, request.newPassword)) return 'done';
      try {
        if ((await backend.changeKeychainPassword(user, previous, request.newPassword)) === 'skipped') return 'skipped';
      } catch (error) {
        // The account (and with it FileVault) already moved; undoing it would split them
        // again. Report exactly this step, with its remedy.
        return fail('keychain', error);
      }
      if (!(await backend.keychainPasswordIs(user, request.newPassword))) {
        throw stepFailed('keychain', [...completed], false, 'newKeychain', 'The login keychain did not take the new password');
      }
      return 'done';
    }, true);

    return this.finishSteps(request, step, fail, completed);
  }

  /** Account reset and a new keychain, for a forgotten previous password. */
  private async startOver(request: SyncRequest, step: StepRunner, fail: FailHandler, completed: SyncStep[]): Promise<SyncResult> {
    const { backend, user } = this.deps;
    const next = request.newPassword;
    await step('verifyPrevious', async () => 'skipped', false);
    await this.journaledChange(step, fail, 'account', () => backend.accountPasswordIs(user, next), () => backend.resetAccountPassword(user, next));
    await this.journaledChange(step, fail, 'keychain', () => backend.keychainPasswordIs(user, next), () => backend.startNewKeychain(user, next));
    return this.finishSteps(request, step, fail, completed);
  }

  /** A journaled step that changes one thing: skipped when the probe says it is already done. */
  private journaledChange(step: StepRunner, fail: FailHandler, name: SyncStep, alreadyDone: () => Promise<boolean>, change: () => Promise<unknown>): Promise<void> {
    return step(name, async () => {
      if (await alreadyDone()) return 'done';
      try {
        // A backend says 'skipped' when the computer has nothing of this kind to change.
        return (await change()) === 'skipped' ? 'skipped' : 'done';
      } catch (error) {
        return fail(name, error);
      }
    }, true);
  }

  private async finishSteps(request: SyncRequest, step: StepRunner, fail: FailHandler, completed: SyncStep[]): Promise<SyncResult> {
    const { backend, user } = this.deps;
    const changeId = request.change.change.id;
    // No probe: refreshing what the unlock screen accepts is safe to repeat.
    await this.journaledChange(step, fail, 'fileVault', async () => false, () => backend.refreshDiskUnlock(user, request.newPassword, request.previousPassword));

    await step('report', async () => {
      if (!this.deps.report) return 'skipped';
      try {
        await this.deps.report(changeId);
      } catch {
        // The computer is in sync; only the directory does not know yet. Retried at check-in.
        return 'skipped';
      }
      return 'done';
    }, true);

    return {
      changeId,
      outcome: 'synced',
      finishedAt: isoTime(this.deps.clock),
      completedSteps: completed,
      failedStep: null,
      errorCode: null,
    };
  }
}

/** What a journal left behind by a killed agent says happened, for the status and history. */
export function interruptedResult(journal: Journal, now: number): SyncResult | undefined {
  if (journal.changeId === null) return undefined;
  const cutShort = journal.started.find((s) => !journal.done.includes(s)) ?? null;
  // Killed after the last step that changes the computer (while reporting, or before
  // the journal was cleared): the computer is in sync, and saying anything else would be
  // untrue. The directory hears of it at the next check-in.
  const synced = journal.done.includes('fileVault') && (cutShort === null || cutShort === 'report');
  return {
    changeId: journal.changeId,
    outcome: synced ? 'synced' : 'interrupted',
    finishedAt: new Date(now).toISOString(),
    completedSteps: [...journal.done],
    failedStep: cutShort,
    errorCode: synced ? null : ErrorCode.stepFailed,
  };
}

/**
 * A backend's notAllowed carries only a coarse reason; its message says which system
 * manages the account and what the person does instead. Passed on, made safe like a
 * failed step's reason, so the window can give it to whoever helps (protocol 1.2).
 */
function withNotAllowedReason(error: AgentError, secrets: readonly (string | null)[]): AgentError {
  if (error.code !== ErrorCode.notAllowed || error.data?.failureReason !== undefined) return error;
  const failureReason = safeFailureReason(error, secrets);
  return failureReason === undefined ? error : new AgentError(error.code, error.message, { ...error.data, failureReason });
}
