import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppState, Platform, ProgressEntry } from '../app-types';
import { appState, CHANGE, type StateFields } from '../../test/app-states';
import { createFakeBridge } from '../../test/fake-bridge';
import { renderApp } from '../../test/render-app';
import { useAppStore } from '../store/app-store';

const NEW = 'N3w-Okta-pass!';
const PREVIOUS = 'old-Linux-pass#7';
const OPEN = 'Update keyring and disk password…';
const APPLIED = { ...CHANGE, mode: 'applied' as const };

/** What the tray app sends once the agent on `platform` applied the change itself. */
function informedState(platform: Platform = 'linux', overrides: StateFields = {}): AppState {
  const agent = { version: '1.4.0', platform, backend: platform, user: 'alex', newKeychainAllowed: false };
  return appState({ phase: 'informed', platform, agent, change: APPLIED, ...overrides });
}

function field(label: 'New password' | 'Previous password'): HTMLInputElement {
  return screen.getByLabelText(label);
}

function shownPhase() {
  return document.querySelector('[data-phase]')?.getAttribute('data-phase');
}

/** What the window's main area says: the header and footer are not the screen's words. */
function screenText(): string {
  return document.querySelector('main')?.textContent ?? '';
}

async function openForm() {
  await userEvent.click(screen.getByRole('button', { name: OPEN }));
}

const ALL_DONE: ProgressEntry[] = [
  { step: 'verifyNew', state: 'done' },
  { step: 'verifyPrevious', state: 'done' },
  { step: 'account', state: 'done' },
  { step: 'keychain', state: 'running' },
  { step: 'fileVault', state: 'skipped' },
  { step: 'report', state: 'pending' },
];

afterEach(() => {
  Reflect.deleteProperty(document, 'visibilityState');
});

