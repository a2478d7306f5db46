import { useTranslation } from 'react-i18next';
import type { StateOf } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { AttemptsWarning } from '../components/attempts-warning';
import { ReplacedNote } from '../components/replaced-note';
import { useDocumentHidden } from '../hooks/use-document-hidden';
import { useAppStore } from '../store/app-store';
import { useConfirmStep, useProvider, useStartOverOffered, useSyncWords } from '../store/hooks';
import { ConfirmForm } from './confirm-form';
import { ForgotExplanation } from './forgot-explanation';
import { StartOverForm } from './start-over-form';

/**
 * The confirm flow (macOS; on Linux when the agent could not apply the change itself):
 * the two-step password form, and where policy offers it, the path for a forgotten
 * previous password. Each form is keyed by the change it confirms, so a newer change
 * gets fresh, empty fields at once and nothing typed for the old one can be sent for it.
 */
export function ConfirmScreen({ state }: { state: StateOf<'pending'> }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const step = useConfirmStep();
  const startOverOffered = useStartOverOffered();
  const words = useSyncWords();
  const { change, replaced } = state;

  // The start-over steps start over too when the window hides (the form does this for its own).
  useDocumentHidden(() => useAppStore.getState().windowHidden());

  const notes = (
    <>
      {replaced !== null && <ReplacedNote />}
      <AttemptsWarning />
    </>
  );

  if (step === 'forgot' && startOverOffered) return <ForgotExplanation key={change.id} />;
  if (step === 'startOver' && startOverOffered) return <StartOverForm key={change.id} change={change} notes={notes} />;

  const linux = words === 'linux';
  return (
    <ConfirmForm
      key={change.id}
      change={change}
      texts={{
        title: t('confirm.title'),
        intro: t(linux ? 'confirm.linux.intro' : 'confirm.intro', { provider }),
        previousHint: t('confirm.previousPassword.hint'),
        whatHappens: t(linux ? 'confirm.linux.whatHappens' : 'confirm.whatHappens'),
        submit: t(linux ? 'confirm.linux.submit' : 'confirm.submit'),
      }}
      notes={notes}
      onEscape={() => bridge.closeWindow().catch(() => undefined)}
      onForgotPrevious={startOverOffered ? () => useAppStore.getState().forgotPreviousRequested() : undefined}
    />
  );
}
