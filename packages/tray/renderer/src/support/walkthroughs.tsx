import { useTranslation } from 'react-i18next';
import type { Platform } from '../app-types';
import { usePlatform, useProvider, useStartOverOffered } from '../store/hooks';

export const SITUATIONS = ['oneMacOnline', 'oneMacOffline', 'severalMacsOnline', 'severalMacsSomeOffline', 'forgotPrevious', 'windows', 'linux'] as const;
export type Situation = (typeof SITUATIONS)[number];

/** The walkthrough that fits the computer whose password this is (the agent's: see contract.ts) is open to begin with. */
const OPEN_FOR: Record<Platform, Situation> = { darwin: 'oneMacOnline', win32: 'windows', linux: 'linux' };

/**
 * One walkthrough per situation, as numbered steps support can read along with. A step
 * that says what another screen says takes that screen's words from the same key
 * (`$t(…)` in the locale files), so the two cannot drift apart; docs/support-guide.md
 * quotes the English, and a test holds it to it.
 */
export function Walkthroughs() {
  const { t } = useTranslation();
  const provider = useProvider();
  const platform = usePlatform();
  const startOverOffered = useStartOverOffered();
  return (
    <div className="walkthroughs">
      <h2 className="subheading">{t('support.walkthroughsTitle')}</h2>
      {SITUATIONS.map((situation) => {
        // Without the start-over path, the forgotten-password walkthrough says what is left to do.
        const steps = t(
          situation === 'forgotPrevious' && !startOverOffered ? 'support.situations.forgotPrevious.stepsNotOffered' : `support.situations.${situation}.steps`,
          { returnObjects: true, provider },
        ) as readonly string[];
        return (
          <details key={situation} className="walkthrough" data-situation={situation} open={OPEN_FOR[platform] === situation}>
            <summary>
              {t(`support.situations.${situation}.title`)}
              {situation === 'oneMacOnline' && <span className="tag"> {t('support.recommended')}</span>}
            </summary>
            <p className="muted">{t(`support.situations.${situation}.when`, { provider })}</p>
            <ol className="walkthrough-steps">
              {steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          </details>
        );
      })}
    </div>
  );
}
