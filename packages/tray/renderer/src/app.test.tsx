import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SyncStep } from './app-types';
import { appState, CHANGE, pendingState, SYNCED } from '../test/app-states';
import { createFakeBridge } from '../test/fake-bridge';
import { renderApp } from '../test/render-app';

function shownPhase(): string | null {
  return document.querySelector('[data-phase]')?.getAttribute('data-phase') ?? null;
}

describe('the window', () => {
  it('says it is connecting until the first state arrives', async () => {
    const bridge = createFakeBridge(appState());
    bridge.getState.mockReturnValue(new Promise(() => undefined));
    await renderApp(appState(), bridge);
    expect(screen.getByRole('heading', { level: 1, name: 'Connecting to the pwsync agent…' })).toBeInTheDocument();
    expect(shownPhase()).toBe('connecting');
  });

  it('shows the app name, and who and which agent in the footer', async () => {
    await renderApp(appState());
    expect(screen.getByRole('banner')).toHaveTextContent('pwsync');
    expect(screen.getByRole('contentinfo')).toHaveTextContent('Signed in as alex · Agent 1.4.0');
  });

  it('says when it runs in demo mode, and what that means', async () => {
    await renderApp(appState({ demo: true }));
    const note = screen.getByRole('note');
    expect(note).toHaveTextContent('Demo mode');
    expect(note).toHaveTextContent('Changes here affect only a practice account, not this computer.');
  });

  it('has no demo notice outside demo mode', async () => {
    await renderApp(appState());
    expect(screen.queryByRole('note')).not.toBeInTheDocument();
  });

  it('idle: in sync, when it last checked, and a way to check now', async () => {
    const { bridge } = await renderApp(appState());
    expect(shownPhase()).toBe('idle');
    expect(screen.getByRole('heading', { level: 1, name: 'Your password is in sync' })).toHaveFocus();
    expect(screen.getByText(/Last checked for changes: /)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Check for changes now' }));
    expect(bridge.checkIn).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('Checked. If there\'s a new password change, it will show here.')).toBeInTheDocument();
  });

  it('idle: says so when it has never checked, and when a check fails', async () => {
    const bridge = createFakeBridge(appState({ lastCheckIn: null }));
    bridge.checkIn.mockResolvedValue({ ok: false });
    await renderApp(appState({ lastCheckIn: null }), bridge);
    expect(screen.getByText("pwsync hasn't checked for changes yet.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Check for changes now' }));
    expect(await screen.findByText("pwsync couldn't check right now. It will try again by itself later.")).toBeInTheDocument();
  });

  it.each([
    ['notRunning', "The pwsync agent isn't running", 'Your password hasn\'t been changed.'],
    ['untrusted', "pwsync couldn't verify the agent", 'no password will be sent'],
    ['versionMismatch', "The agent and app versions don't match", 'different versions'],
    ['handshakeFailed', "pwsync couldn't connect to the agent", "didn't answer as expected"],
  ] as const)('unreachable (%s): what is wrong and what to do', async (reason, title, body) => {
    await renderApp(appState({ phase: 'unreachable', reason, agent: null }));
    expect(shownPhase()).toBe('unreachable');
    expect(screen.getByRole('heading', { level: 1, name: title })).toBeInTheDocument();
    expect(screen.getByText(new RegExp(body))).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'What to do' })).toBeInTheDocument();
    const steps = within(screen.getByRole('list')).getAllByRole('listitem');
    expect(steps[0]).toHaveTextContent('Restart the computer.');
    expect(steps[1]).toHaveTextContent('contact your IT support');
  });

  it('shows the unreachable screen when the page loses the app, and recovers with the next state', async () => {
    const { bridge, push } = await renderApp(appState());
    act(() => bridge.loseConnection());
    expect(shownPhase()).toBe('unreachable');
    expect(screen.getByRole('heading', { level: 1, name: 'pwsync lost its connection' })).toBeInTheDocument();
    push(appState());
    expect(shownPhase()).toBe('idle');
  });

  it('shows the unreachable screen when the first state cannot be fetched', async () => {
    const bridge = createFakeBridge(appState());
    bridge.getState.mockRejectedValue(new Error('unreachable'));
    await renderApp(appState(), bridge);
    expect(shownPhase()).toBe('unreachable');
  });

  it('confirming: the six steps with their state in words, in a polite live region', async () => {
    await renderApp(
      appState({
        phase: 'confirming',
        change: CHANGE,
        progress: [
          { step: 'verifyNew', state: 'done' },
          { step: 'verifyPrevious', state: 'done' },
          { step: 'account', state: 'running' },
          { step: 'fileVault', state: 'skipped' },
        ],
      }),
    );
    expect(shownPhase()).toBe('confirming');
    const list = screen.getByRole('list', { name: 'Progress' });
    expect(list.closest('[aria-live="polite"]')).not.toBeNull();
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringMatching(/Checking your new password.*Done/),
      expect.stringMatching(/Checking your previous password.*Done/),
      expect.stringMatching(/Updating your account password.*In progress/),
      expect.stringMatching(/Updating your login keychain.*Waiting/),
      expect.stringMatching(/Updating FileVault unlock.*Skipped/),
      expect.stringMatching(/Reporting back.*Waiting/),
    ]);
  });

  it('confirming, when the app says the agent has gone quiet: taking longer than usual, what to do, and the way to the diagnostics', async () => {
    const { push } = await renderApp(appState({ phase: 'confirming', progress: [{ step: 'verifyNew', state: 'running' }] }));
    expect(document.querySelector('[data-stalled]')).toBeNull();
    push(appState({ phase: 'confirming', progress: [{ step: 'verifyNew', state: 'running' }], stalled: true }));
    const note = document.querySelector('[data-stalled]')!;
    expect(note).toHaveTextContent('This is taking longer than usual');
    expect(note).toHaveTextContent('pwsync is still waiting for the agent, and the update may still finish.');
    expect(screen.getByRole('button', { name: 'Diagnostics for IT support' })).toBeInTheDocument();
  });

  it('confirming: a failed step says so in words, not colour alone', async () => {
    const { push } = await renderApp(appState({ phase: 'confirming', progress: [] }));
    push(appState({ phase: 'confirming', progress: [{ step: 'keychain', state: 'failed' }] }));
    const keychain = screen.getByText('Updating your login keychain').closest('li');
    expect(keychain).toHaveTextContent("Didn't work");
  });

  it('synced: the new password is in use, FileVault and the other Macs', async () => {
    await renderApp(appState({ phase: 'synced' }));
    expect(shownPhase()).toBe('synced');
    expect(screen.getByText('Your password on this Mac is now the one you set at Okta.')).toBeInTheDocument();
    expect(screen.getByText('The next time your Mac starts up, type your new password at the FileVault unlock screen.')).toBeInTheDocument();
    expect(screen.getByText('Each of your other Macs will ask you once too.')).toBeInTheDocument();
  });

  it('synced, where the agent skipped FileVault (an account FileVault never used): no word of which password FileVault wants', async () => {
    const result = { ...SYNCED, completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'report'] as SyncStep[] };
    await renderApp(appState({ phase: 'synced', result }));
    expect(screen.queryByText(/FileVault may still ask|type your new password at the FileVault/)).toBeNull();
    expect(screen.getByText("FileVault doesn't use this account's password, so there was nothing to change there.")).toBeInTheDocument();
  });

  it('synced: Done asks the app to close the window, which lets the result give way (the browser, which cannot hide, then shows the resting screen)', async () => {
    const { bridge, push } = await renderApp(appState({ phase: 'synced' }));
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(bridge.closeWindow).toHaveBeenCalledTimes(1);
    push(appState({ phase: 'idle' }));
    expect(screen.getByRole('button', { name: 'Check for changes now' })).toBeInTheDocument();
  });

  it('informed (Windows/Linux): what changed and what to type from now on', async () => {
    await renderApp(appState({ phase: 'informed', agent: null }));
    expect(shownPhase()).toBe('informed');
    expect(
      screen.getByText('Your password was updated by Okta. Use your new password from now on to sign in to this computer.'),
    ).toBeInTheDocument();
  });

  it('follows the phase as states are pushed', async () => {
    const { push } = await renderApp(appState());
    push(pendingState());
    expect(shownPhase()).toBe('pending');
    expect(screen.getByLabelText('New password')).toBeInTheDocument();
    push(appState({ phase: 'confirming' }));
    expect(shownPhase()).toBe('confirming');
    push(appState({ phase: 'synced' }));
    expect(shownPhase()).toBe('synced');
  });

  it('uses the provider name from the state', async () => {
    await renderApp(appState({ provider: 'Entra ID' }));
    expect(screen.getByText(/matches the one you use at Entra ID/)).toBeInTheDocument();
  });
});
