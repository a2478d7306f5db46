import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/app-store';

/** Back from the status or support view to the screen the person was on. */
export function ViewBack() {
  const { t } = useTranslation();
  return (
    <div className="actions">
      <button type="button" className="button button-secondary" onClick={() => useAppStore.getState().viewRequested('main')}>
        {t('common.back')}
      </button>
    </div>
  );
}
