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

  it('Escape forgets both passwords, starts over and closes the window, once', async () => {
    const user = userEvent.setup();
    const { bridge } = await renderApp(pendingState());
    await user.type(field('New password'), `${NEW}{Enter}`);
    await user.type(field('Previous password'), PREVIOUS);
    await user.keyboard('{Escape}');
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(field('New password')).toHaveFocus();
    expect(field('New password')).toHaveValue('');
    expect(bridge.closeWindow).toHaveBeenCalledTimes(1);
    await user.type(field('New password'), NEW);
    await user.keyboard('{Escape}');
    expect(field('New password')).toHaveValue('');
    expect(bridge.closeWindow).toHaveBeenCalledTimes(2);
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
