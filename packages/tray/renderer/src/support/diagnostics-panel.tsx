import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticsReport } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { useAppStore } from '../store/app-store';
import { usePolicy } from '../store/hooks';

type CopyStatus = 'none' | 'copied' | 'failed';

/**
 * The report support reads: a short code to say on the phone, the text itself (built
 * and redacted by the app, never holding a secret), and a way to copy it.
 *
 * The app derives the code from the state the report describes (core/diagnostics.ts),
 * so the panel asks again whenever the app's state changes: the code on screen is then
 * always the one a copy made now carries, and the one the app logs.
 */
export function DiagnosticsPanel() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const policyProblems = usePolicy()?.problems ?? [];
  const appState = useAppStore((store) => store.appState);
  const [report, setReport] = useState<DiagnosticsReport | null | 'failed'>(null);
  const [copy, setCopy] = useState<CopyStatus>('none');

  useEffect(() => {
    let current = true;
    // The report shown stays until the new one is in, so the code does not flicker.
    bridge.getDiagnostics().then(
      (answer) => current && setReport(answer),
      () => current && setReport('failed'),
    );
    return () => {
      current = false;
    };
  }, [bridge, appState]);

  async function copyReport() {
    try {
      setCopy((await bridge.copyDiagnostics()).ok ? 'copied' : 'failed');
    } catch {
      setCopy('failed');
    }
  }

  return (
    <div className="diagnostics">
      <h2 className="subheading">{t('support.diagnosticsTitle')}</h2>
      <p>{t('support.diagnosticsIntro')}</p>
      {policyProblems.length > 0 && (
        <p className="note" data-policy-problems>
          {t('support.policyProblems', { fields: policyProblems.map((problem) => problem.field).join(', ') })}
        </p>
      )}
      {report === null && <p className="muted">{t('support.diagnosticsLoading')}</p>}
      {report === 'failed' && <p>{t('support.diagnosticsFailed')}</p>}
      {report && report !== 'failed' && (
        <>
          <p>
            {t('support.supportCode')} <strong className="support-code" data-support-code>{report.supportCode}</strong>
          </p>
          <details className="report">
            <summary>{t('support.showReport')}</summary>
            <pre className="report-text">{report.text}</pre>
          </details>
        </>
      )}
      <div className="actions actions-start">
        <button type="button" className="button button-secondary" onClick={copyReport}>
          {t('support.copy')}
        </button>
      </div>
      <p className="muted" role="status">
        {copy === 'copied' && t('support.copied')}
        {copy === 'failed' && t('support.copyFailed')}
      </p>
    </div>
  );
}
