import { useTranslation } from 'react-i18next';
import { useNotificationsBlocked, usePlatform } from '../store/hooks';

/**
 * The system does not show pwsync's notifications, so the next change would wait unseen
 * but for the tray icon: where to allow them, in the words of this computer's settings.
 */
export function NotificationsNote() {
  const { t } = useTranslation();
  const blocked = useNotificationsBlocked();
  const platform = usePlatform();
  if (!blocked) return null;
  return (
    <div className="note note-warning" data-notifications-blocked>
      <h2 className="note-title">
        <span aria-hidden="true">! </span>
        {t('notifications.blocked.title')}
      </h2>
      <p>{t('notifications.blocked.body')}</p>
      <p>{t(`notifications.howTo.${platform}`)}</p>
    </div>
  );
}
