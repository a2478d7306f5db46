import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { attentionState } from '../../test/app-states';
import { renderApp } from '../../test/render-app';
import type { Problem } from '../app-types';

function alertText(): string {
  return screen.getByRole('alert').textContent ?? '';
}

function tryAgainButton(): HTMLElement | null {
  return screen.queryByRole('button', { name: 'Try again' });
}

describe('needs attention', () => {
  it('puts the problem in an alert that takes focus, and marks the phase and problem', async () => {
    await renderApp(attentionState({ code: 'internal' }));
    expect(document.querySelector('[data-phase]')).toHaveAttribute('data-phase', 'attention');
    expect(document.querySelector('[data-problem]')).toHaveAttribute('data-problem', 'internal');
    expect(screen.getByRole('alert')).toHaveFocus();
    expect(screen.getByRole('heading', { level: 1, name: /Something went wrong/ })).toBeInTheDocument();
  });

  it('previousPasswordWrong: what the previous password is, tries left, try again', async () => {
    const { bridge } = await renderApp(attentionState({ code: 'previousPasswordWrong', attemptsLeft: 2 }));
    expect(alertText()).toContain("That previous password didn't work");
    expect(alertText()).toContain('the one you used to unlock this computer until now');
    expect(alertText()).toContain('You can try 2 more times.');
    expect(alertText()).toContain('Nothing has been changed on this computer.');
    await userEvent.click(tryAgainButton()!);
    expect(bridge.dismissProblem).toHaveBeenCalledTimes(1);
  });

  it('previousPasswordWrong with one try left uses the singular', async () => {
    await renderApp(attentionState({ code: 'previousPasswordWrong', attemptsLeft: 1 }));
    expect(alertText()).toContain('You can try 1 more time.');
  });

  it('previousPasswordWrong with no tries left sends the person to support, with no Try again', async () => {
    await renderApp(attentionState({ code: 'previousPasswordWrong', attemptsLeft: 0 }));
    expect(alertText()).toContain('There are no tries left for now. Contact your IT support.');
    expect(tryAgainButton()).not.toBeInTheDocument();
  });

  it('newPasswordMismatch: check it, or change it at the provider again', async () => {
    await renderApp(attentionState({ code: 'newPasswordMismatch', attemptsLeft: 3 }));
    expect(alertText()).toContain("That new password doesn't match Okta");
    expect(alertText()).toContain('You can try 3 more times.');
    expect(screen.getByText(/change your password at Okta again, then come back here/)).toBeInTheDocument();
    expect(tryAgainButton()).toBeInTheDocument();
  });

  it('lockedOut: a countdown that ticks every second, then Try again', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2025-11-28T10:00:00.000Z'));
    await renderApp(
      attentionState({ code: 'lockedOut', retryAfterSeconds: 65, lockedUntil: '2025-11-28T10:01:05.000Z' }),
    );
    expect(alertText()).toContain('Too many tries for now');
    expect(screen.getByText('You can try again in 1 minute and 5 seconds.')).toBeInTheDocument();
    expect(tryAgainButton()).not.toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByText('You can try again in 1 minute and 4 seconds.')).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(4000));
    expect(screen.getByText('You can try again in 1 minute.')).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(59_000));
    expect(screen.getByText('You can try again in 1 second.')).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1000));
    expect(tryAgainButton()).toBeInTheDocument();
  });

  it('lockedOut, once the wait is over: the heading says so, not "too many tries", and warns that the next wrong try waits again', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2025-11-28T10:00:00.000Z'));
    await renderApp(attentionState({ code: 'lockedOut', retryAfterSeconds: 2, lockedUntil: '2025-11-28T10:00:02.000Z' }));
    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('You can try again now');
    expect(document.body.textContent).not.toContain('Too many tries for now');
    expect(alertText()).toContain('If the next try is wrong too, pwsync makes you wait again, longer each time, up to an hour.');
    expect(screen.getByRole('alert')).toHaveFocus();
    expect(screen.getAllByText(/You can try again now/)).toHaveLength(1);
    expect(tryAgainButton()).toBeInTheDocument();
  });

  it('lockedOut without a date counts down from retryAfterSeconds', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    await renderApp(attentionState({ code: 'lockedOut', retryAfterSeconds: 30 }));
    expect(screen.getByText('You can try again in 30 seconds.')).toBeInTheDocument();
  });

  it('changeNotFound: a newer change replaced this one', async () => {
    await renderApp(attentionState({ code: 'changeNotFound' }));
    expect(alertText()).toContain('A newer password change replaced this one');
    expect(alertText()).toContain('You changed your password at Okta again');
    expect(tryAgainButton()).toBeInTheDocument();
  });

  it('stepFailed: which step, which finished, safe to retry, and the remedy', async () => {
    await renderApp(
      attentionState({
        code: 'stepFailed',
        step: 'keychain',
        completedSteps: ['verifyNew', 'verifyPrevious', 'account'],
        retrySafe: true,
        remedy: 'retry',
      }),
    );
    expect(alertText()).toContain("pwsync couldn't finish updating your password");
    expect(screen.getByText("This step didn't work: Updating your login keychain.")).toBeInTheDocument();
    const done = screen.getByRole('list');
    expect(done).toHaveTextContent('Checking your new password');
    expect(done).toHaveTextContent('Updating your account password');
    expect(screen.getByText("It's safe to try again.")).toBeInTheDocument();
    expect(screen.getByText(/^Try again\. If it still doesn't work/)).toBeInTheDocument();
    expect(tryAgainButton()).toBeInTheDocument();
  });

  it("stepFailed: the agent's reason, in its own English words, for support; nothing when it gave none", async () => {
    const reason = 'The keychain can be changed only while the person is signed in';
    const { push } = await renderApp(attentionState({ code: 'stepFailed', step: 'keychain', completedSteps: ['verifyNew'], retrySafe: true, remedy: 'retry', failureReason: reason }));
    const shown = document.querySelector('[data-failure-reason]');
    expect(shown).toHaveTextContent(`Details for your IT support: ${reason}`);
    expect(shown?.querySelector('[lang="en"]')).toHaveTextContent(reason);
    push(attentionState({ code: 'stepFailed', step: 'keychain', completedSteps: ['verifyNew'], retrySafe: true, remedy: 'retry' }));
    expect(screen.getByText("This step didn't work: Updating your login keychain.")).toBeInTheDocument();
    expect(document.querySelector('[data-failure-reason]')).toBeNull();
  });

  it('stepFailed, not safe to retry: no Try again, and what to do instead', async () => {
    await renderApp(
      attentionState({ code: 'stepFailed', step: 'fileVault', completedSteps: [], retrySafe: false, remedy: 'restart' }),
    );
    expect(screen.getByText("Don't try again yet.")).toBeInTheDocument();
    expect(screen.getByText('None of the steps were finished.')).toBeInTheDocument();
    expect(screen.getByText('Restart the computer, then open pwsync again.')).toBeInTheDocument();
    expect(tryAgainButton()).not.toBeInTheDocument();
  });

  it.each([
    ['newKeychain', 'they can help you start a new keychain'],
    ['contactSupport', 'tell them which step didn\'t work'],
  ] as const)('stepFailed remedy %s is worded for the person', async (remedy, words) => {
    await renderApp(attentionState({ code: 'stepFailed', step: 'keychain', retrySafe: false, remedy }));
    expect(screen.getByText(new RegExp(words))).toBeInTheDocument();
  });

  it.each(['connectionLost', 'outcomeUnknown'] as const)(
    '%s: checking what happened, claiming neither success nor failure',
    async (code) => {
      await renderApp(attentionState({ code }));
      expect(alertText()).toContain('Checking what happened');
      expect(document.body.textContent).not.toMatch(/is updated|didn't work|failed|success/i);
      expect(screen.getByText(/don't change your password again yet/)).toBeInTheDocument();
      expect(tryAgainButton()).not.toBeInTheDocument();
    },
  );

  it.each([
    [{ code: 'passwordNotAccepted', field: 'newPassword' }, "This computer can't use your new password", /change your password at Okta/i],
    [{ code: 'passwordNotAccepted', field: 'previousPassword' }, "This computer can't use the previous password you typed", /Check what you typed/],
    [{ code: 'passwordNotAccepted' }, "This computer can't use that password", /Check what you typed/],
  ] as [Problem, string, RegExp][])('passwordNotAccepted (%o)', async (problem, title, next) => {
    await renderApp(attentionState(problem));
    expect(alertText()).toContain(title);
    expect(screen.getByText(next)).toBeInTheDocument();
    expect(tryAgainButton()).toBeInTheDocument();
  });

  it('notAllowed: not here, ask support, no Try again', async () => {
    await renderApp(attentionState({ code: 'notAllowed' }));
    expect(alertText()).toContain("Password updates aren't allowed here");
    expect(alertText()).toContain("Your organization doesn't let pwsync change the password on this computer.");
    expect(screen.getByText('Contact your IT support to update your password.')).toBeInTheDocument();
    expect(tryAgainButton()).not.toBeInTheDocument();
  });

  it("notAllowed for an account another system manages: says so, not the organization's policy, and gives the agent's words", async () => {
    const words = "Platform SSO manages this account's password and keeps it in step with the identity provider itself, so pwsync leaves it alone.";
    await renderApp(attentionState({ code: 'notAllowed', notAllowedReason: 'managedAccount', failureReason: words }));
    expect(alertText()).toContain("Another system manages this account's password (such as Platform SSO or Active Directory), so pwsync leaves it alone.");
    expect(alertText()).not.toContain('Your organization');
    expect(document.querySelector('[data-failure-reason] [lang="en"]')).toHaveTextContent(words);
    expect(screen.getByText('Ask your IT support which password to use on this computer.')).toBeInTheDocument();
  });

  it('syncAlreadyRunning: wait, the window will show it', async () => {
    await renderApp(attentionState({ code: 'syncAlreadyRunning' }));
    expect(alertText()).toContain('An update is already running');
    expect(screen.getByText(/This window will show the progress by itself/)).toBeInTheDocument();
    expect(tryAgainButton()).toBeInTheDocument();
  });

  it('internal: plain words, try again, then support, with the way to the diagnostics', async () => {
    await renderApp(attentionState({ code: 'internal' }));
    expect(alertText()).toContain("pwsync ran into a problem it didn't expect.");
    expect(screen.getByText('Try again. If it happens again, contact your IT support.')).toBeInTheDocument();
    expect(tryAgainButton()).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Diagnostics for IT support' })).toBeInTheDocument();
  });

  it.each<[string, Problem]>([
    ['not safe to retry', { code: 'stepFailed', step: 'keychain', completedSteps: ['verifyNew'], retrySafe: false, remedy: 'contactSupport' }],
    ['safe to retry', { code: 'stepFailed', step: 'keychain', completedSteps: ['verifyNew'], retrySafe: true, remedy: 'retry' }],
  ])('stepFailed (%s): names IT support once, says nothing after "don\'t try again", and opens the diagnostics', async (_what, problem) => {
    await renderApp(attentionState(problem));
    // In the sentences (the button to the diagnostics is named after them, not counted).
    const text = [...document.querySelectorAll('main p')].map((p) => p.textContent).join(' ');
    expect(text.match(/IT support/g)).toHaveLength(1);
    expect(text).not.toContain('If this keeps happening');
    await userEvent.click(screen.getByRole('button', { name: 'Diagnostics for IT support' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Help' })).toBeInTheDocument();
    const diagnostics = document.querySelector<HTMLElement>('[data-diagnostics]')!;
    expect(diagnostics).toHaveFocus();
    expect(await within(diagnostics).findByText('K7QM-4XPD')).toBeInTheDocument();
  });

  it('Try again returns to the confirm form once the app says so', async () => {
    const { push } = await renderApp(attentionState({ code: 'internal' }));
    await userEvent.click(tryAgainButton()!);
    push(attentionState({ code: 'internal' }, { phase: 'pending' }));
    expect(screen.getByLabelText('New password')).toHaveFocus();
  });
});
