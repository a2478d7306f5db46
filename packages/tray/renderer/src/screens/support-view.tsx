import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';
import { ViewBack } from '../components/view-back';
import { DiagnosticsPanel } from '../support/diagnostics-panel';
import { SupportContact } from '../support/support-contact';
import { Walkthroughs } from '../support/walkthroughs';

/** For the person and whoever helps them on the phone: what to do in each situation, who to ask, and what to read out. */
export function SupportView() {
  const { t } = useTranslation();
  return (
    <section className="screen-body support" aria-labelledby="support-heading">
      <ScreenHeading id="support-heading">{t('support.title')}</ScreenHeading>
      <p>{t('support.intro')}</p>
      <Walkthroughs />
      <SupportContact />
      <DiagnosticsPanel />
      <ViewBack />
    </section>
  );
}
