import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/app-store';

/** Opens Help at the diagnostics, where the person finds the support code and Copy diagnostics: the way to what support needs. */
export function DiagnosticsButton() {
  const { t } = useTranslation();
  return (
    <div className="actions actions-start">
      <button type="button" className="button button-secondary" onClick={() => useAppStore.getState().diagnosticsRequested()}>
        {t('support.diagnosticsTitle')}
      </button>
    </div>
  );
}
