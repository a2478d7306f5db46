import { act, fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANGE, pendingState } from '../../test/app-states';
import { createFakeBridge } from '../../test/fake-bridge';
import { renderApp } from '../../test/render-app';
import { useAppStore } from '../store/app-store';

const NEW = 'N3w-Okta-pass!';
const PREVIOUS = 'old-Mac-pass#7';

function field(label: 'New password' | 'Previous password'): HTMLInputElement {
  return screen.getByLabelText(label);
}

/** Hides or shows the window as the browser does: focus leaves first, then visibility changes. */
async function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  await act(async () => {
    if (state === 'hidden' && document.activeElement instanceof HTMLElement) document.activeElement.blur();
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** A console argument as text, objects included, so a password inside one would show. */
function asText(value: unknown): string {
  if (value instanceof Error) return `${value.message}\n${value.stack ?? ''}`;
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

afterEach(() => {
  // Back to jsdom's own getter.
  Reflect.deleteProperty(document, 'visibilityState');
});

describe('the confirm flow', () => {
  it('asks for the new password first, with a hint naming the provider, focused', async () => {
    await renderApp(pendingState());
    expect(screen.getByRole('heading', { level: 1, name: 'Finish your password change' })).toBeInTheDocument();
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveFocus();
    expect(field('New password')).toHaveAttribute('type', 'password');
    expect(field('New password')).toHaveAccessibleDescription(/The password you just set at Okta\./);
    expect(screen.queryByLabelText('Previous password')).not.toBeInTheDocument();
    expect(document.querySelector('[data-step]')).toHaveAttribute('data-step', 'new');
  });

  it('Continue moves to the previous password; Back returns with the new password kept', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState());
    await user.type(field('New password'), NEW);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByText('Step 2 of 2')).toBeInTheDocument();
    expect(field('Previous password')).toHaveFocus();
    expect(field('Previous password')).toHaveAccessibleDescription(
      /The password you used to unlock this computer until now\./,
    );
    await user.type(field('Previous password'), PREVIOUS);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(field('New password')).toHaveFocus();
    expect(field('New password')).toHaveValue(NEW);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(field('Previous password')).toHaveValue('');
  });

  it('Enter submits each step and sends both passwords in one call', async () => {
    const user = userEvent.setup();
    const { bridge } = await renderApp(pendingState());
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(bridge.confirmChange).toHaveBeenCalledTimes(1);
    expect(bridge.confirmChange).toHaveBeenCalledWith({ changeId: CHANGE.id, newPassword: NEW, previousPassword: PREVIOUS });
  });

  it('the final button says what it does', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState());
    await user.type(field('New password'), `${NEW}{Enter}`);
    expect(screen.getByRole('button', { name: /^Update password/ })).toHaveAccessibleName('Update password on this Mac');
  });

  it('Escape on the second step is Back: the previous password goes, the new one the person just typed stays', async () => {
    const user = userEvent.setup();
    const { bridge } = await renderApp(pendingState());
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), PREVIOUS);
    await user.keyboard('{Escape}');
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveFocus();
    expect(field('New password')).toHaveValue(NEW);
    expect(bridge.closeWindow).not.toHaveBeenCalled();
    await user.keyboard('{Enter}');
    expect(field('Previous password')).toHaveValue('');
  });

  it('Escape on the first step forgets what was typed and closes the window, once', async () => {
    const user = userEvent.setup();
    const { bridge } = await renderApp(pendingState());
    await user.type(field('New password'), NEW);
    await user.keyboard('{Escape}');
    expect(field('New password')).toHaveValue('');
    expect(field('New password')).toHaveFocus();
    expect(bridge.closeWindow).toHaveBeenCalledTimes(1);
  });

  it('the "type your new password" error goes as soon as something is typed', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState());
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Type your new password to continue.');
    await user.type(field('New password'), 'N');
    expect(screen.queryByText('Type your new password to continue.')).toBeNull();
    expect(field('New password')).not.toBeInvalid();
    expect(field('New password')).toHaveFocus();
  });

  it('a newer change arriving mid-form is said at once; what was typed for the older one is cleared and never sent for the newer', async () => {
    const user = userEvent.setup();
    const { bridge, push } = await renderApp(pendingState());
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), PREVIOUS);
    const newer = { ...CHANGE, id: 'chg-43', createdAt: '2025-11-28T09:30:00.000Z' };
    push(pendingState({ change: newer, replaced: CHANGE.id }));
    expect(screen.getByRole('alert')).toHaveTextContent('A newer password change arrived');
    expect(screen.getByRole('alert')).toHaveTextContent('You changed your password at Okta again, so type your newest password. Anything you typed for the earlier change was cleared.');
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveValue('');
    expect(field('New password')).toHaveFocus();
    // Enter on the emptied field sends nothing: it asks for the newest password.
    await user.keyboard('{Enter}');
    expect(screen.getByText('Type your new password to continue.')).toBeInTheDocument();
    await user.type(field('New password'), `newest-pass{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(bridge.confirmChange.mock.calls).toEqual([[{ changeId: 'chg-43', newPassword: 'newest-pass', previousPassword: PREVIOUS }]]);
  });

  it('an answer for a change that a newer one has replaced gives way to the newer change', async () => {
    const user = userEvent.setup();
    const bridge = createFakeBridge(pendingState());
    bridge.confirmChange.mockResolvedValue({ ok: false, problem: { code: 'changeNotFound' } });
    const { push } = await renderApp(pendingState(), bridge);
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(await screen.findByRole('heading', { level: 1, name: /A newer password change replaced this one/ })).toBeInTheDocument();
    push(pendingState({ change: { ...CHANGE, id: 'chg-43' }, replaced: CHANGE.id }));
    expect(field('New password')).toHaveValue('');
    expect(screen.getByText('A newer password change arrived')).toBeInTheDocument();
  });

  it('warns before the try that would make pwsync wait, and not before others', async () => {
    const { push } = await renderApp(pendingState({ attempts: { left: 3, lockedUntil: null } }));
    expect(document.querySelector('[data-attempts-warning]')).toBeNull();
    for (const left of [1, 0]) {
      push(pendingState({ attempts: { left, lockedUntil: null } }));
      expect(screen.getByText('Careful: if this try is wrong, pwsync makes you wait before you can try again.')).toBeInTheDocument();
    }
  });

  it('on Linux, where the agent could not apply the change itself, speaks of this computer, its keyring and disk', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState({ platform: 'linux', agent: { version: '1.4.0', platform: 'linux', backend: 'linux', user: 'alex', newKeychainAllowed: false } }));
    expect(screen.getByText('You changed your password at Okta. Confirm it here so this computer uses it too.')).toBeInTheDocument();
    await user.type(field('New password'), `${NEW}{Enter}`);
    expect(screen.getByText(/login keyring and, if your disk is encrypted/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Update password on this computer' })).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/Mac|FileVault/);
  });

  it('an empty field is explained and nothing is sent', async () => {
    const user = userEvent.setup();
    const { bridge } = await renderApp(pendingState());
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Type your new password to continue.');
    expect(field('New password')).toBeInvalid();
    expect(field('New password')).toHaveFocus();
    expect(field('New password')).toHaveAccessibleDescription(/Type your new password to continue\./);
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.click(screen.getByRole('button', { name: /^Update password/ }));
    expect(screen.getByRole('alert')).toHaveTextContent('Type your previous password to continue.');
    expect(bridge.confirmChange).not.toHaveBeenCalled();
  });

  it('Show password reveals the typed text and Hide password masks it again', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState());
    const toggle = screen.getByRole('button', { name: 'Show password' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.click(toggle);
    expect(field('New password')).toHaveAttribute('type', 'text');
    expect(screen.getByRole('button', { name: 'Hide password' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(screen.getByRole('button', { name: 'Hide password' }));
    expect(field('New password')).toHaveAttribute('type', 'password');
  });

  it('warns when Caps Lock is on', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState());
    await user.type(field('New password'), 'a');
    expect(screen.queryByText('Caps Lock is on.')).not.toBeInTheDocument();
    await user.keyboard('{CapsLock}A');
    expect(screen.getByText('Caps Lock is on.')).toBeInTheDocument();
    expect(field('New password')).toHaveAccessibleDescription(/Caps Lock is on\./);
    await user.keyboard('{CapsLock}a');
    expect(screen.queryByText('Caps Lock is on.')).not.toBeInTheDocument();
  });

  it('clears both fields after a successful submit', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState());
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    // The push to "confirming" has not come yet: the form is still there, empty.
    expect(field('Previous password')).toHaveValue('');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(field('New password')).toHaveValue('');
  });

  it('clears both fields after a failed submit, and shows the problem without waiting for the push', async () => {
    const user = userEvent.setup();
    const bridge = createFakeBridge(pendingState());
    bridge.confirmChange.mockResolvedValue({ ok: false, problem: { code: 'previousPasswordWrong', attemptsLeft: 2 } });
    await renderApp(pendingState(), bridge);
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(await screen.findByRole('alert')).toHaveTextContent("That previous password didn't work");
    expect(screen.getByRole('alert')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(bridge.dismissProblem).toHaveBeenCalledTimes(1);
    expect(field('New password')).toHaveValue('');
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
  });

  it('when the call itself fails, it claims neither success nor failure and asks what happened', async () => {
    const user = userEvent.setup();
    const bridge = createFakeBridge(pendingState());
    bridge.confirmChange.mockRejectedValue(new Error('unreachable'));
    const { push } = await renderApp(pendingState(), bridge);
    bridge.getState.mockClear();
    bridge.getState.mockReturnValue(new Promise(() => undefined));
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), `${PREVIOUS}{Enter}`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Checking what happened' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    expect(bridge.getState).toHaveBeenCalledTimes(1);
    push(pendingState({ phase: 'synced' }));
    expect(document.querySelector('[data-phase]')).toHaveAttribute('data-phase', 'synced');
  });

  it('clears both fields and starts over when the window hides', async () => {
    const user = userEvent.setup();
    await renderApp(pendingState());
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), PREVIOUS);
    await setVisibility('hidden');
    await setVisibility('visible');
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveValue('');
    await user.type(field('New password'), 'x{Enter}');
    expect(field('Previous password')).toHaveValue('');
  });

  it('hides a shown password again after the window hides', async () => {
    await renderApp(pendingState());
    // fireEvent, not userEvent: user-event's focus bookkeeping on the clicked toggle fires
    // events outside act() when the form remounts, and React warns (a jsdom harness artefact).
    fireEvent.click(screen.getByRole('button', { name: 'Show password' }));
    expect(field('New password')).toHaveAttribute('type', 'text');
    expect(field('New password')).toHaveAttribute('type', 'text');
    await setVisibility('hidden');
    expect(field('New password')).toHaveAttribute('type', 'password');
    await setVisibility('visible');
  });

  it('keeps both passwords out of the store, the page markup and the console', async () => {
    const user = userEvent.setup();
    const logged: unknown[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(...args));
    }
    const bridge = createFakeBridge(pendingState());
    bridge.confirmChange.mockResolvedValue({ ok: false, problem: { code: 'newPasswordMismatch', attemptsLeft: 1 } });
    await renderApp(pendingState(), bridge);

    await user.type(field('New password'), NEW);
    expect(document.body.innerHTML).not.toContain(NEW);
    await user.keyboard('{Enter}');
    await user.type(field('Previous password'), PREVIOUS);
    expect(document.body.innerHTML).not.toContain(PREVIOUS);
    expect(JSON.stringify(useAppStore.getState())).not.toContain(PREVIOUS);
    await user.keyboard('{Enter}');
    await screen.findByRole('alert');

    const seen = [JSON.stringify(useAppStore.getState()), document.body.innerHTML, logged.map(asText).join('\n')];
    for (const text of seen) {
      expect(text).not.toContain(NEW);
      expect(text).not.toContain(PREVIOUS);
    }
    expect(bridge.confirmChange).toHaveBeenCalledWith({ changeId: CHANGE.id, newPassword: NEW, previousPassword: PREVIOUS });
  });
});
