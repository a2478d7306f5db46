import { useTranslation } from 'react-i18next';
import { type ProgressEntry, SYNC_STEP_ORDER, type StepState } from '../app-types';
import { stepLabel, stepStateLabel } from '../i18n/step-labels';
import { useSyncWords } from '../store/hooks';

/** A shape for each state as well as a colour, so no state is told by colour alone. */
const STEP_ICONS: Record<StepState, string> = {
  pending: '○',
  running: '◔',
  done: '✓',
  failed: '✕',
  skipped: '–',
};

/** The six steps of a sync, each with its state in words, as they are on this computer. */
export function StepProgress({ progress }: { progress: readonly ProgressEntry[] }) {
  const { t } = useTranslation();
  const words = useSyncWords();
  return (
    <div aria-live="polite" className="progress">
      <ol className="progress-list" aria-label={t('confirming.listLabel')}>
        {SYNC_STEP_ORDER.map((step) => {
          const state = progress.find((entry) => entry.step === step)?.state ?? 'pending';
          return (
            <li key={step} className={`progress-item progress-${state}`} data-step={step} data-state={state}>
              <span className="progress-icon" aria-hidden="true">
                {STEP_ICONS[state]}
              </span>
              <span className="progress-label">{stepLabel(t, step, words)}</span>
              {/* The pause makes a screen reader say "…password, Done" rather than run the words together. */}
              <span className="visually-hidden">, </span>
              <span className="progress-state">{stepStateLabel(t, step, state, words)}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
