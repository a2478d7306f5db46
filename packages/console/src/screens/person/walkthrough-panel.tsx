import { useTranslation } from 'react-i18next';
import type { Situation } from '../../api/types';
import { CopyButton } from '../../components/copy-button';
import { trayWordsFor } from '../../i18n';
import { walkthroughText, withProvider } from '../../walkthroughs/pick-situations';
import { CONSOLE_SITUATIONS, type Walkthrough } from '../../walkthroughs/tray-words-types';

function Steps({ steps }: { steps: readonly string[] }) {
  return (
    <ol className="walkthrough-steps">
      {steps.map((step) => (
        <li key={step}>{step}</li>
      ))}
    </ol>
  );
}

function WalkthroughBody({ situation, walkthrough }: { situation: Situation; walkthrough: Walkthrough }) {
  const { t } = useTranslation();
  const headings = { offered: t('walkthrough.offered'), notOffered: t('walkthrough.notOffered') };
  return (
    <>
      <p className="muted">{walkthrough.when}</p>
      {walkthrough.stepsNotOffered ? (
        <>
          <p className="walkthrough-list-heading">{headings.offered}</p>
          <Steps steps={walkthrough.steps} />
          <p className="walkthrough-list-heading">{headings.notOffered}</p>
          <Steps steps={walkthrough.stepsNotOffered} />
        </>
      ) : (
        <Steps steps={walkthrough.steps} />
      )}
      <CopyButton text={walkthroughText(walkthrough, headings)} label={t('walkthrough.copy')} describedBy={`walkthrough-${situation}`} />
    </>
  );
}

/**
 * The walkthrough for this person's situation (the directory picks it from the devices'
 * state), in the tray's own words: the person reads the same steps in Help. The other
 * walkthroughs are a click away, for when support learns more on the phone.
 */
export function WalkthroughPanel({ situation, provider }: { situation: Situation | null; provider: string }) {
  const { t, i18n } = useTranslation();
  const words = trayWordsFor(i18n.language);
  const walkthroughOf = (which: Situation) => withProvider(words.situations[which], provider);
  const others = CONSOLE_SITUATIONS.filter((which) => which !== situation);
  return (
    <section className="panel walkthroughs" aria-labelledby="walkthrough-heading">
      <h2 id="walkthrough-heading" className="subheading">
        {t('walkthrough.title')}
      </h2>
      {situation === null ? (
        <p className="muted">{t('walkthrough.noDevices')}</p>
      ) : (
        <article className="walkthrough" data-situation={situation} aria-labelledby={`walkthrough-${situation}`}>
          <p className="muted small">{t('walkthrough.intro')}</p>
          <h3 id={`walkthrough-${situation}`} className="walkthrough-title">
            {walkthroughOf(situation).title}
          </h3>
          <WalkthroughBody situation={situation} walkthrough={walkthroughOf(situation)} />
        </article>
      )}
      <h3 className="walkthrough-title">{t('walkthrough.others')}</h3>
      {others.map((which) => (
        <details key={which} className="walkthrough walkthrough-other" data-situation={which}>
          <summary id={`walkthrough-${which}`}>{walkthroughOf(which).title}</summary>
          <WalkthroughBody situation={which} walkthrough={walkthroughOf(which)} />
        </details>
      ))}
    </section>
  );
}
