/**
 * Shows the core's notifications with Electron's Notification: one on screen at a
 * time (the previous one is closed first), a click or the "Confirm now" button
 * (macOS has buttons; Windows and Linux use the click) runs the callback. It also
 * reports whether the system shows them at all: none where Notification.isSupported()
 * says so (a Linux desktop without a notification server), and none once showing one
 * failed (macOS and Windows emit 'failed' when the person turned pwsync's notifications
 * off; https://www.electronjs.org/docs/latest/api/notification#event-failed-macos-windows),
 * until one is shown again.
 */
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { NotificationModel, Notifier } from '../core/reminders';

export interface NotificationApi {
  isSupported(): boolean;
  create(options: NotificationConstructorOptions): Pick<Notification, 'show' | 'close' | 'on'>;
}

/** Told whether the system shows the tray app's notifications, each time that is found out. */
export type NotificationsBlocked = (blocked: boolean) => void;

export function createNotifier(api: NotificationApi, platform: NodeJS.Platform, blocked: NotificationsBlocked = () => undefined): Notifier {
  let current: Pick<Notification, 'close'> | null = null;
  const close = () => {
    current?.close();
    current = null;
  };
  // Known before the first notification is due, so the window and the tray can say so at once.
  if (!api.isSupported()) blocked(true);
  return {
    show(model: NotificationModel, clicked: () => void) {
      if (!api.isSupported()) return blocked(true);
      close();
      const notification = api.create({
        title: model.title,
        body: model.body,
        actions: platform === 'darwin' && model.action ? [{ type: 'button', text: model.action }] : [],
      });
      const open = () => {
        if (current === notification) current = null;
        clicked();
      };
      notification.on('click', open);
      notification.on('action', open);
      notification.on('close', () => {
        if (current === notification) current = null;
      });
      notification.on('show', () => blocked(false));
      notification.on('failed', () => {
        if (current === notification) current = null;
        blocked(true);
      });
      current = notification;
      notification.show();
    },
    close,
  };
}
