/**
 * Shows the core's notifications with Electron's Notification: one on screen at a
 * time (the previous one is closed first), a click or the "Confirm now" button
 * (macOS has buttons; Windows and Linux use the click) runs the callback.
 */
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { NotificationModel, Notifier } from '../core/reminders';

export interface NotificationApi {
  isSupported(): boolean;
  create(options: NotificationConstructorOptions): Pick<Notification, 'show' | 'close' | 'on'>;
}

export function createNotifier(api: NotificationApi, platform: NodeJS.Platform): Notifier {
  let current: Pick<Notification, 'close'> | null = null;
  const close = () => {
    current?.close();
    current = null;
  };
  return {
    show(model: NotificationModel, clicked: () => void) {
      if (!api.isSupported()) return;
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
      current = notification;
      notification.show();
    },
    close,
  };
}
