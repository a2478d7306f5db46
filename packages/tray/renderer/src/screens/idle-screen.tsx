import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../bridge/bridge-context';
import { changesCannotArrive, DirectoryNotices } from '../components/directory-notices';
import { NotificationsNote } from '../components/notifications-note';
import { ScreenHeading } from '../components/screen-heading';
import { formatDateTime } from '../i18n/format';
import { useDirectory, useLastCheckIn, useProvider } from '../store/hooks';

type CheckStatus = 'none' | 'checking' | 'checked' | 'failed';

export function IdleScreen() {
  const { t, i18n } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const lastCheckIn = useLastCheckIn();
  const paused = changesCannotArrive(useDirectory());
  const [status, setStatus] = useState<CheckStatus>('none');
  const lastCheckInText = lastCheckIn ? formatDateTime(lastCheckIn, i18n.language) : null;

  async function checkNow() {
    if (status === 'checking') return;
    setStatus('checking');
    try {
      const { ok } = await bridge.checkIn();
      setStatus(ok ? 'checked' : 'failed');
    } catch {
      setStatus('failed');
    }
  }

  return (
    <section className="screen-body">
      {paused ? (
        // "In sync" would not be true to say: changes made at the provider cannot arrive.
        <>
          <span className="status-icon status-icon-warning" aria-hidden="true">!</span>
          <ScreenHeading>{t('idle.titlePaused')}</ScreenHeading>
        </>
      ) : (
        <>
          <span className="status-icon status-icon-ok" aria-hidden="true">✓</span>
          <ScreenHeading>{t('idle.title')}</ScreenHeading>
          <p>{t('idle.body', { provider })}</p>
        </>
      )}
      <DirectoryNotices />
      <NotificationsNote />
      <p className="muted">{lastCheckInText ? t('idle.lastCheckIn', { time: lastCheckInText }) : t('idle.neverCheckedIn')}</p>
      <div className="actions">
        <button type="button" className="button button-primary" aria-disabled={status === 'checking'} onClick={checkNow}>
          {t('idle.checkNow')}
        </button>
      </div>
      <p className="muted" role="status">
        {status === 'checking' && t('idle.checking')}
        {status === 'checked' && t('idle.checked')}
        {status === 'failed' && t('idle.checkFailed')}
      </p>
    </section>
  );
}
