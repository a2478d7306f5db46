import { useTranslation } from 'react-i18next';
import { useProvider } from '../store/hooks';

/**
 * A newer change replaced the one that waited (the person changed their password at the
 * provider again): said at once, above the emptied form, so nothing typed for the earlier
 * change is sent for this one and the person knows which password is now the new one.
 */
export function ReplacedNote() {
  const { t } = useTranslation();
  const provider = useProvider();
  return (
    <div className="note note-warning" data-replaced role="alert">
      <p className="note-title">{t('confirm.replaced.title')}</p>
      <p>{t('confirm.replaced.body', { provider })}</p>
    </div>
  );
}
