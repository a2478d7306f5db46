import { useTranslation } from 'react-i18next';
import { useAgentInfo, useDirectory, usePolicy, useProvider } from '../store/hooks';

/**
 * Who to call, whose password this is and which agent: what support staff ask for first
 * on the phone. The person is named as the identity provider knows them once the
 * directory said (in the demo, its person, not the account the practice agent runs as).
 */
export function AppFooter() {
  const { t } = useTranslation();
  const agent = useAgentInfo();
  const contact = usePolicy()?.supportContact;
  const account = useDirectory()?.userName ?? null;
  const provider = useProvider();
  return (
    <footer className="app-footer">
      <p>{contact ? t('footer.contact', { contact }) : t('footer.help')}</p>
      {agent && (
        <p className="app-footer-detail">
          {account ? t('footer.account', { account, provider }) : t('footer.user', { user: agent.user })} ·{' '}
          {t('footer.agentVersion', { version: agent.version })}
        </p>
      )}
    </footer>
  );
}
