/**
 * When the tray app speaks up: a notification when a change arrives, reminders at
 * the policy's interval until it is confirmed, the outcome of a sync, and (Windows,
 * Linux) that the agent applied the change. Rules: at most one notification on
 * screen (the notifier replaces the previous one), none while the window is open
 * (the window already says it), and a click opens the window. The clock is injected
 * so reminders are tested without waiting hours.
 */
import type { PendingChange, Platform } from '@pwsync/agent-protocol';
import { type Clock, systemClock } from '@pwsync/node-kit/clock';
import type { AppState, Problem } from '../contract';
import { waitingChange } from './app-state';
import type { Translate } from './i18n';

export type NotificationKind = 'pending' | 'reminder' | 'synced' | 'failed' | 'informed';

export interface NotificationModel {
  kind: NotificationKind;
  title: string;
  body: string;
  /** A button where the system has them (macOS); clicking the notification does the same. */
  action: string | null;
}

/** The shell's side: shows one notification, replacing any on screen, and reports a click. */
export interface Notifier {
  show(model: NotificationModel, clicked: () => void): void;
  close(): void;
}

export interface RemindersOptions {
  notifier: Notifier;
  t: Translate;
  platform: Platform;
  intervalHours: number;
  /** Open the window (on the confirm screen when a change waits). */
  openWindow: () => void;
  clock?: Clock;
}

export class Reminders {
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private state: AppState | null = null;
  /** The change that waits, as last known: out of reach, the agent cannot say otherwise. */
  private change: PendingChange | null = null;
  private windowVisible = false;
  /** The change the person was told about (once each), and when the next reminder is due. */
  private notifiedChange: string | null = null;
  private dueAt: number | null = null;
  private timer: unknown = undefined;

  constructor(private readonly options: RemindersOptions) {
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.intervalHours * 3_600_000;
  }

  stateChanged(next: AppState): void {
    const previous = this.state;
    this.state = next;
    const said = waitingChange(next);
    if (said !== undefined) this.change = said;
    const change = this.change;
    if (change && change.id !== this.notifiedChange) {
      this.notifiedChange = change.id;
      if (change.mode === 'applied') {
        this.cancelReminder();
        this.notify('informed');
      } else {
        this.notify('pending');
        this.schedule(this.clock.now() + this.intervalMs);
      }
    } else if (!change || change.mode !== 'confirm') {
      this.cancelReminder();
    }
    if (previous?.phase === 'confirming' && next.phase === 'synced') this.notify('synced');
    if (previous?.phase === 'confirming' && next.phase === 'attention') this.notify('failed');
  }

  windowVisibilityChanged(visible: boolean): void {
    this.windowVisible = visible;
    // The window now says everything a notification would: take it off the screen.
    if (visible) this.options.notifier.close();
  }

  /** After the system wakes: a reminder that fell due while asleep comes now. */
  recheck(): void {
    if (this.dueAt !== null && this.clock.now() >= this.dueAt) this.tick();
  }

  stop(): void {
    this.cancelReminder();
  }

  private tick(): void {
    this.timer = undefined;
    const waiting = this.change?.mode === 'confirm' && this.change.id === this.notifiedChange;
    if (!waiting) return this.cancelReminder();
    if (this.dueAt !== null && this.clock.now() < this.dueAt) return this.arm();
    // Not while the person is in the middle of confirming it.
    if (this.state?.phase !== 'confirming') this.notify('reminder');
    this.schedule(this.clock.now() + this.intervalMs);
  }

  private schedule(at: number): void {
    this.dueAt = at;
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    // Timers drift or pause across sleep; tick checks the due time against the clock.
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, (this.dueAt ?? 0) - this.clock.now()));
  }

  private cancelReminder(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = null;
  }

  private notify(kind: NotificationKind): void {
    if (this.windowVisible || !this.state) return;
    this.options.notifier.show(notificationFor(kind, this.state, this.options.t, this.options.platform, this.change), () => this.options.openWindow());
  }
}

/** The words of each notification: what happened, and what to do next (about `change`, the one that waits, if any). */
export function notificationFor(
  kind: NotificationKind,
  state: AppState,
  t: Translate,
  platform: Platform,
  change: PendingChange | null = waitingChange(state) ?? null,
): NotificationModel {
  const provider = change?.provider ?? state.provider;
  switch (kind) {
    case 'pending':
      return { kind, title: t('notification.pending.title', { provider }), body: t('notification.pending.body'), action: t('notification.pending.action') };
    case 'reminder':
      return { kind, title: t('notification.reminder.title'), body: t('notification.reminder.body', { provider }), action: t('notification.pending.action') };
    case 'synced': {
      const body = t('notification.synced.body', { provider: state.provider });
      // The done screen's FileVault sentence (the same words: see test/unit/one-source.test.ts),
      // only where FileVault followed: a step the agent skipped changed nothing it asks for.
      const fileVaultMoved = platform === 'darwin' && state.phase === 'synced' && state.result.completedSteps.includes('fileVault');
      return { kind, title: t('notification.synced.title'), body: fileVaultMoved ? `${body} ${t('notification.synced.fileVault')}` : body, action: null };
    }
    case 'failed':
      return { kind, title: t('notification.failed.title'), body: t(failureAdvice(state.phase === 'attention' ? state.problem : null)), action: null };
    case 'informed':
      return { kind, title: t('notification.informed.title'), body: t('notification.informed.body', { provider }), action: null };
  }
}

function failureAdvice(problem: Problem | null) {
  switch (problem?.code) {
    case 'previousPasswordWrong':
    case 'newPasswordMismatch':
    case 'passwordNotAccepted':
    case 'connectionLost':
    case 'syncAlreadyRunning':
      return 'notification.failed.retry' as const;
    case 'lockedOut':
      return 'notification.failed.lockedOut' as const;
    case 'outcomeUnknown':
      return 'notification.failed.unknown' as const;
    case 'stepFailed':
      return problem.retrySafe ? ('notification.failed.retry' as const) : ('notification.failed.support' as const);
    default:
      return 'notification.failed.support' as const;
  }
}
