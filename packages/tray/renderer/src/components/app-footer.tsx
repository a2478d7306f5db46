import { useTranslation } from 'react-i18next';
import { useAgentInfo, usePolicy } from '../store/hooks';

/** Who to call and which agent: what support staff ask for first on the phone. */
export function AppFooter() {
  const { t } = useTranslation();
  const agent = useAgentInfo();
  const contact = usePolicy()?.supportContact;
  return (
    <footer className="app-footer">
      <p>{contact ? t('footer.contact', { contact }) : t('footer.help')}</p>
      {agent && (
        <p className="app-footer-detail">
          {t('footer.user', { user: agent.user })} · {t('footer.agentVersion', { version: agent.version })}
        </p>
      )}
    </footer>
  );
}
