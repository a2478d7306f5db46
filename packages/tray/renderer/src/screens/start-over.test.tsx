import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appState, CHANGE, pendingState, POLICY, SYNCED } from '../../test/app-states';
import type { SyncStep } from '../app-types';
import { renderApp } from '../../test/render-app';
import { resetStore, useAppStore } from '../store/app-store';

const NEW = 'N3w-Okta-pass!';
const FORGOT = "I don't remember my previous password";
const AGENT = appState().agent!;

function allowed(newKeychainOffered = true, newKeychainAllowed = true) {
  return pendingState({ policy: { ...POLICY, newKeychainOffered }, agent: { ...AGENT, newKeychainAllowed } });
}

async function toExplanation() {
  const user = userEvent.setup();
  const rendered = await renderApp(allowed());
  await user.type(screen.getByLabelText('New password'), `${NEW}{Enter}`);
  await user.click(screen.getByRole('button', { name: FORGOT }));
  return { user, ...rendered };
}

describe('the forgotten previous password', () => {
  it.each([
    ['the policy does not offer it', allowed(false, true)],
    ['the agent does not allow it', allowed(true, false)],
  ])('is not offered when %s', async (_, state) => {
    const user = userEvent.setup();
    await renderApp(state);
    await user.type(screen.getByLabelText('New password'), `${NEW}{Enter}`);
    expect(screen.getByLabelText('Previous password')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: FORGOT })).not.toBeInTheDocument();
  });

  it('explains, before anything happens, the new keychain, the lost saved passwords and the kept file', async () => {
    const { bridge } = await toExplanation();
    expect(screen.getByRole('heading', { level: 1, name: 'Start over without your previous password' })).toHaveFocus();
    expect(screen.getByText(/A new, empty login keychain will be created/)).toBeInTheDocument();
    expect(screen.getByText(/Passwords saved in your old keychain .* won't be available/)).toBeInTheDocument();
    expect(screen.getByText(/old keychain file is kept on this Mac/)).toBeInTheDocument();
    expect(screen.getByText(/Nothing has changed yet/)).toBeInTheDocument();
    expect(bridge.startOver).not.toHaveBeenCalled();
    expect(bridge.confirmChange).not.toHaveBeenCalled();
  });

  it('needs "I understand" ticked: without it, says so and stays', async () => {
    const { user } = await toExplanation();
    const goOn = screen.getByRole('button', { name: 'Continue' });
    expect(goOn).toHaveAttribute('aria-disabled', 'true');
    await user.click(goOn);
    expect(screen.getByRole('alert')).toHaveTextContent('Tick the box to confirm you understand, or go back.');
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
  });

  it('Go back returns to the confirm form with nothing sent', async () => {
    const { user, bridge } = await toExplanation();
    await user.click(screen.getByRole('button', { name: 'Go back' }));
    expect(screen.getByText('Step 1 of 2')).toBeInTheDocument();
    expect(bridge.startOver).not.toHaveBeenCalled();
  });

  it('then asks for the new password only, and sends it in one startOver call, acknowledged', async () => {
    const { user, bridge } = await toExplanation();
    await user.click(screen.getByLabelText(/I understand that my saved passwords/));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const field = screen.getByLabelText('New password');
    expect(field).toHaveFocus();
    expect(field).toHaveValue('');
    expect(screen.queryByLabelText('Previous password')).not.toBeInTheDocument();
    await user.type(field, NEW);
    await user.click(screen.getByRole('button', { name: 'Create new keychain and update password' }));
    expect(bridge.startOver).toHaveBeenCalledWith({ changeId: CHANGE.id, newPassword: NEW, acknowledged: true });
    expect(JSON.stringify(useAppStore.getState())).not.toContain(NEW);
    expect(document.body.innerHTML).not.toContain(NEW);
  });

  it('says what really happens to the account: it moves only where FileVault keeps working, else pwsync stops and IT support resets it first', async () => {
    await toExplanation();
    expect(screen.queryByText(/Your account password and FileVault will change/)).toBeNull();
    expect(screen.getByText(/If IT support has already reset your password to the new one, or FileVault doesn't use your account/)).toBeInTheDocument();
    expect(screen.getByText(/pwsync can't move your account without your previous password: it stops before anything changes/)).toBeInTheDocument();
    expect(screen.queryByText(/can still move this Mac to your new password/)).toBeNull();
  });

  it('the done screen, as the app says a start-over went: the new keychain, the old one kept, log out once, and never "FileVault may ask for your previous password"', async () => {
    const { user, push } = await toExplanation();
    await user.click(screen.getByLabelText(/I understand/));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(screen.getByLabelText('New password'), `${NEW}{Enter}`);
    const result = { ...SYNCED, completedSteps: ['verifyNew', 'account', 'keychain', 'fileVault', 'report'] as SyncStep[] };
    push(appState({ phase: 'synced', result, startedOver: true }));
    expect(screen.getByText('A new login keychain was created. Your old one is kept on this Mac for IT support.')).toBeInTheDocument();
    expect(screen.getByText('Log out and back in once (or restart), so your apps start using the new keychain.')).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/FileVault may still ask for your previous password/);
    // A window opened afresh (reloaded, or made again after it was closed) says the same: the app's state holds it.
    resetStore();
    cleanup();
    await renderApp(appState({ phase: 'synced', result, startedOver: true }));
    expect(screen.getByText('A new login keychain was created. Your old one is kept on this Mac for IT support.')).toBeInTheDocument();
  });

  it('after a wrong new password, "Try again" comes back to the start-over form, not to step 1 of the usual flow', async () => {
    const { user, bridge, push } = await toExplanation();
    bridge.startOver.mockResolvedValue({ ok: false, problem: { code: 'newPasswordMismatch', attemptsLeft: 4 } });
    await user.click(screen.getByLabelText(/I understand/));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(screen.getByLabelText('New password'), `${NEW}{Enter}`);
    await user.click(await screen.findByRole('button', { name: 'Try again' }));
    push(allowed());
    expect(screen.getByRole('heading', { level: 1, name: 'Start over with a new keychain' })).toBeInTheDocument();
    expect(screen.getByLabelText('New password')).toHaveValue('');
  });

  it('Escape and Go back on the start-over form lead back to the explanation, still ticked; the password is cleared', async () => {
    const { user, bridge } = await toExplanation();
    await user.click(screen.getByLabelText(/I understand/));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(screen.getByLabelText('New password'), NEW);
    await user.keyboard('{Escape}');
    expect(screen.getByRole('heading', { level: 1, name: 'Start over without your previous password' })).toBeInTheDocument();
    expect(screen.getByLabelText(/I understand/)).toBeChecked();
    expect(bridge.closeWindow).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByLabelText('New password')).toHaveValue('');
    await user.click(screen.getByRole('button', { name: 'Go back' }));
    expect(screen.getByLabelText(/I understand/)).toBeChecked();
  });

  it('an empty new password is explained and nothing is sent', async () => {
    const { user, bridge } = await toExplanation();
    await user.click(screen.getByLabelText(/I understand/));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.keyboard('{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Type your new password to continue.');
    expect(bridge.startOver).not.toHaveBeenCalled();
  });
});
