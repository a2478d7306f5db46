import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';
import { ViewBack } from '../components/view-back';
import { useDiagnosticsWanted } from '../store/hooks';
import { DiagnosticsPanel } from '../support/diagnostics-panel';
import { SupportContact } from '../support/support-contact';
import { Walkthroughs } from '../support/walkthroughs';

/**
 * For the person and whoever helps them on the phone: what to do in each situation, who
 * to ask, and what to read out. Opened from a problem's "Diagnostics for IT support", it
 * starts at the diagnostics, so the support code is what the person sees and hears first.
 */
export function SupportView() {
  const { t } = useTranslation();
  const diagnosticsWanted = useDiagnosticsWanted();
  const diagnostics = useRef<HTMLDivElement>(null);

  // After the heading's own focus (a child's effect runs first), the diagnostics take it,
  // scrolled to the top of the window so their heading is what shows first.
  useEffect(() => {
    if (!diagnosticsWanted) return;
    diagnostics.current?.focus({ preventScroll: true });
    diagnostics.current?.scrollIntoView?.({ block: 'start' });
  }, [diagnosticsWanted]);

  return (
    <section className="screen-body support" aria-labelledby="support-heading">
      <ScreenHeading id="support-heading">{t('support.title')}</ScreenHeading>
      <p>{t('support.intro')}</p>
      <Walkthroughs />
      <SupportContact />
      <div ref={diagnostics} role="group" aria-label={t('support.diagnosticsTitle')} tabIndex={-1} data-diagnostics>
        <DiagnosticsPanel />
      </div>
      <ViewBack />
    </section>
  );
}
