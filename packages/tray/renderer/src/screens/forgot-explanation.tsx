import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';
import { useAppStore } from '../store/app-store';
import { useStartOverAccepted } from '../store/hooks';

/**
 * Before anything happens: what starting over with a new keychain means, as it really
 * goes on a Mac (docs/support-guide.md, "A forgotten previous password"). Nothing is
 * sent from here; the person must tick "I understand" and choose to go on. Back from
 * the form that follows, the box stays ticked: they already said so.
 */
export function ForgotExplanation() {
  const { t } = useTranslation();
  const accepted = useStartOverAccepted();
  const [understood, setUnderstood] = useState(accepted);
  const [missing, setMissing] = useState(false);

  function goOn(event: FormEvent) {
    event.preventDefault();
    if (!understood) return setMissing(true);
    useAppStore.getState().startOverAcknowledged();
  }

  function goBack() {
    useAppStore.getState().backRequested();
  }

  /** Escape is Go back here, as on the form after it: the person stays in the window. */
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Escape' || event.nativeEvent.defaultPrevented) return;
    event.preventDefault();
    goBack();
  }

  return (
    <section className="screen-body" data-step="forgot" onKeyDown={onKeyDown}>
      <ScreenHeading>{t('startOver.title')}</ScreenHeading>
      <p>{t('startOver.intro')}</p>
      <h2 className="subheading">{t('startOver.whatHappensTitle')}</h2>
      <ul className="notes">
        <li>{t('startOver.newKeychain')}</li>
        <li>{t('startOver.savedPasswords')}</li>
        <li>{t('startOver.oldKept')}</li>
        <li>{t('startOver.accountMoves')}</li>
        <li>{t('startOver.accountNeedsSupport')}</li>
      </ul>
      <p className="next-step">{t('startOver.rememberInstead')}</p>
      <form onSubmit={goOn} noValidate>
        <div className="check">
          <input
            id="start-over-understood"
            type="checkbox"
            checked={understood}
            aria-describedby={missing ? 'start-over-understood-error' : undefined}
            aria-invalid={missing && !understood ? true : undefined}
            onChange={(event) => {
              setUnderstood(event.target.checked);
              setMissing(false);
            }}
          />
          <label htmlFor="start-over-understood">{t('startOver.understand')}</label>
        </div>
        {missing && (
          <p id="start-over-understood-error" className="field-error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {t('startOver.understandMissing')}
          </p>
        )}
        <div className="actions">
          <button type="button" className="button button-secondary" onClick={goBack}>
            {t('startOver.cancel')}
          </button>
          <button type="submit" className="button button-primary" aria-disabled={!understood}>
            {t('startOver.goOn')}
          </button>
        </div>
      </form>
    </section>
  );
}
