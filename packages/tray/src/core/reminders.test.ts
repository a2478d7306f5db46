import { beforeEach, describe, expect, it } from 'vitest';
import { createTranslator } from './i18n';
import { type NotificationModel, type Notifier, Reminders } from './reminders';
import { FakeClock } from '@pwsync/testing/fake-clock';
import type { SyncStep } from '@pwsync/agent-protocol';
import { appState, pending, syncedResult } from '../../test/core/states';

const HOUR = 3_600_000;

class RecordingNotifier implements Notifier {
  readonly shown: Array<NotificationModel & { click: () => void }> = [];
  closed = 0;
  show(model: NotificationModel, clicked: () => void): void {
    this.shown.push({ ...model, click: clicked });
  }
  close(): void {
    this.closed += 1;
  }
  kinds(): string[] {
    return this.shown.map((n) => n.kind);
  }
}

let clock: FakeClock;
let notifier: RecordingNotifier;
let opened: number;

function reminders(platform: 'darwin' | 'win32' | 'linux' = 'darwin', intervalHours = 4): Reminders {
  return new Reminders({ notifier, clock, t: createTranslator('en'), platform, intervalHours, openWindow: () => (opened += 1) });
}

beforeEach(() => {
  clock = new FakeClock();
  notifier = new RecordingNotifier();
  opened = 0;
});

describe('notifications about a waiting change', () => {
  it('tells the person once when a change arrives, in plain words with a Confirm now action', () => {
    const r = reminders();
    r.stateChanged(appState());
    r.stateChanged(pending('chg_1'));
    r.stateChanged(pending('chg_1', { lastCheckIn: '2025-03-01T09:01:00.000Z' }));
    expect(notifier.shown).toHaveLength(1);
    expect(notifier.shown[0]).toMatchObject({
      kind: 'pending',
      title: 'You changed your password at Okta',
      body: 'Confirm it once on this computer so you can keep signing in with it.',
      action: 'Confirm now',
    });
  });

  it('reminds at each interval until the change is confirmed, then stops', () => {
    const r = reminders('darwin', 4);
    r.stateChanged(pending('chg_1'));
    clock.advance(4 * HOUR - 1);
    expect(notifier.kinds()).toEqual(['pending']);
    clock.advance(1);
    expect(notifier.kinds()).toEqual(['pending', 'reminder']);
    expect(notifier.shown[1]).toMatchObject({ title: 'Your new password is waiting', body: 'Confirm it on this computer so your login stays in step with Okta.' });
    clock.advance(4 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'reminder', 'reminder']);
    r.stateChanged(pending('chg_1', { phase: 'confirming' }));
    r.stateChanged(appState({ phase: 'synced' }));
    clock.advance(24 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'reminder', 'reminder', 'synced']);
    expect(clock.pending).toBe(0);
  });

  it('uses the policy’s interval', () => {
    const r = reminders('darwin', 0.5);
    r.stateChanged(pending());
    clock.advance(2 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'reminder', 'reminder', 'reminder', 'reminder']);
  });

  it('shows nothing while the window is open, and takes the last one off the screen when it opens', () => {
    const r = reminders();
    r.stateChanged(pending('chg_1'));
    expect(notifier.closed).toBe(0);
    r.windowVisibilityChanged(true);
    expect(notifier.closed).toBe(1);
    clock.advance(12 * HOUR);
    r.stateChanged(pending('chg_2'));
    expect(notifier.kinds()).toEqual(['pending']);
    r.windowVisibilityChanged(false);
    clock.advance(4 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'reminder']);
  });

  it('opens the window when a notification (or its action) is clicked', () => {
    const r = reminders();
    r.stateChanged(pending());
    notifier.shown[0]!.click();
    expect(opened).toBe(1);
  });

  it('a newer change is announced on its own, and the reminder clock starts again', () => {
    const r = reminders();
    r.stateChanged(pending('chg_1'));
    clock.advance(3 * HOUR);
    r.stateChanged(pending('chg_2'));
    clock.advance(3 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'pending']);
    clock.advance(1 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'pending', 'reminder']);
  });

  it('a reminder that fell due while the computer slept comes when it wakes', () => {
    const r = reminders();
    r.stateChanged(pending());
    clock.jump(9 * HOUR);
    r.recheck();
    expect(notifier.kinds()).toEqual(['pending', 'reminder']);
  });

  it('keeps reminding while the agent is out of reach, and does not announce the same change again when it is back', () => {
    const r = reminders('darwin', 4);
    r.stateChanged(pending('chg_1'));
    r.stateChanged(appState({ phase: 'unreachable', reason: 'notRunning' }));
    clock.advance(4 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'reminder']);
    r.stateChanged(pending('chg_1'));
    clock.advance(1 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'reminder']);
    r.stateChanged(appState({ phase: 'idle' }));
    clock.advance(24 * HOUR);
    expect(notifier.kinds()).toEqual(['pending', 'reminder']);
  });

  it('stops reminding when the change goes away without a sync', () => {
    const r = reminders();
    r.stateChanged(pending());
    r.stateChanged(appState({ phase: 'idle' }));
    clock.advance(24 * HOUR);
    expect(notifier.kinds()).toEqual(['pending']);
  });
});

