import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appState, attentionState, CHANGE, pendingState, POLICY } from '../../test/app-states';
import { createFakeBridge, DIAGNOSTICS } from '../../test/fake-bridge';
import { renderApp } from '../../test/render-app';

async function openView(name: 'Status' | 'Help') {
  await userEvent.click(screen.getByRole('button', { name }));
}

describe('the status view', () => {
  it('is reachable from every screen and says the agent, check-in, waiting change and last update', async () => {
    await renderApp(
      pendingState({
        lastResult: { changeId: 'chg-41', outcome: 'failed', finishedAt: '2025-11-27T10:00:00.000Z', completedSteps: ['account'], failedStep: 'keychain', errorCode: 7 },
      }),
    );
    await openView('Status');
    expect(screen.getByRole('heading', { level: 1, name: 'Status' })).toHaveFocus();
    expect(screen.getByText(/Connected \(version 1\.4\.0, for alex\)/)).toBeInTheDocument();
    expect(document.querySelector('[data-fact="pending"]')).toHaveTextContent(/^From Okta, /);
    expect(document.querySelector('[data-fact="lastResult"]')).toHaveTextContent(/Didn't finish, .* Stopped at: Updating your login keychain\./);
    await userEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByLabelText('New password')).toBeInTheDocument();
  });

  it('says when the agent is not connected, and why, with a symbol as well as words', async () => {
    await renderApp(appState({ phase: 'unreachable', reason: 'untrusted', agent: null, lastCheckIn: null }));
    await openView('Status');
    const agent = document.querySelector('[data-fact="agent"]')!;
    expect(agent).toHaveTextContent("✕ Not connected: pwsync couldn't verify the agent");
    expect(document.querySelector('[data-fact="lastCheckIn"]')).toHaveTextContent('Never');
    expect(document.querySelector('[data-fact="pending"]')).toHaveTextContent('None');
  });
});

describe('the status view, on tries and notifications', () => {
  it('says the tries left in the problem screen\'s words, a wait until when, and that the next wrong try waits again', async () => {
    const { push } = await renderApp(pendingState({ attempts: { left: 3, lockedUntil: null } }));
    await openView('Status');
    const fact = () => document.querySelector('[data-fact="attempts"]');
    expect(fact()).toHaveTextContent('You can try 3 more times.');
    const until = new Date(Date.now() + 120_000).toISOString();
    push(attentionState({ code: 'lockedOut', lockedUntil: until }, { attempts: { left: 0, lockedUntil: until } }));
    expect(fact()).toHaveTextContent(/^Too many tries: you can try again at /);
    // The agent says nothing when a wait runs out; the window knows the time.
    push(pendingState({ attempts: { left: 0, lockedUntil: new Date(Date.now() - 1000).toISOString() } }));
    expect(fact()).toHaveTextContent('None left: the next wrong try makes pwsync wait again');
  });

  it('names the person as the identity provider knows them, in Status and in the footer (in the demo, its person, not the account it runs as)', async () => {
    await renderApp(appState({ demo: true, directory: { state: 'online', account: 'active', syncEnabled: true, userName: 'alex@example.com' }, agent: { ...appState().agent!, user: 'root' } }));
    expect(screen.getByRole('contentinfo')).toHaveTextContent('alex@example.com at Okta · Agent 1.4.0');
    expect(screen.getByRole('contentinfo')).not.toHaveTextContent('root');
    await openView('Status');
    expect(document.querySelector('[data-fact="account"]')).toHaveTextContent('Active (alex@example.com)');
  });

  it.each([
    ['darwin', 'System Settings › Notifications › pwsync: turn on Allow notifications.'],
    ['win32', 'Settings › System › Notifications: turn on notifications for pwsync.'],
    ['linux', "Your desktop's notification settings: allow notifications for pwsync."],
  ] as const)('where notifications are not shown (%s): says so, and how to allow them, on the resting screen and in Status', async (platform, howTo) => {
    const { push } = await renderApp(appState({ platform, notificationsBlocked: true }));
    const note = document.querySelector('[data-notifications-blocked]')!;
    expect(note).toHaveTextContent("pwsync can't show notifications");
    expect(note).toHaveTextContent(howTo);
    await openView('Status');
    expect(document.querySelector('[data-fact="notifications"]')).toHaveTextContent(`Not shown on this computer${howTo}`);
    push(appState({ platform }));
    expect(document.querySelector('[data-fact="notifications"]')).toBeNull();
  });
});

