import type { TFunction } from 'i18next';
import type { StepState, SyncStep } from '../app-types';
import type { SyncWords } from '../store/selectors';

/**
 * The agent names its steps after the Mac (keychain, fileVault). On Linux the same steps
 * re-key the GNOME login keyring and the LUKS disk passphrase, and the account step only
 * checks a password the agent already applied: the words say what happens there.
 */
const LINUX_STEPS = {
  account: 'confirming.linux.steps.account',
  keychain: 'confirming.linux.steps.keychain',
  fileVault: 'confirming.linux.steps.fileVault',
} as const satisfies Partial<Record<SyncStep, string>>;

function hasLinuxWords(step: SyncStep): step is keyof typeof LINUX_STEPS {
  return step in LINUX_STEPS;
}

/** What a step does, in the words for this computer. */
export function stepLabel(t: TFunction, step: SyncStep, words: SyncWords): string {
  if (words === 'linux' && hasLinuxWords(step)) return t(LINUX_STEPS[step]);
  return t(`confirming.steps.${step}`);
}

/** A step's state in words; on Linux a skipped keyring or disk step had nothing to re-key. */
export function stepStateLabel(t: TFunction, step: SyncStep, state: StepState, words: SyncWords): string {
  if (words === 'linux' && state === 'skipped' && (step === 'keychain' || step === 'fileVault')) {
    return t('confirming.linux.states.skipped');
  }
  return t(`confirming.states.${state}`);
}