describe('notifications about a sync', () => {
  it('on macOS: the new password is in use, and it is the one FileVault asks for at the next start-up', () => {
    const r = reminders('darwin');
    r.stateChanged(pending('chg_1', { phase: 'confirming' }));
    r.stateChanged(appState({ phase: 'synced' }));
    expect(notifier.shown.at(-1)).toMatchObject({
      kind: 'synced',
      title: 'Password updated',
      body: 'Your password on this computer is now the one you set at Okta. The next time your Mac starts up, type your new password at the FileVault unlock screen.',
    });
  });

  it('on macOS, after a sync whose FileVault step was skipped (an account FileVault never used), says nothing of FileVault', () => {
    const r = reminders('darwin');
    r.stateChanged(pending('chg_1', { phase: 'confirming' }));
    const result = { ...syncedResult(), completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'report'] as SyncStep[] };
    r.stateChanged(appState({ phase: 'synced', result }));
    expect(notifier.shown.at(-1)!.body).toBe('Your password on this computer is now the one you set at Okta.');
  });

  it.each([
    [{ code: 'previousPasswordWrong', attemptsLeft: 2 }, 'Open pwsync to try again.'],
    [{ code: 'lockedOut', retryAfterSeconds: 300 }, 'Too many tries. Wait a little, then open pwsync to try again.'],
    [{ code: 'stepFailed', step: 'keychain', retrySafe: false }, 'Open pwsync to see what to do next, or contact your IT support.'],
    [{ code: 'outcomeUnknown' }, 'pwsync is checking whether the change went through. Open pwsync to see the result.'],
  ] as const)('on failure (%o): what to do next', (problem, body) => {
    const r = reminders();
    r.stateChanged(pending('chg_1', { phase: 'confirming' }));
    r.stateChanged(pending('chg_1', { phase: 'attention', problem }));
    expect(notifier.shown.at(-1)).toMatchObject({ kind: 'failed', title: "Your password wasn't updated", body });
  });

  it('on Windows and Linux: the agent applied it, so use the new password from now on (no reminders)', () => {
    const r = reminders('linux');
    r.stateChanged(appState({ phase: 'informed', platform: 'linux', change: { id: 'chg_9', createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode: 'applied' } }));
    clock.advance(24 * HOUR);
    expect(notifier.shown).toEqual([
      expect.objectContaining({ kind: 'informed', title: 'Your password was updated', body: 'From now on, use the password you set at Okta to sign in to this computer.' }),
    ]);
  });

  it('on Windows and Linux, the sync notification has no FileVault note', () => {
    const r = reminders('win32');
    r.stateChanged(pending('chg_1', { phase: 'confirming' }));
    r.stateChanged(appState({ phase: 'synced' }));
    expect(notifier.shown.at(-1)!.body).toBe('Your password on this computer is now the one you set at Okta.');
  });
});
