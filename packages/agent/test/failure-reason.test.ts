import { describe, expect, it } from 'vitest';
import { ErrorCode, FAILURE_REASON_MAX } from '@pwsync/agent-protocol';
import { AgentError } from '../src/agent-error';
import { StepError } from '../src/backends/backend';
import { RunRefused } from '../src/backends/runner';
import { safeFailureReason } from '../src/failure-reason';

const NEW = 'Correct-Horse-7 "new"';
const PREVIOUS = 'Tr0ub4dor&3-previous';
const HASH = '$6$rounds=5000$saltsalt$Nq0p0m3xJd3s2H1p6N3y7aZkq9QfW1rT8uV5bC2dE4fG6hJ8kL0mN2pQ4sR6tU8wX0yZ2aB4cD6eF8gH0iJ2k';
const fail = (message: string) => new StepError(message, true, 'retry');

describe('the failure reason the agent lets out', () => {
  it("is a backend's StepError message, on one line", () => {
    expect(safeFailureReason(fail('The login keychain is not on the previous password'), [NEW, PREVIOUS])).toBe('The login keychain is not on the previous password');
    expect(safeFailureReason(fail('  fdesetup isactive\n  exit 2 '), [NEW, PREVIOUS])).toBe('fdesetup isactive exit 2');
  });

  it("is also a notAllowed refusal's message, which says which system manages the account", () => {
    const refusal = new AgentError(ErrorCode.notAllowed, 'Platform SSO manages this account\'s password', { reason: 'managedAccount' });
    expect(safeFailureReason(refusal, [NEW, PREVIOUS])).toBe("Platform SSO manages this account's password");
    expect(safeFailureReason(new AgentError(ErrorCode.notAllowed, `refused ${NEW}`, { reason: 'managedAccount' }), [NEW])).toBeUndefined();
    expect(safeFailureReason(new AgentError(ErrorCode.lockedOut, 'Too many wrong passwords'), [NEW])).toBeUndefined();
  });

  it('is nothing for any other error, whose message nobody vouched for', () => {
    expect(safeFailureReason(new Error('The login keychain is locked'), [NEW])).toBeUndefined();
    expect(safeFailureReason(new RunRefused('a secret holds NUL or a line break'), [NEW])).toBeUndefined();
    expect(safeFailureReason('The keychain is locked', [NEW])).toBeUndefined();
    expect(safeFailureReason(fail('   '), [NEW])).toBeUndefined();
  });

  it.each([
    ['the new password', `The keychain refused ${NEW}`],
    ['the previous password', `could not use ${PREVIOUS} here`],
    ['a password as JSON quotes it', `tool said {"old":${JSON.stringify(NEW)}}`.replace(NEW, JSON.stringify(NEW).slice(1, -1))],
    ["the change's hash", `chpasswd -e took ${HASH}`],
    ['a crypt hash of another password', 'the hash $y$j9T$abc$def did not verify'],
    ['a PHC hash', 'kept $pbkdf2-sha512$100000$c2FsdA$aGFzaA'],
    ['a long opaque token', `keyring answered ${'A1b2C3d4'.repeat(5)}`],
  ])('is dropped whole when it holds %s', (_what, message) => {
    expect(safeFailureReason(fail(message), [NEW, PREVIOUS, HASH])).toBeUndefined();
  });

  it('is cut to the protocol limit', () => {
    const reason = safeFailureReason(fail(`The disk encryption could not be checked ${'or changed '.repeat(60)}`), [NEW]);
    expect(reason).toHaveLength(FAILURE_REASON_MAX);
    expect(reason!.endsWith('…')).toBe(true);
  });

  it('ignores a secret that is not there (starting over has no previous password)', () => {
    expect(safeFailureReason(fail('A new login keychain could not be made (OSStatus -61)'), [NEW, null])).toBe('A new login keychain could not be made (OSStatus -61)');
  });
});