describe('the support view', () => {
  it('has the seven walkthroughs as numbered steps, the one for this system open', async () => {
    await renderApp(appState({ platform: 'win32' }));
    await openView('Help');
    const titles = [...document.querySelectorAll('summary')].map((summary) => summary.textContent);
    expect(titles.slice(0, 7)).toEqual([
      'One Mac, connected to the internet (recommended)',
      'One Mac that was offline during the change',
      'Several Macs, all connected',
      'Several Macs, some of them offline',
      "A Mac, and you don't remember your previous password",
      'Windows',
      'Linux',
    ]);
    expect(document.querySelector('[data-situation="windows"]')).toHaveAttribute('open');
    expect(document.querySelector('[data-situation="oneMacOnline"]')).not.toHaveAttribute('open');
    const offline = document.querySelector<HTMLElement>('[data-situation="oneMacOffline"]')!;
    const steps = within(offline).getAllByRole('listitem', { hidden: true });
    expect(steps[0]).toHaveTextContent('At the FileVault unlock screen, type your previous password');
    expect(offline.querySelector('ol')).not.toBeNull();
    expect(document.querySelector('[data-situation="oneMacOnline"] li:nth-child(2)')).toHaveTextContent('Change your password at Okta.');
  });

  it('says the same as the done screen about FileVault at the next start-up, in walkthroughs 1 and 2', async () => {
    await renderApp(appState());
    await openView('Help');
    const fileVault = 'The next time your Mac starts up, type your new password at the FileVault unlock screen.';
    for (const situation of ['oneMacOnline', 'oneMacOffline']) {
      const last = [...document.querySelectorAll(`[data-situation="${situation}"] li`)].at(-1);
      expect(last).toHaveTextContent(`From now on, use your new password. ${fileVault}`);
    }
  });

  it('walks through a forgotten previous password: the start-over path where it is offered, else what is left to do', async () => {
    const offered = appState({ policy: { ...POLICY, newKeychainOffered: true }, agent: { ...appState().agent!, newKeychainAllowed: true } });
    const { push } = await renderApp(offered);
    await openView('Help');
    const forgot = () => [...document.querySelectorAll('[data-situation="forgotPrevious"] li')].map((li) => li.textContent);
    expect(forgot()).toContain("On the second step, select “I don't remember my previous password”.");
    expect(forgot()).toContain('Type your new password and select “Create new keychain and update password”.');
    expect(forgot().at(-1)).toBe('Log out and back in once (or restart), so your apps start using the new keychain.');
    push(appState());
    expect(forgot().join(' ')).not.toContain("I don't remember my previous password");
    expect(forgot().at(-1)).toBe('Contact your IT support. Without your previous password, only they can move this Mac to your new password.');
  });

  it('shows the support code and copies the diagnostics through the bridge', async () => {
    const { bridge } = await renderApp(appState());
    await openView('Help');
    expect(await screen.findByText(DIAGNOSTICS.supportCode)).toBeInTheDocument();
    expect(bridge.getDiagnostics).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(bridge.copyDiagnostics).toHaveBeenCalledTimes(1);
    expect(screen.getByText(/^Copied\./)).toBeInTheDocument();
  });

  it('says how to copy by hand when copying fails, and when diagnostics cannot be had', async () => {
    const bridge = createFakeBridge(appState());
    bridge.copyDiagnostics.mockResolvedValue({ ok: false });
    bridge.getDiagnostics.mockRejectedValue(new Error('internal'));
    await renderApp(appState(), bridge);
    await openView('Help');
    expect(await screen.findByText("The information couldn't be collected right now.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(screen.getByText(/select the text and copy it/)).toBeInTheDocument();
  });

  it('names the contact from policy and opens the support page through the bridge, with the address when it cannot', async () => {
    const bridge = createFakeBridge(appState());
    bridge.openSupport.mockResolvedValueOnce({ ok: true }).mockResolvedValueOnce({ ok: false });
    await renderApp(appState(), bridge);
    await openView('Help');
    expect(screen.getByText('IT Help Desk, extension 4357 (Example Corp)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Open the support page' }));
    expect(screen.getByText('The support page opened in your browser.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Open the support page' }));
    expect(screen.getByText(/Its address is https:\/\/support\.example\.com\/pwsync/)).toBeInTheDocument();
  });

  it('without a support address or contact: plain advice, no button', async () => {
    await renderApp(appState({ policy: { ...POLICY, supportUrl: null, supportContact: null } }));
    await openView('Help');
    expect(within(document.querySelector('.contact')!).getByText('Contact your IT support.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Open the support page' })).not.toBeInTheDocument();
  });

  it('lists policy fields that could not be used', async () => {
    await renderApp(appState({ policy: { ...POLICY, problems: [{ field: 'supportUrl', problem: 'invalid' }] } }));
    await openView('Help');
    expect(screen.getByText(/couldn't be used, so the defaults apply: supportUrl/)).toBeInTheDocument();
  });

  it('is reachable from an error screen too, and Back returns to it', async () => {
    await renderApp(attentionState({ code: 'internal' }));
    await openView('Help');
    expect(screen.getByRole('heading', { level: 1, name: 'Help' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Something went wrong');
  });
});

describe('closing and languages', () => {
  it('Escape and Done close the window through the bridge', async () => {
    const { bridge } = await renderApp(appState({ phase: 'synced' }));
    await userEvent.keyboard('{Escape}');
    expect(bridge.closeWindow).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(bridge.closeWindow).toHaveBeenCalledTimes(2);
  });

  it('follows the language the policy sets', async () => {
    const { push } = await renderApp(pendingState());
    await act(async () => push(pendingState({ policy: { ...POLICY, language: 'de' } })));
    expect(await screen.findByRole('heading', { level: 1, name: 'Passwortänderung abschließen' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('de');
  });

  it('names the support contact from policy in the footer', async () => {
    await renderApp(appState());
    expect(screen.getByRole('contentinfo')).toHaveTextContent('Need help? IT Help Desk, extension 4357');
  });

  it('a sync the agent says stopped part way: what was done, and to confirm again', async () => {
    await renderApp(
      pendingState({
        lastResult: { changeId: CHANGE.id, outcome: 'interrupted', finishedAt: '2025-11-28T09:01:00.000Z', completedSteps: ['account', 'keychain'], failedStep: null, errorCode: 7 },
      }),
    );
    const note = document.querySelector('[data-interrupted]')!;
    expect(note).toHaveTextContent('Your last update stopped part way');
    expect(note).toHaveTextContent('Already done: Updating your account password and Updating your login keychain.');
    expect(note).toHaveTextContent('Type both passwords again to finish.');
  });
});