describe('the informed screen on Linux: updating the keyring and disk password too', () => {
  it('offers the update, as an option below what happened, with Done still there', async () => {
    await renderApp(informedState('linux'));
    expect(shownPhase()).toBe('informed');
    const section = screen.getByRole('region', { name: 'Your keyring and disk password' });
    expect(section).toHaveTextContent(/Your login keyring \(saved passwords, Wi-Fi keys\) and, if your disk is encrypted/);
    expect(within(section).getByRole('button', { name: OPEN })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Done' })).toBeInTheDocument();
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
  });

  it.each([
    ['on Windows', informedState('win32')],
    ['on macOS', informedState('darwin')],
  ])('is not offered %s', async (_, state) => {
    await renderApp(state);
    expect(shownPhase()).toBe('informed');
    expect(screen.getByRole('heading', { level: 1, name: 'Your password was updated' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: OPEN })).not.toBeInTheDocument();
    expect(screen.queryByText('Your keyring and disk password')).not.toBeInTheDocument();
  });

  it.each(['idle', 'synced'] as const)('is not offered on Linux in phase %s', async (phase) => {
    await renderApp(informedState('linux', { phase }));
    expect(shownPhase()).toBe(phase);
    expect(screen.queryByRole('button', { name: OPEN })).not.toBeInTheDocument();
  });

  it('opens the two-step form: new password first, then the previous one, in words for Linux', async () => {
    const user = userEvent.setup();
    await renderApp(informedState());
    await openForm();
    expect(screen.getByRole('heading', { level: 1, name: 'Update your keyring and disk password' })).toBeInTheDocument();
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveFocus();
    expect(screen.queryByLabelText('Previous password')).not.toBeInTheDocument();
    await user.type(field('New password'), `${NEW}{Enter}`);
    expect(screen.getByText('Step 2 of 2')).toBeInTheDocument();
    expect(field('Previous password')).toHaveFocus();
    expect(field('Previous password')).toHaveAccessibleDescription(/The password you used on this computer before this change\./);
    expect(screen.getByRole('button', { name: 'Update keyring and disk password' })).toHaveAttribute('type', 'submit');
    expect(screenText()).not.toMatch(/Mac\b|FileVault|remember/);
  });

  it('sends both passwords in one confirmChange call and clears both fields', async () => {
    const user = userEvent.setup();
    const bridge = createFakeBridge(informedState());
    // The answer waits, so the form is still there to be looked at after submit.
    let answer!: () => void;
    bridge.confirmChange.mockImplementation(
      (request) =>
        new Promise((resolve) => {
          answer = () => resolve({ ok: true, result: { changeId: request.changeId, outcome: 'synced', finishedAt: '2025-11-28T09:05:00.000Z', completedSteps: [], failedStep: null, errorCode: null } });
        }),
    );
    await renderApp(informedState(), bridge);
    await openForm();
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(bridge.confirmChange).toHaveBeenCalledTimes(1);
    expect(bridge.confirmChange).toHaveBeenCalledWith({ changeId: CHANGE.id, newPassword: NEW, previousPassword: PREVIOUS });
    expect(field('Previous password')).toHaveValue('');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(field('New password')).toHaveValue('');
    const seen = [JSON.stringify(useAppStore.getState()), document.body.innerHTML];
    for (const text of seen) {
      expect(text).not.toContain(NEW);
      expect(text).not.toContain(PREVIOUS);
    }
    await act(async () => answer());
  });

  it('Escape goes back a step at a time, forgetting what was typed, to the informed screen, without closing the window', async () => {
    const user = userEvent.setup();
    const { bridge } = await renderApp(informedState());
    await openForm();
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), PREVIOUS);
    await user.keyboard('{Escape}');
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveValue(NEW);
    await user.keyboard('{Escape}');
    expect(screen.getByRole('heading', { level: 1, name: 'Your password was updated' })).toHaveFocus();
    expect(bridge.closeWindow).not.toHaveBeenCalled();
    await openForm();
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveValue('');
    // Escape with focus on a button, not in a field, goes back too.
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(field('New password'), NEW);
    screen.getByRole('button', { name: 'Continue' }).focus();
    await user.keyboard('{Escape}');
    expect(screen.getByRole('button', { name: OPEN })).toBeInTheDocument();
    expect(bridge.closeWindow).not.toHaveBeenCalled();
    expect(bridge.confirmChange).not.toHaveBeenCalled();
  });

  it('Back on the first step returns to the informed screen; on the second, to the first', async () => {
    const user = userEvent.setup();
    await renderApp(informedState());
    await openForm();
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveValue(NEW);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByRole('button', { name: OPEN })).toBeInTheDocument();
    await openForm();
    expect(field('New password')).toHaveValue('');
  });

  it('keeps its step when the state is pushed again while the change waits', async () => {
    const user = userEvent.setup();
    const { push } = await renderApp(informedState());
    await openForm();
    await user.type(field('New password'), `${NEW}{Enter}`);
    push(informedState('linux', { lastCheckIn: '2025-11-28T09:01:00.000Z' }));
    expect(screen.getByText('Step 2 of 2')).toBeInTheDocument();
  });

  it('closes, its fields cleared, when the window hides', async () => {
    const user = userEvent.setup();
    await renderApp(informedState());
    await openForm();
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), PREVIOUS);
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    await act(async () => document.dispatchEvent(new Event('visibilitychange')));
    expect(screen.queryByLabelText('Previous password')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: OPEN })).toBeInTheDocument();
  });

  it('shows a wrong previous password as the confirm flow does, and Try again comes back to the form', async () => {
    const user = userEvent.setup();
    const bridge = createFakeBridge(informedState());
    bridge.confirmChange.mockResolvedValue({ ok: false, problem: { code: 'previousPasswordWrong', attemptsLeft: 2 } });
    const { push } = await renderApp(informedState(), bridge);
    await openForm();
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(await screen.findByRole('alert')).toHaveTextContent("That previous password didn't work");
    expect(screen.getByText('You can try 2 more times.')).toBeInTheDocument();
    // As the tray app says it too, then goes back to informed when the problem is dismissed.
    push(informedState('linux', { phase: 'attention', problem: { code: 'previousPasswordWrong', attemptsLeft: 2 } }));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(bridge.dismissProblem).toHaveBeenCalledTimes(1);
    push(informedState());
    expect(screen.getByRole('heading', { level: 1, name: 'Update your keyring and disk password' })).toBeInTheDocument();
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveValue('');
  });

  it('names a failed step in Linux words', async () => {
    await renderApp(
      informedState('linux', {
        phase: 'attention',
        problem: { code: 'stepFailed', step: 'fileVault', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain'] },
      }),
    );
    expect(screen.getByText('This step didn\'t work: Updating your disk encryption password.')).toBeInTheDocument();
    expect(screen.getByText('Updating your login keyring')).toBeInTheDocument();
    expect(screenText()).not.toMatch(/FileVault|keychain/);
  });
});

