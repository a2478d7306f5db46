import { type FormEvent, type KeyboardEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PendingChange } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { PasswordField } from '../components/password-field';
import { ScreenHeading } from '../components/screen-heading';
import { useDocumentHidden } from '../hooks/use-document-hidden';
import { useSendSync } from '../hooks/use-send-sync';
import { useAppStore } from '../store/app-store';
import { useProvider, useSubmitting } from '../store/hooks';

/**
 * Starting over, after the person said they understand: only the new password, then
 * one startOver call. The password lives in this component's state and that call.
 * Go back and Escape lead to what starting over means, still accepted, and clear the field.
 */
export function StartOverForm({ change, notes }: { change: PendingChange; notes?: ReactNode }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const submitting = useSubmitting();
  const sendSync = useSendSync();
  const [newPassword, setNewPassword] = useState('');
  const [missing, setMissing] = useState(false);

  useDocumentHidden(() => setNewPassword(''));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting) return;
    if (!newPassword) return setMissing(true);
    const request = { changeId: change.id, newPassword, acknowledged: true } as const;
    setNewPassword('');
    setMissing(false);
    await sendSync(true, () => bridge.startOver(request));
  }

  function goBack() {
    setNewPassword('');
    useAppStore.getState().startOverBackRequested();
  }

  /** Escape anywhere in the form, not only in its field, goes back, once. */
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Escape' || event.nativeEvent.defaultPrevented) return;
    event.preventDefault();
    goBack();
  }

  return (
    <section className="screen-body" data-step="startOver" onKeyDown={onKeyDown}>
      <ScreenHeading focusOnShow={false}>{t('startOver.formTitle')}</ScreenHeading>
      <p>{t('startOver.formIntro', { provider })}</p>
      {notes}
      <form onSubmit={submit} noValidate>
        <PasswordField
          id="start-over-new-password"
          label={t('confirm.newPassword.label')}
          hint={t('confirm.newPassword.hint', { provider })}
          value={newPassword}
          onChange={(value) => {
            setNewPassword(value);
            setMissing(false);
          }}
          onEscape={goBack}
          error={missing ? t('confirm.newPassword.empty') : null}
        />
        <div className="actions">
          <button type="button" className="button button-secondary" onClick={goBack}>
            {t('startOver.cancel')}
          </button>
          <button type="submit" className="button button-primary" aria-disabled={submitting}>
            {t('startOver.submit')}
          </button>
        </div>
      </form>
      <p className="muted" role="status">
        {submitting && t('confirm.submitting')}
      </p>
    </section>
  );
}
