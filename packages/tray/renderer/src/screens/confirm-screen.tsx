import { useTranslation } from 'react-i18next';
import type { PendingChange } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { useDocumentHidden } from '../hooks/use-document-hidden';
import { useAppStore } from '../store/app-store';
import { useConfirmStep, useProvider, useStartOverOffered } from '../store/hooks';
import { ConfirmForm } from './confirm-form';
import { ForgotExplanation } from './forgot-explanation';
import { StartOverForm } from './start-over-form';

/**
 * The confirm flow on macOS: the two-step password form, and where policy offers it,
 * the path for a forgotten previous password. Escape forgets what was typed and hides
 * the window (the browser demo only clears).
 */
export function ConfirmScreen({ change }: { change: PendingChange }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const step = useConfirmStep();
  const startOverOffered = useStartOverOffered();

  // The start-over steps start over too when the window hides (the form does this for its own).
  useDocumentHidden(() => useAppStore.getState().windowHidden());

  function close() {
    useAppStore.getState().backRequested();
    bridge.closeWindow().catch(() => undefined);
  }

  if (step === 'forgot' && startOverOffered) return <ForgotExplanation />;
  if (step === 'startOver' && startOverOffered) return <StartOverForm change={change} onEscape={close} />;

  return (
    <ConfirmForm
      change={change}
      texts={{
        title: t('confirm.title'),
        intro: t('confirm.intro', { provider }),
        previousHint: t('confirm.previousPassword.hint'),
        whatHappens: t('confirm.whatHappens'),
        submit: t('confirm.submit'),
      }}
      onEscape={() => bridge.closeWindow().catch(() => undefined)}
      onForgotPrevious={startOverOffered ? () => useAppStore.getState().forgotPreviousRequested() : undefined}
    />
  );
}
