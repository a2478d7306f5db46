import { ErrorCode } from '@pwsync/agent-protocol';
import type { SyncStep } from '@pwsync/agent-protocol';

/** An error the protocol carries to the tray app: a stable code, a fixed message, data to act on. */
export class AgentError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

/** A step failed; `failureReason`, when there is one, has already been made safe (see safeFailureReason). */
export function stepFailed(
  step: SyncStep,
  completedSteps: SyncStep[],
  retrySafe: boolean,
  remedy: 'retry' | 'newKeychain' | 'contactSupport' | 'restart',
  failureReason?: string,
): AgentError {
  const data = { step, completedSteps, retrySafe, remedy, ...(failureReason === undefined ? {} : { failureReason }) };
  return new AgentError(ErrorCode.stepFailed, `The ${step} step failed`, data);
}
