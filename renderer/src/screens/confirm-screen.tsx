import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../bridge/bridge-context';
import { InterruptedNote } from '../components/interrupted-note';
import { PasswordField } from '../components/password-field';
import { ScreenHeading } from '../components/screen-heading';
import { useDocumentHidden } from '../hooks/use-document-hidden';
import { useSendSync } from '../hooks/use-send-sync';
import { useAppStore } from '../store/app-store';
import { useConfirmStep, usePendingChange, useProvider, useStartOverOffered, useSubmitting } from '../store/hooks';
import { ForgotExplanation } from './forgot-explanation';
import { StartOverForm } from './start-over-form';

/**
 * The confirm flow on macOS: the new password, then the previous one, then one
 * confirmChange call. The two passwords live only in this component's state and in
 * that call; they are cleared on submit, whatever the outcome, on Escape, and when
 * the window hides. A forgotten previous password leads to the start-over path.
 */
export function ConfirmScreen() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const change = usePendingChange();
  const step = useConfirmStep();
  const submitting = useSubmitting();
  const startOverOffered = useStartOverOffered();
  const sendSync = useSendSync();
  const [newPassword, setNewPassword] = useState('');
  const [previousPassword, setPreviousPassword] = useState('');
  const [missing, setMissing] = useState(false);
  // Bumped to start the fields over (shown/hidden toggle, Caps Lock) when the window hides.
  const [generation, setGeneration] = useState(0);

  function clearFields() {
    setNewPassword('');
    setPreviousPassword('');
    setMissing(false);
  }

  useDocumentHidden(() => {
    clearFields();
    setGeneration((was) => was + 1);
    useAppStore.getState().windowHidden();
  });

  /** Escape: forget what was typed and hide the window (the browser demo only clears). */
  function close() {
    clearFields();
    setGeneration((was) => was + 1);
    useAppStore.getState().backRequested();
    bridge.closeWindow().catch(() => undefined);
  }

  function goBack() {
    setPreviousPassword('');
    setMissing(false);
    useAppStore.getState().backRequested();
  }

  function forgotPrevious() {
    clearFields();
    useAppStore.getState().forgotPreviousRequested();
  }

  function continueToPrevious(event: FormEvent) {
    event.preventDefault();
    setMissing(!newPassword);
    if (newPassword) useAppStore.getState().newPasswordEntered();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting || !change) return;
    if (!previousPassword) {
      setMissing(true);
      return;
    }
    const request = { changeId: change.id, newPassword, previousPassword };
    clearFields();
    await sendSync(false, () => bridge.confirmChange(request));
  }

  if (step === 'forgot' && startOverOffered) return <ForgotExplanation />;
  if (step === 'startOver' && startOverOffered) return <StartOverForm onEscape={close} />;
  const shownStep = step === 'previous' ? 'previous' : 'new';

  return (
    <section className="screen-body" data-step={shownStep}>
      <ScreenHeading focusOnShow={false}>{t('confirm.title')}</ScreenHeading>
      <p>{t('confirm.intro', { provider })}</p>
      <InterruptedNote />
      <p className="step-count">{t('confirm.stepOf', { step: shownStep === 'new' ? 1 : 2 })}</p>
      {shownStep === 'new' ? (
        <form key={`new-${generation}`} onSubmit={continueToPrevious} noValidate>
          <PasswordField
            id="new-password"
            label={t('confirm.newPassword.label')}
            hint={t('confirm.newPassword.hint', { provider })}
            value={newPassword}
            onChange={setNewPassword}
            onEscape={close}
            error={missing ? t('confirm.newPassword.empty') : null}
          />
          <div className="actions">
            <button type="submit" className="button button-primary">
              {t('confirm.continue')}
            </button>
          </div>
        </form>
      ) : (
        <form key={`previous-${generation}`} onSubmit={submit} noValidate>
          <PasswordField
            id="previous-password"
            label={t('confirm.previousPassword.label')}
            hint={t('confirm.previousPassword.hint')}
            value={previousPassword}
            onChange={setPreviousPassword}
            onEscape={close}
            error={missing ? t('confirm.previousPassword.empty') : null}
          />
          <p className="muted">{t('confirm.whatHappens')}</p>
          <div className="actions">
            <button type="button" className="button button-secondary" onClick={goBack}>
              {t('confirm.back')}
            </button>
            <button type="submit" className="button button-primary" aria-disabled={submitting}>
              {t('confirm.submit')}
            </button>
          </div>
          {startOverOffered && (
            <p className="forgot-link">
              <button type="button" className="button-link" onClick={forgotPrevious}>
                {t('confirm.forgotPrevious')}
              </button>
            </p>
          )}
        </form>
      )}
      <p className="muted" role="status">
        {submitting && t('confirm.submitting')}
      </p>
    </section>
  );
}
