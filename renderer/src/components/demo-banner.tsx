import { useTranslation } from 'react-i18next';

export function DemoBanner() {
  const { t } = useTranslation();
  return (
    <p className="demo-banner" role="note">
      <strong>{t('demo.title')}</strong> {t('demo.body')}
    </p>
  );
}
