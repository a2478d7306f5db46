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

export function stepFailed(
  step: SyncStep,
  completedSteps: SyncStep[],
  retrySafe: boolean,
  remedy: 'retry' | 'newKeychain' | 'contactSupport' | 'restart',
): AgentError {
  return new AgentError(ErrorCode.stepFailed, `The ${step} step failed`, { step, completedSteps, retrySafe, remedy });
}
