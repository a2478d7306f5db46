import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifier } from './notifier';
import { fake, Notification } from '../../test/main/fake-electron';

vi.mock('electron', () => import('../../test/main/fake-electron'));

const api = { isSupported: () => Notification.isSupported(), create: (options: never) => new Notification(options) as never };
const model = { kind: 'pending' as const, title: 'You changed your password at Okta', body: 'Confirm it.', action: 'Confirm now' };

beforeEach(() => fake.reset());

describe('the notifier', () => {
  it('on macOS shows a "Confirm now" button; its click and the notification’s click both open the window', () => {
    const clicked = vi.fn();
    createNotifier(api, 'darwin').show(model, clicked);
    const shown = Notification.instances[0]!;
    expect(shown.options).toEqual({ title: model.title, body: model.body, actions: [{ type: 'button', text: 'Confirm now' }] });
    expect(shown.shown).toBe(true);
    shown.emit('action', {}, 0);
    shown.emit('click');
    expect(clicked).toHaveBeenCalledTimes(2);
  });

  it('on Windows and Linux: no buttons, the click does it', () => {
    createNotifier(api, 'win32').show(model, () => undefined);
    createNotifier(api, 'linux').show(model, () => undefined);
    expect(Notification.instances.map((n) => n.options.actions)).toEqual([[], []]);
  });

  it('never has more than one on screen: the previous one is closed first', () => {
    const notifier = createNotifier(api, 'linux');
    notifier.show(model, () => undefined);
    notifier.show({ ...model, kind: 'reminder', title: 'Your new password is waiting' }, () => undefined);
    expect(Notification.instances.map((n) => [n.closed, n.shown])).toEqual([
      [true, true],
      [false, true],
    ]);
    expect(fake.names().filter((n) => n.startsWith('notification.'))).toEqual(['notification.show', 'notification.close', 'notification.show']);
    notifier.close();
    expect(Notification.instances[1]!.closed).toBe(true);
  });

  it('shows nothing where the system has no notifications, and says so at once', () => {
    Notification.supported = false;
    const blocked = vi.fn();
    const notifier = createNotifier(api, 'linux', blocked);
    expect(blocked.mock.calls).toEqual([[true]]);
    notifier.show(model, () => undefined);
    expect(Notification.instances).toHaveLength(0);
    expect(blocked).toHaveBeenLastCalledWith(true);
  });

  it('says notifications are blocked when showing one fails (turned off for pwsync), and allowed once one shows', () => {
    const blocked = vi.fn();
    const notifier = createNotifier(api, 'darwin', blocked);
    expect(blocked).not.toHaveBeenCalled();
    notifier.show(model, () => undefined);
    Notification.instances[0]!.emit('failed', {}, 'Notifications are not allowed for this application');
    expect(blocked.mock.calls).toEqual([[true]]);
    notifier.show(model, () => undefined);
    Notification.instances[1]!.emit('show', {});
    expect(blocked.mock.calls).toEqual([[true], [false]]);
  });
});
