import { type FormEvent, type KeyboardEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PendingChange } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { InterruptedNote } from '../components/interrupted-note';
import { PasswordField } from '../components/password-field';
import { ScreenHeading } from '../components/screen-heading';
import { useDocumentHidden } from '../hooks/use-document-hidden';
import { useSendSync } from '../hooks/use-send-sync';
import { useAppStore } from '../store/app-store';
import { useConfirmStep, useProvider, useSubmitting } from '../store/hooks';

/** The words that differ between the Mac's confirm flow and the Linux keyring and disk update. */
export interface ConfirmFormTexts {
  title: string;
  intro: string;
  previousHint: string;
  whatHappens: string;
  submit: string;
}

export interface ConfirmFormProps {
  /** The change the two passwords confirm. */
  change: PendingChange;
  texts: ConfirmFormTexts;
  /** What the person must know before typing (a newer change arrived, the next wrong try waits), below the intro. */
  notes?: ReactNode;
  /** After Escape on the first step has cleared both fields: what else it does (hide the window, or go back a screen). */
  onEscape(): void;
  /** A Back button on the first step, when there is somewhere to go back to. */
  onCancel?: () => void;
  /** The "I don't remember my previous password" link, where starting over is offered. */
  onForgotPrevious?: () => void;
}

/**
 * The two-step password form: the new password, then the previous one, then one
 * confirmChange call. The two passwords live only in this component's state and in
 * that call; they are cleared on submit, whatever the outcome, on Escape, and when
 * the window hides. Escape on the second step is its Back: the new password stays, as
 * the person typed it a moment ago; Escape on the first step leaves the form.
 */
export function ConfirmForm({ change, texts, notes, onEscape, onCancel, onForgotPrevious }: ConfirmFormProps) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const step = useConfirmStep();
  const submitting = useSubmitting();
  const sendSync = useSendSync();
  const [newPassword, setNewPassword] = useState('');
  const [previousPassword, setPreviousPassword] = useState('');
  const [missing, setMissing] = useState(false);
  // Bumped to start the fields over (shown/hidden toggle, Caps Lock) when the window hides.
  const [generation, setGeneration] = useState(0);
  const shownStep = step === 'previous' ? 'previous' : 'new';

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

  function escape() {
    if (shownStep === 'previous') return goBack();
    clearFields();
    setGeneration((was) => was + 1);
    useAppStore.getState().backRequested();
    onEscape();
  }

  // What was missing is no longer, once something is typed: the error goes with it.
  function typedNew(value: string) {
    setNewPassword(value);
    setMissing(false);
  }

  function typedPrevious(value: string) {
    setPreviousPassword(value);
    setMissing(false);
  }

  /** Escape anywhere in the form, not only in a field, does the form's own Escape, once. */
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Escape' || event.nativeEvent.defaultPrevented) return;
    event.preventDefault();
    escape();
  }

  function cancel() {
    clearFields();
    onCancel?.();
  }

  function goBack() {
    setPreviousPassword('');
    setMissing(false);
    useAppStore.getState().backRequested();
  }

  function forgotPrevious() {
    clearFields();
    onForgotPrevious?.();
  }

  function continueToPrevious(event: FormEvent) {
    event.preventDefault();
    setMissing(!newPassword);
    if (newPassword) useAppStore.getState().newPasswordEntered();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting) return;
    if (!previousPassword) {
      setMissing(true);
      return;
    }
    const request = { changeId: change.id, newPassword, previousPassword };
    clearFields();
    await sendSync(false, () => bridge.confirmChange(request));
  }

  return (
    <section className="screen-body" data-step={shownStep} onKeyDown={onKeyDown}>
      <ScreenHeading focusOnShow={false}>{texts.title}</ScreenHeading>
      <p>{texts.intro}</p>
      {notes}
      <InterruptedNote change={change} />
      <p className="step-count">{t('confirm.stepOf', { step: shownStep === 'new' ? 1 : 2 })}</p>
      {shownStep === 'new' ? (
        <form key={`new-${generation}`} onSubmit={continueToPrevious} noValidate>
          <PasswordField
            id="new-password"
            label={t('confirm.newPassword.label')}
            hint={t('confirm.newPassword.hint', { provider })}
            value={newPassword}
            onChange={typedNew}
            onEscape={escape}
            error={missing ? t('confirm.newPassword.empty') : null}
          />
          <div className="actions">
            {onCancel && (
              <button type="button" className="button button-secondary" onClick={cancel}>
                {t('confirm.back')}
              </button>
            )}
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
            hint={texts.previousHint}
            value={previousPassword}
            onChange={typedPrevious}
            onEscape={escape}
            error={missing ? t('confirm.previousPassword.empty') : null}
          />
          <p className="muted">{texts.whatHappens}</p>
          <div className="actions">
            <button type="button" className="button button-secondary" onClick={goBack}>
              {t('confirm.back')}
            </button>
            <button type="submit" className="button button-primary" aria-disabled={submitting}>
              {texts.submit}
            </button>
          </div>
          {onForgotPrevious && (
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
