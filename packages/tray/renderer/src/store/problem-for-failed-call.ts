import type { Problem } from '../app-types';

/**
 * What to show when confirmChange itself threw instead of answering. Only a refusal
 * before anything reached the agent is known to have changed nothing; anything else
 * (a lost connection, an internal error half way) leaves the outcome unknown, and the
 * screen must not claim either success or failure.
 */
export function problemForFailedCall(error: unknown): { problem: Problem; uncertain: boolean } {
  const code = error instanceof Error ? error.message : '';
  if (code === 'invalidPayload' || code === 'forbiddenSender') return { problem: { code: 'internal' }, uncertain: false };
  return { problem: { code: 'outcomeUnknown' }, uncertain: true };
}
