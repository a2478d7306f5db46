/**
 * The words of a failed step that may leave the agent (in the stepFailed error's data,
 * the result, the history and the log), so support learns why a step failed, not only
 * which. Only a backend's StepError speaks here, and its refusal to touch an account
 * another system manages (notAllowed: Platform SSO, an Active Directory mobile account):
 * their messages are written to hold no value (backends/backend.ts). As a last guard, a reason that holds a secret of the
 * sync, or anything shaped like a password hash, is dropped whole: a backend's mistake
 * then costs support the reason, and never leaks a secret.
 */
import { ErrorCode, FAILURE_REASON_MAX } from '@pwsync/agent-protocol';
import { AgentError } from './agent-error';
import { StepError } from './backends/backend';

/** The prefixes of crypt(3) and PHC hashes ($6$, $y$, $2b$, $argon2id$, $pbkdf2-sha512$, …). */
const HASH_PREFIX = /\$(?:1|2[abxy]?|5|6|7|y|gy|sha1|md5|argon2(?:id|i|d)?|pbkdf2[\w-]*|scrypt)\$/i;
/** A long unbroken run of hash or token characters: no word of ours is that long. */
const OPAQUE_RUN = /[A-Za-z0-9+=]{32,}/;

export function safeFailureReason(error: unknown, secrets: readonly (string | null)[]): string | undefined {
  if (!(error instanceof StepError) && !isNotAllowed(error)) return undefined;
  const text = error.message.replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  for (const secret of secrets) {
    if (!secret) continue;
    // Also as it would look quoted in JSON, should a message ever carry it that way.
    if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))) return undefined;
  }
  if (HASH_PREFIX.test(text) || OPAQUE_RUN.test(text)) return undefined;
  return text.length > FAILURE_REASON_MAX ? `${text.slice(0, FAILURE_REASON_MAX - 1)}…` : text;
}

/** A refusal whose message says why this account is not pwsync's to change: the person's next step depends on which. */
function isNotAllowed(error: unknown): error is AgentError {
  return error instanceof AgentError && error.code === ErrorCode.notAllowed;
}
