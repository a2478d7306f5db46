/**
 * The tray, derived from state in one place (as Signal's tray service does): which
 * icon, what the tooltip says, and which menu items exist and are enabled. Pure, so
 * every state's tray is tested without Electron; the shell only renders the model.
 */
import type { AppState } from '../contract';
import type { Translate } from './i18n';

/** The five icons (assets/tray/): one per thing the person may need to know at a glance. */
export const TRAY_ICONS = ['in-sync', 'action-needed', 'syncing', 'attention', 'unreachable'] as const;
export type TrayIconName = (typeof TRAY_ICONS)[number];

export type TrayItemId = 'status' | 'confirm' | 'notificationsOff' | 'checkNow' | 'statusHelp' | 'openAtLogin' | 'simulate' | 'quit';

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'normal'; id: TrayItemId; label: string; enabled: boolean }
  | { type: 'checkbox'; id: TrayItemId; label: string; enabled: boolean; checked: boolean };

export interface TrayModel {
  icon: TrayIconName;
  tooltip: string;
  items: TrayMenuItem[];
}

export interface TrayViewOptions {
  t: Translate;
  openAtLogin: boolean;
  /** Demo mode offers to play the identity provider; disabled until the shell can. */
  simulateAvailable: boolean;
}

/**
 * The icon. A change the agent applied (informed) is news the person must read before
 * they next sign in; where no notification can tell them, the icon does.
 */
export function trayIcon(state: AppState): TrayIconName {
  switch (state.phase) {
    case 'informed':
      return state.notificationsBlocked ? 'action-needed' : 'in-sync';
    case 'idle':
    case 'synced':
      return 'in-sync';
    case 'pending':
      return 'action-needed';
    case 'connecting':
    case 'confirming':
      return 'syncing';
    case 'attention':
      return 'attention';
    case 'unreachable':
      return 'unreachable';
    default:
      // Every phase has its icon: a new one fails to compile here.
      return state satisfies never;
  }
}

export function statusLine(state: AppState, t: Translate): string {
  const status =
    state.phase === 'unreachable'
      ? t(`status.unreachable.${state.reason}`)
      : state.phase === 'confirming' && state.stalled
        ? t('status.confirmingStalled')
        : t(`status.${state.phase}`);
  return state.demo ? t('status.demo', { status }) : status;
}

export function trayView(state: AppState, options: TrayViewOptions): TrayModel {
  const { t } = options;
  const status = statusLine(state, t);
  // Offered while a change waits, and again after a refusal (wrong password, …) of that change.
  const canConfirm = state.phase === 'pending' || (state.phase === 'attention' && state.change?.mode === 'confirm');
  const items: TrayMenuItem[] = [{ type: 'normal', id: 'status', label: status, enabled: false }];
  if (canConfirm) items.push({ type: 'normal', id: 'confirm', label: t('menu.confirm'), enabled: true });
  // No notification will say that a change came: the menu says why, and where to allow them.
  if (state.notificationsBlocked) items.push({ type: 'normal', id: 'notificationsOff', label: t('menu.notificationsOff'), enabled: true });
  items.push(
    { type: 'separator' },
    { type: 'normal', id: 'checkNow', label: t('menu.checkNow'), enabled: state.phase !== 'confirming' },
    { type: 'normal', id: 'statusHelp', label: t('menu.statusHelp'), enabled: true },
  );
  if (state.demo) {
    items.push({ type: 'normal', id: 'simulate', label: t('menu.simulate'), enabled: options.simulateAvailable && state.phase !== 'confirming' });
  }
  items.push(
    { type: 'separator' },
    { type: 'checkbox', id: 'openAtLogin', label: t('menu.openAtLogin'), enabled: true, checked: options.openAtLogin },
    { type: 'normal', id: 'quit', label: t('menu.quit'), enabled: true },
  );
  // Windows cuts tooltips at 127 characters; the status line is always shorter.
  return { icon: trayIcon(state), tooltip: `pwsync: ${status}`, items };
}
