import { useTranslation } from 'react-i18next';
import type { DeviceView } from '../../api/types';
import { CopyButton } from '../../components/copy-button';
import { trayWordsFor } from '../../i18n';
import { pickSituations, walkthroughText, withProvider } from '../../walkthroughs/pick-situations';

/**
 * The walkthrough for this person's situation, picked from their devices' state, in the
 * tray's own words (the person reads the same steps in Help) and with "copy" to send it.
 */
export function WalkthroughPanel({ devices, provider }: { devices: DeviceView[]; provider: string }) {
  const { t, i18n } = useTranslation();
  const situations = pickSituations(devices);
  const words = trayWordsFor(i18n.language);
  return (
    <section className="panel" aria-labelledby="walkthrough-heading">
      <h2 id="walkthrough-heading" className="subheading">
        {t('walkthrough.title')}
      </h2>
      {situations.length === 0 ? (
        <p className="muted">{t('walkthrough.noDevices')}</p>
      ) : (
        <>
          <p className="muted small">{t('walkthrough.intro')}</p>
          {situations.map((situation) => {
            const walkthrough = withProvider(words.situations[situation], provider);
            return (
              <article key={situation} className="walkthrough" data-situation={situation} aria-labelledby={`walkthrough-${situation}`}>
                <h3 id={`walkthrough-${situation}`} className="walkthrough-title">
                  {walkthrough.title}
                </h3>
                <p className="muted">{walkthrough.when}</p>
                <ol className="walkthrough-steps">
                  {walkthrough.steps.map((step) => (
                    <li key={step}>{step}</li>
                  ))}
                </ol>
                <CopyButton text={walkthroughText(walkthrough)} label={t('walkthrough.copy')} describedBy={`walkthrough-${situation}`} />
              </article>
            );
          })}
        </>
      )}
    </section>
  );
}
