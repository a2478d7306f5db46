import { useTranslation } from 'react-i18next';
import { useBridge } from '../bridge/bridge-context';

/** Hides the window (a no-op in the browser demo, where the page cannot close itself). */
export function DoneButton() {
  const { t } = useTranslation();
  const bridge = useBridge();
  return (
    <div className="actions">
      <button type="button" className="button button-primary" onClick={() => void bridge.closeWindow().catch(() => undefined)}>
        {t('common.done')}
      </button>
    </div>
  );
}
