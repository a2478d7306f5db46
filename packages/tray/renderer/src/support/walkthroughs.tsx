import { useTranslation } from 'react-i18next';
import type { Platform } from '../app-types';
import { usePlatform, useProvider } from '../store/hooks';

export const SITUATIONS = ['oneMacOnline', 'oneMacOffline', 'severalMacsOnline', 'severalMacsSomeOffline', 'windows', 'linux'] as const;
export type Situation = (typeof SITUATIONS)[number];

/** The walkthrough that fits the computer the app runs on is open to begin with. */
const OPEN_FOR: Record<Platform, Situation> = { darwin: 'oneMacOnline', win32: 'windows', linux: 'linux' };

/** One walkthrough per situation, as numbered steps support can read along with. */
export function Walkthroughs() {
  const { t } = useTranslation();
  const provider = useProvider();
  const platform = usePlatform();
  return (
    <div className="walkthroughs">
      <h2 className="subheading">{t('support.walkthroughsTitle')}</h2>
      {SITUATIONS.map((situation) => {
        const steps = t(`support.situations.${situation}.steps`, { returnObjects: true, provider }) as readonly string[];
        return (
          <details key={situation} className="walkthrough" data-situation={situation} open={OPEN_FOR[platform] === situation}>
            <summary>
              {t(`support.situations.${situation}.title`)}
              {situation === 'oneMacOnline' && <span className="tag"> {t('support.recommended')}</span>}
            </summary>
            <p className="muted">{t(`support.situations.${situation}.when`)}</p>
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
