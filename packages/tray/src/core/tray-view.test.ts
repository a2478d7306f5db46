import { describe, expect, it } from 'vitest';
import type { AppState } from '../contract';
import { createTranslator } from './i18n';
import { appState, pending } from '../../test/core/states';
import { type TrayMenuItem, trayView } from './tray-view';

const t = createTranslator('en');
const view = (state: AppState, options: Partial<{ openAtLogin: boolean; simulateAvailable: boolean }> = {}) =>
  trayView(state, { t, openAtLogin: false, simulateAvailable: false, ...options });

/** What a person sees in the menu: labels, with (off) for disabled and [x]/[ ] for checkboxes. */
function menuText(items: TrayMenuItem[]): string[] {
  return items.map((item) => {
    if (item.type === 'separator') return '---';
    const box = item.type === 'checkbox' ? (item.checked ? '[x] ' : '[ ] ') : '';
    return `${box}${item.label}${item.enabled ? '' : ' (off)'}`;
  });
}

describe('the tray in each state', () => {
  it('in sync: the plain icon, the status, no confirm item', () => {
    const model = view(appState({ phase: 'idle' }));
    expect(model.icon).toBe('in-sync');
    expect(model.tooltip).toBe('pwsync: Your password is in sync');
    expect(menuText(model.items)).toEqual([
      'Your password is in sync (off)',
      '---',
      'Check for changes now',
      'Sync status and help…',
      '---',
      '[ ] Open at login',
      'Quit',
    ]);
  });

  it('action needed: the badged icon and "Confirm password change…" right under the status', () => {
    const model = view(pending(), { openAtLogin: true });
    expect(model.icon).toBe('action-needed');
    expect(model.tooltip).toBe('pwsync: Action needed: confirm your new password');
    expect(menuText(model.items)).toEqual([
      'Action needed: confirm your new password (off)',
      'Confirm password change…',
      '---',
      'Check for changes now',
      'Sync status and help…',
      '---',
      '[x] Open at login',
      'Quit',
    ]);
  });

  it('syncing: the syncing icon, and no second check while the agent works', () => {
    const model = view(pending('chg_1', { phase: 'confirming' }));
    expect(model.icon).toBe('syncing');
    expect(model.tooltip).toBe('pwsync: Updating your password…');
    expect(menuText(model.items)).toContain('Check for changes now (off)');
    expect(menuText(model.items)).not.toContain('Confirm password change…');
  });

  it('needs attention: the attention icon, and the change can be confirmed again', () => {
    const model = view(pending('chg_1', { phase: 'attention', problem: { code: 'previousPasswordWrong', attemptsLeft: 2 } }));
    expect(model.icon).toBe('attention');
    expect(model.tooltip).toBe('pwsync: Your password change needs attention');
    expect(menuText(model.items)).toContain('Confirm password change…');
  });

  it('locked out is also needs attention', () => {
    expect(view(appState({ phase: 'attention', problem: { code: 'lockedOut', retryAfterSeconds: 60 } })).icon).toBe('attention');
  });

  it.each([
    ['notRunning', "pwsync: The pwsync agent isn't running"],
    ['untrusted', "pwsync: pwsync couldn't verify the agent"],
    ['versionMismatch', "pwsync: The agent and app versions don't match"],
    ['handshakeFailed', "pwsync: pwsync couldn't connect to the agent"],
  ] as const)('agent unreachable (%s): the unreachable icon and why', (reason, tooltip) => {
    const model = view(appState({ phase: 'unreachable', reason }));
    expect(model.icon).toBe('unreachable');
    expect(model.tooltip).toBe(tooltip);
  });

  it('after a sync, and on Windows/Linux after the agent applied it: in sync', () => {
    expect(view(appState({ phase: 'synced' })).icon).toBe('in-sync');
    const informed = view(appState({ phase: 'informed', platform: 'linux', change: { id: 'chg_2', createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode: 'applied' } }));
    expect(informed.icon).toBe('in-sync');
    expect(menuText(informed.items)).not.toContain('Confirm password change…');
  });

  it('in demo mode: says so, and offers to simulate a change, disabled until it can', () => {
    const off = view(appState({ demo: true }));
    expect(off.tooltip).toBe('pwsync: Your password is in sync (demo)');
    expect(menuText(off.items)).toContain('Simulate a password change at the identity provider (off)');
    const on = view(appState({ demo: true }), { simulateAvailable: true });
    expect(menuText(on.items)).toContain('Simulate a password change at the identity provider');
    expect(menuText(view(appState()).items).join()).not.toContain('Simulate');
  });

  it('where the system shows no notifications: the icon and the menu alone say a change waits, and the menu says why', () => {
    const applied = { id: 'chg_2', createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode: 'applied' } as const;
    const waiting = [
      pending('chg_1', { notificationsBlocked: true }),
      pending('chg_1', { phase: 'attention', problem: { code: 'previousPasswordWrong', attemptsLeft: 2 }, notificationsBlocked: true }),
      appState({ phase: 'informed', platform: 'linux', change: applied, notificationsBlocked: true }),
    ];
    for (const state of waiting) {
      const model = view(state);
      expect(model.icon, state.phase).not.toBe('in-sync');
      expect(model.items[0], state.phase).toMatchObject({ id: 'status' });
      expect(menuText(model.items), state.phase).toContain('Notifications are off: how to allow them…');
    }
    expect(menuText(view(pending('chg_1', { notificationsBlocked: true })).items).slice(0, 3)).toEqual([
      'Action needed: confirm your new password (off)',
      'Confirm password change…',
      'Notifications are off: how to allow them…',
    ]);
    // Told by a notification, the Linux change is news read once: the icon rests.
    expect(view(appState({ phase: 'informed', platform: 'linux', change: applied })).icon).toBe('in-sync');
    expect(menuText(view(pending()).items).join()).not.toContain('Notifications are off');
  });

  it('a sync the agent has said nothing about for a while: taking longer than usual', () => {
    const model = view(pending('chg_1', { phase: 'confirming', stalled: true }));
    expect(model.icon).toBe('syncing');
    expect(model.tooltip).toBe('pwsync: Updating your password: taking longer than usual');
  });

  it('speaks the person’s language', () => {
    const model = trayView(pending(), { t: createTranslator('de'), openAtLogin: false, simulateAvailable: false });
    expect(menuText(model.items)).toContain('Passwortänderung bestätigen …');
    expect(model.items.at(-1)).toMatchObject({ id: 'quit', label: 'Beenden' });
  });

  it('keeps the tooltip within Windows’ 127 characters in every language', () => {
    for (const language of ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'zh-CN', 'nl']) {
      const translate = createTranslator(language);
      for (const state of [pending(), appState({ phase: 'unreachable', reason: 'versionMismatch', demo: true }), appState({ phase: 'attention', demo: true })]) {
        expect(trayView(state, { t: translate, openAtLogin: false, simulateAvailable: false }).tooltip.length).toBeLessThanOrEqual(127);
      }
    }
  });
});
