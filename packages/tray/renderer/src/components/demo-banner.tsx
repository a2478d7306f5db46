import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../bridge/bridge-context';
import { useProvider, useSimulationAvailable } from '../store/hooks';

/** In a labelled region of its own, so it is a landmark like the rest of the window. */
export function DemoBanner() {
  const { t } = useTranslation();
  const simulationAvailable = useSimulationAvailable();
  return (
    <div className="demo-banner" role="region" aria-label={t('demo.title')}>
      <p role="note">
        <strong>{t('demo.title')}</strong> {t('demo.body')}
      </p>
      {simulationAvailable && <SimulateChange />}
    </div>
  );
}

type SimulateStatus = 'none' | 'sending' | 'sent' | 'failed';

/** Makes a password change as the identity provider would; it then arrives like any other, through the state. */
function SimulateChange() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const [status, setStatus] = useState<SimulateStatus>('none');

  async function simulate() {
    if (status === 'sending') return;
    setStatus('sending');
    try {
      const { ok } = await bridge.simulateChange();
      setStatus(ok ? 'sent' : 'failed');
    } catch {
      setStatus('failed');
    }
  }

  return (
    <div className="demo-simulate">
      <button type="button" className="button button-small" aria-disabled={status === 'sending'} onClick={simulate}>
        {t('demo.simulate', { provider })}
      </button>
      <p role="status">
        {status === 'sending' && t('demo.simulating')}
        {status === 'sent' && t('demo.simulated')}
        {status === 'failed' && t('demo.simulateFailed')}
      </p>
    </div>
  );
}