describe('the sync on Linux', () => {
  it('labels the live steps for what happens on Linux; a skipped one had nothing to update', async () => {
    await renderApp(informedState('linux', { phase: 'confirming', progress: ALL_DONE }));
    const item = (label: string) => screen.getByText(label).closest('li');
    expect(item('Checking your account password')).toHaveTextContent('Done');
    expect(item('Updating your login keyring')).toHaveTextContent('In progress');
    expect(item('Updating your disk encryption password')).toHaveTextContent('Nothing to update');
    expect(screenText()).not.toMatch(/FileVault|keychain|Skipped/);
  });

  it('keeps the Mac words on a Mac, whatever the change', async () => {
    await renderApp(informedState('darwin', { phase: 'confirming', progress: ALL_DONE }));
    expect(screen.getByText('Updating FileVault unlock').closest('li')).toHaveTextContent('Skipped');
    expect(screen.getByText('Updating your login keychain')).toBeInTheDocument();
    expect(screen.queryByText('Nothing to update')).not.toBeInTheDocument();
  });

  it('the done screen says the keyring and disk password use the new password, never FileVault or Macs', async () => {
    await renderApp(
      informedState('linux', {
        phase: 'synced',
        lastResult: { changeId: CHANGE.id, outcome: 'synced', finishedAt: '2025-11-28T09:05:00.000Z', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault', 'report'], failedStep: null, errorCode: null },
      }),
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Your keyring and disk password are up to date' })).toBeInTheDocument();
    expect(screen.getByText('Everything on this computer now uses the password you set at Okta.')).toBeInTheDocument();
    expect(screen.getByText('Your login keyring (saved passwords, Wi-Fi keys) now opens with your new password.')).toBeInTheDocument();
    expect(screen.getByText('Your disk encryption password is now your new password too: type it when the computer starts.')).toBeInTheDocument();
    expect(screenText()).not.toMatch(/FileVault|Mac/);
  });

  it('the done screen says plainly when there was no keyring or encrypted disk to update', async () => {
    await renderApp(
      informedState('linux', {
        phase: 'synced',
        lastResult: { changeId: CHANGE.id, outcome: 'synced', finishedAt: '2025-11-28T09:05:00.000Z', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'report'], failedStep: null, errorCode: null },
      }),
    );
    expect(screen.getByText('There was no login keyring to update on this computer.')).toBeInTheDocument();
    expect(screen.getByText('Your disk has no encryption password of its own, so there was nothing to change at start-up.')).toBeInTheDocument();
    expect(screen.queryByText(/now opens with your new password/)).not.toBeInTheDocument();
    expect(screenText()).not.toMatch(/FileVault|Mac/);
  });

  it('goes from the informed screen through the live steps to the Linux done screen', async () => {
    const user = userEvent.setup();
    // The demo's sandbox agent: only the change's mode says these are Linux's keyring and disk.
    const sandbox = (overrides: StateFields = {}) => informedState('linux', { agent: { ...informedState().agent!, backend: 'sandbox' }, ...overrides });
    const { push, bridge } = await renderApp(sandbox());
    await openForm();
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(bridge.confirmChange).toHaveBeenCalledWith({ changeId: CHANGE.id, newPassword: NEW, previousPassword: PREVIOUS });
    push(sandbox({ phase: 'confirming', progress: ALL_DONE }));
    expect(screen.getByText('Updating your disk encryption password')).toBeInTheDocument();
    push(
      sandbox({
        phase: 'synced',
        lastResult: { changeId: CHANGE.id, outcome: 'synced', finishedAt: '2025-11-28T09:05:00.000Z', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'report'], failedStep: null, errorCode: null },
      }),
    );
    expect(shownPhase()).toBe('synced');
    expect(screen.getByText(/keyring .* now opens with your new password/)).toBeInTheDocument();
    // The next applied change shows the informed screen again, not a form left open.
    push(sandbox({ change: { ...APPLIED, id: 'chg-43' } }));
    expect(screen.getByRole('button', { name: OPEN })).toBeInTheDocument();
  });

  it("keeps the Mac words for the demo's practice Mac, whose platform the core takes from the agent on any host", async () => {
    const user = userEvent.setup();
    const demo = (overrides: StateFields) =>
      informedState('darwin', { phase: 'pending', change: CHANGE, agent: { ...informedState().agent!, platform: 'darwin', backend: 'sandbox' }, ...overrides });
    const { push } = await renderApp(demo({}));
    expect(screen.getByRole('heading', { level: 1, name: 'Finish your password change' })).toBeInTheDocument();
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    push(demo({ phase: 'confirming', progress: ALL_DONE }));
    expect(screen.getByText('Updating FileVault unlock')).toBeInTheDocument();
    push(demo({ phase: 'synced' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Your password is updated' })).toBeInTheDocument();
    expect(screen.queryByText(/keyring/)).not.toBeInTheDocument();
  });
});

describe('the Linux walkthrough in Help', () => {
  it('points to the optional keyring and disk password update, rather than saying the disk password stays', async () => {
    await renderApp(informedState());
    await userEvent.click(screen.getByRole('button', { name: 'Help' }));
    const linux = document.querySelector<HTMLElement>('[data-situation="linux"]')!;
    expect(linux).toHaveAttribute('open');
    const steps = within(linux).getAllByRole('listitem');
    expect(steps).toHaveLength(5);
    expect(steps[4]).toHaveTextContent(`To update them, select “${OPEN}” in pwsync`);
    expect(linux).not.toHaveTextContent("that one doesn't change");
  });
});
