import { useTranslation } from 'react-i18next';
import { useAgentInfo } from '../store/hooks';

/** Who and which agent: what support staff ask for first on the phone. */
export function AppFooter() {
  const { t } = useTranslation();
  const agent = useAgentInfo();
  return (
    <footer className="app-footer">
      <p>{t('footer.help')}</p>
      {agent && (
        <p className="app-footer-detail">
          {t('footer.user', { user: agent.user })} · {t('footer.agentVersion', { version: agent.version })}
        </p>
      )}
    </footer>
  );
}
