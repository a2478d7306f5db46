import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appState, CHANGE, directoryState, pendingState } from '../../test/app-states';
import { createFakeBridge } from '../../test/fake-bridge';
import { renderApp } from '../../test/render-app';

const DEACTIVATED = 'Your account at Okta is deactivated';
const SYNC_OFF = 'Password sync is turned off for this computer';

function fact(name: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-fact="${name}"]`);
}

async function openStatus() {
  await userEvent.click(screen.getByRole('button', { name: 'Status' }));
}

describe('what the directory says, on the idle screen', () => {
  it('a deactivated account: changes will not arrive here, and to contact IT support', async () => {
    await renderApp(directoryState({ account: 'deactivated' }));
    const notice = screen.getByRole('heading', { level: 2, name: DEACTIVATED }).closest('[data-notice]')!;
    expect(notice).toHaveTextContent("Password changes won't arrive on this computer. Contact your IT support.");
    expect(screen.queryByRole('heading', { name: SYNC_OFF })).not.toBeInTheDocument();
    // The screen's own title takes focus, so the notice is read after it; and it no longer
    // claims "in sync", which could be untrue while changes cannot arrive.
    expect(screen.getByRole('heading', { level: 1, name: "Password changes can't arrive here" })).toHaveFocus();
    expect(screen.queryByText(/in sync|nothing to do/i)).not.toBeInTheDocument();
  });

  it('sync turned off: changes made at the provider will not reach it, keep the current password, ask if unexpected', async () => {
    await renderApp(directoryState({ syncEnabled: false }));
    const notice = screen.getByRole('heading', { level: 2, name: SYNC_OFF }).closest('[data-notice]')!;
    expect(notice).toHaveTextContent('An administrator turned it off, so changes you make at Okta won\'t reach this computer.');
    expect(notice).toHaveTextContent('Keep using your current password here.');
    expect(notice).toHaveTextContent("If you didn't expect this, contact your IT support.");
    expect(screen.queryByRole('heading', { name: DEACTIVATED })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: "Password changes can't arrive here" })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Your password is in sync' })).not.toBeInTheDocument();
  });

  it('both, when both are so', async () => {
    await renderApp(directoryState({ account: 'deactivated', syncEnabled: false }));
    expect(screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent)).toEqual([`! ${DEACTIVATED}`, `! ${SYNC_OFF}`]);
  });

  it('nothing when all is well, or when no directory is configured', async () => {
    const { push } = await renderApp(appState());
    expect(document.querySelector('[data-notice]')).toBeNull();
    push(directoryState({ state: 'none', account: 'deactivated', syncEnabled: false }));
    expect(screen.getByRole('heading', { level: 1, name: 'Your password is in sync' })).toBeInTheDocument();
    expect(document.querySelector('[data-notice]')).toBeNull();
  });

  it('appears as soon as a pushed state says so, and goes when it no longer does', async () => {
    const { push } = await renderApp(appState());
    push(directoryState({ account: 'deactivated' }));
    expect(screen.getByRole('heading', { name: DEACTIVATED })).toBeInTheDocument();
    push(appState());
    expect(screen.queryByRole('heading', { name: DEACTIVATED })).not.toBeInTheDocument();
  });
});

describe('what the directory says, in the status view', () => {
  it('in plain words: connected, the account active, sync on; no notice', async () => {
    await renderApp(appState());
    await openStatus();
    expect(screen.getByText('Updates from Okta')).toBeInTheDocument();
    expect(fact('directory')).toHaveTextContent(/^Connected$/);
    expect(fact('account')).toHaveTextContent(/^Active$/);
    expect(fact('sync')).toHaveTextContent(/^On$/);
    expect(document.querySelector('[data-notice]')).toBeNull();
  });

  it('a deactivated account, with its notice', async () => {
    await renderApp(directoryState({ account: 'deactivated' }));
    await openStatus();
    expect(fact('account')).toHaveTextContent(/^Deactivated$/);
    expect(screen.getByRole('heading', { level: 2, name: DEACTIVATED })).toBeInTheDocument();
  });

  it('sync turned off, with its notice', async () => {
    await renderApp(directoryState({ syncEnabled: false }));
    await openStatus();
    expect(fact('sync')).toHaveTextContent(/^Turned off by an administrator$/);
    expect(screen.getByRole('heading', { level: 2, name: SYNC_OFF })).toBeInTheDocument();
  });

  it('offline: not reachable now, and changes arrive at the next check-in, calmly', async () => {
    await renderApp(directoryState({ state: 'offline', account: 'unknown' }));
    await openStatus();
    expect(fact('directory')).toHaveTextContent(/^Can't be reached right now/);
    expect(fact('directory')).toHaveTextContent("pwsync can't get updates from Okta right now. That's fine: a password change will arrive the next time pwsync checks in.");
    expect(fact('account')).toHaveTextContent(/^Not known yet$/);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('no directory configured: says so once, and nothing about an account or sync', async () => {
    await renderApp(directoryState({ state: 'none', account: 'unknown' }));
    await openStatus();
    expect(fact('directory')).toHaveTextContent(/^Not set up on this computer$/);
    expect(fact('account')).toBeNull();
    expect(fact('sync')).toBeNull();
  });

  it('without the agent, the directory it last saw is not shown as current', async () => {
    await renderApp(directoryState({ account: 'deactivated' }, { phase: 'unreachable', reason: 'notRunning', agent: null }));
    await openStatus();
    expect(fact('directory')).toBeNull();
    expect(document.querySelector('[data-notice]')).toBeNull();
  });
});

function bannerStatus(): HTMLElement {
  return within(screen.getByRole('region', { name: 'Demo mode' })).getByRole('status');
}

describe('the demo banner', () => {
  const demo = appState({ demo: true, simulationAvailable: true });
  const SIMULATE = 'Simulate a password change at Okta';

  it('simulates a change at the provider, says it was sent, and the change arrives through the state', async () => {
    const { bridge, push } = await renderApp(demo);
    const banner = screen.getByRole('region', { name: 'Demo mode' });
    await userEvent.click(within(banner).getByRole('button', { name: SIMULATE }));
    expect(bridge.simulateChange).toHaveBeenCalledTimes(1);
    expect(within(banner).getByRole('status')).toHaveTextContent('Sent. The change will show here in a moment.');
    push(pendingState({ demo: true, simulationAvailable: true }));
    expect(document.querySelector('[data-phase]')).toHaveAttribute('data-phase', 'pending');
    expect(screen.getByLabelText('New password')).toBeInTheDocument();
    // It has shown: "will show here in a moment" is no longer true.
    expect(within(banner).getByRole('status')).toHaveTextContent('');
  });

  it('"Sent" goes once the change it sent arrives, also when that one replaces a change that waited', async () => {
    const waiting = pendingState({ demo: true, simulationAvailable: true });
    const { push } = await renderApp(waiting);
    await userEvent.click(screen.getByRole('button', { name: SIMULATE }));
    expect(bannerStatus()).toHaveTextContent('Sent.');
    push(waiting);
    expect(bannerStatus()).toHaveTextContent('Sent.');
    push(pendingState({ demo: true, simulationAvailable: true, change: { ...CHANGE, id: 'chg-43' }, replaced: CHANGE.id }));
    expect(bannerStatus()).toHaveTextContent('');
  });

  it('says so when the change could not be sent, whether refused or failed', async () => {
    const bridge = createFakeBridge(demo);
    bridge.simulateChange.mockResolvedValueOnce({ ok: false }).mockRejectedValueOnce(new Error('unreachable'));
    await renderApp(demo, bridge);
    const button = screen.getByRole('button', { name: SIMULATE });
    await userEvent.click(button);
    expect(bannerStatus()).toHaveTextContent("The change couldn't be sent. Try again in a moment.");
    await userEvent.click(button);
    expect(bridge.simulateChange).toHaveBeenCalledTimes(2);
    expect(bannerStatus()).toHaveTextContent("The change couldn't be sent.");
  });

  it('sends one change at a time', async () => {
    const bridge = createFakeBridge(demo);
    let answer: (value: { ok: boolean }) => void = () => undefined;
    bridge.simulateChange.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    await renderApp(demo, bridge);
    const button = screen.getByRole('button', { name: SIMULATE });
    await userEvent.click(button);
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(bannerStatus()).toHaveTextContent('Sending the change…');
    await userEvent.click(button);
    expect(bridge.simulateChange).toHaveBeenCalledTimes(1);
    await act(async () => answer({ ok: true }));
    expect(button).not.toHaveAttribute('aria-disabled', 'true');
  });

  it('has no button when simulation is not available, or outside demo mode', async () => {
    const { push } = await renderApp(appState({ demo: true }));
    expect(screen.getByRole('region', { name: 'Demo mode' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: SIMULATE })).not.toBeInTheDocument();
    push(appState({ demo: false, simulationAvailable: true }));
    expect(screen.queryByRole('region', { name: 'Demo mode' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: SIMULATE })).not.toBeInTheDocument();
  });
});
