import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appState, CHANGE, pendingState, POLICY } from '../../test/app-states';
import { renderApp } from '../../test/render-app';
import { useAppStore } from '../store/app-store';

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

  it('the done screen says a new keychain was made and the old one kept', async () => {
    const { user, push } = await toExplanation();
    await user.click(screen.getByLabelText(/I understand/));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(screen.getByLabelText('New password'), `${NEW}{Enter}`);
    push(appState({ phase: 'synced' }));
    expect(screen.getByText('A new login keychain was created. Your old one is kept on this Mac for IT support.')).toBeInTheDocument();
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
