import { useTranslation } from 'react-i18next';
import type { StateOf } from '../app-types';
import { AttemptsWarning } from '../components/attempts-warning';
import { DoneButton } from '../components/done-button';
import { NotificationsNote } from '../components/notifications-note';
import { ScreenHeading } from '../components/screen-heading';
import { useAppStore } from '../store/app-store';
import { usePlatform, useProvider, useRekeyOpen } from '../store/hooks';
import { ConfirmForm } from './confirm-form';

/**
 * Windows and Linux: the agent already applied the change; the person only needs to know.
 * On Linux, replacing the account's hash leaves the GNOME login keyring and a LUKS disk
 * passphrase on the previous password: the agent can re-key both if the person gives it
 * both passwords, so the screen offers that, as an option, through the confirm form.
 */
export function InformedScreen({ change }: { change: StateOf<'informed'>['change'] }) {
  const { t } = useTranslation();
  const provider = useProvider();
  const platform = usePlatform();
  const rekeyOpen = useRekeyOpen();
  const rekeyOffered = platform === 'linux';

  if (rekeyOffered && rekeyOpen) {
    return (
      <ConfirmForm
        key={change.id}
        change={change}
        texts={{
          title: t('rekey.title'),
          intro: t('rekey.intro', { provider }),
          previousHint: t('rekey.previousHint'),
          whatHappens: t('rekey.whatHappens'),
          submit: t('rekey.submit'),
        }}
        notes={<AttemptsWarning />}
        onEscape={() => useAppStore.getState().rekeyCancelled()}
        onCancel={() => useAppStore.getState().rekeyCancelled()}
      />
    );
  }

  return (
    <section className="screen-body">
      <span className="status-icon status-icon-ok" aria-hidden="true">✓</span>
      <ScreenHeading>{t('informed.title')}</ScreenHeading>
      <p>{t('informed.body', { provider })}</p>
      {platform !== 'darwin' && <p>{t(`informed.where.${platform}`)}</p>}
      {rekeyOffered && (
        <section className="note" aria-labelledby="rekey-heading" data-rekey>
          <h2 id="rekey-heading" className="note-title">
            {t('informed.rekey.title')}
          </h2>
          <p>{t('informed.rekey.body')}</p>
          <div className="actions actions-start">
            <button type="button" className="button button-secondary" onClick={() => useAppStore.getState().rekeyRequested()}>
              {t('informed.rekey.open')}
            </button>
          </div>
        </section>
      )}
      <NotificationsNote />
      <p className="muted">{t('informed.next')}</p>
      <DoneButton />
    </section>
  );
}
