import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../bridge/bridge-context';
import { changeOf } from '../app-types';
import { useAppStore } from '../store/app-store';
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

type SimulateStatus = { kind: 'none' | 'sending' | 'failed' } | { kind: 'sent'; before: string | null };

/**
 * Makes a password change as the identity provider would; it then arrives like any other,
 * through the state. "Sent" holds only until it has: once the waiting change is another
 * than when it was sent, the screen itself shows the change, and "will show" is no longer true.
 */
function SimulateChange() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const waiting = useAppStore((store) => changeOf(store.appState)?.id ?? null);
  const [sending, setSending] = useState<SimulateStatus>({ kind: 'none' });
  const status = sending.kind === 'sent' && sending.before !== waiting ? 'none' : sending.kind;

  async function simulate() {
    if (status === 'sending') return;
    const before = waiting;
    setSending({ kind: 'sending' });
    try {
      const { ok } = await bridge.simulateChange();
      setSending(ok ? { kind: 'sent', before } : { kind: 'failed' });
    } catch {
      setSending({ kind: 'failed' });
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
