import { useTranslation } from 'react-i18next';
import type { LastResult } from '../app-types';
import { DoneButton } from '../components/done-button';
import { NotificationsNote } from '../components/notifications-note';
import { ScreenHeading } from '../components/screen-heading';
import { useProvider, useSyncWords } from '../store/hooks';

/**
 * Done: what changed, what FileVault and the other Macs will do, and what a start-over
 * left behind (Linux has its own words). Each line follows what the agent says it did:
 * a FileVault step it skipped (an account FileVault never used) has nothing to say about
 * FileVault's password.
 */
export function SyncedScreen({ result, startedOver }: { result: LastResult; startedOver: boolean }) {
  const { t } = useTranslation();
  const provider = useProvider();
  const words = useSyncWords();
  if (words === 'linux') return <LinuxSynced result={result} />;
  const fileVaultMoved = result.completedSteps.includes('fileVault');
  return (
    <section className="screen-body">
      <span className="status-icon status-icon-ok" aria-hidden="true">✓</span>
      <ScreenHeading>{t('synced.title')}</ScreenHeading>
      <p>{t('synced.body', { provider })}</p>
      <ul className="notes">
        {startedOver && <li>{t('synced.newKeychain')}</li>}
        {startedOver && <li>{t('synced.logOutOnce')}</li>}
        <li data-file-vault={fileVaultMoved ? 'moved' : 'skipped'}>{t(fileVaultMoved ? 'synced.fileVault' : 'synced.fileVaultSkipped')}</li>
        <li>{t('synced.otherMacs')}</li>
      </ul>
      <NotificationsNote />
      <p className="muted">{t('synced.next')}</p>
      <DoneButton />
    </section>
  );
}

/**
 * Linux, after the keyring and disk password update: what now opens with the new password,
 * from the steps the agent says it did (a step it skipped had nothing to re-key here).
 */
function LinuxSynced({ result }: { result: LastResult }) {
  const { t } = useTranslation();
  const provider = useProvider();
  const done = result.completedSteps;
  return (
    <section className="screen-body">
      <span className="status-icon status-icon-ok" aria-hidden="true">✓</span>
      <ScreenHeading>{t('synced.linux.title')}</ScreenHeading>
      <p>{t('synced.linux.body', { provider })}</p>
      <ul className="notes">
        <li>{done.includes('keychain') ? t('synced.linux.keyring') : t('synced.linux.noKeyring')}</li>
        <li>{done.includes('fileVault') ? t('synced.linux.disk') : t('synced.linux.noDisk')}</li>
      </ul>
      <NotificationsNote />
      <p className="muted">{t('synced.next')}</p>
      <DoneButton />
    </section>
  );
}
