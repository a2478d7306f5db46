import { useTranslation } from 'react-i18next';

/** In a labelled region of its own, so it is a landmark like the rest of the window. */
export function DemoBanner() {
  const { t } = useTranslation();
  return (
    <div role="region" aria-label={t('demo.title')}>
      <p className="demo-banner" role="note">
        <strong>{t('demo.title')}</strong> {t('demo.body')}
      </p>
    </div>
  );
}
