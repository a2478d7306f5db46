import { useTranslation } from 'react-i18next';
import { PageHeading } from '../components/page-heading';
import { useIsAdmin } from '../store/session-store';

/** An administrator's screen; a support account that follows a link here is told, and the server refuses its calls anyway. */
export function AdminOnly({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  if (useIsAdmin()) return children;
  return (
    <section>
      <PageHeading>{t('adminOnly.title')}</PageHeading>
      <p>{t('adminOnly.body')}</p>
    </section>
  );
}
