import { useTranslation } from 'react-i18next';
import * as endpoints from '../api/endpoints';
import type { Session } from '../api/types';
import { useSessionStore } from '../store/session-store';
import { LanguagePicker } from './language-picker';
import { hrefFor, type Route } from './use-route';

const PLACES = [
  { screen: 'search', admin: false },
  { screen: 'fleet', admin: false },
  { screen: 'codes', admin: true },
  { screen: 'accounts', admin: true },
  { screen: 'audit', admin: true },
] as const;

/** The console's name, its places (the admin's only for admins), the language, who is signed in and signing out. */
export function AppHeader({ route, account }: { route: Route; account: Session['account'] }) {
  const { t } = useTranslation();
  const current = route.screen === 'person' ? 'search' : route.screen;
  async function signOut() {
    await endpoints.signOut().catch(() => undefined);
    await useSessionStore.getState().sessionEnded('signedOut');
  }
  return (
    <header className="app-header">
      <div className="app-brand">
        <span className="app-mark" aria-hidden="true" />
        <span className="app-name">{t('app.name')}</span>
      </div>
      <nav className="app-nav" aria-label={t('nav.label')}>
        <ul>
          {PLACES.filter((place) => !place.admin || account.role === 'admin').map((place) => (
            <li key={place.screen}>
              <a href={hrefFor({ screen: place.screen })} aria-current={current === place.screen ? 'page' : undefined}>
                {t(`nav.${place.screen}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="app-account">
        <LanguagePicker />
        <span className="account-name">
          {account.displayName} <span className="tag">{t(`roles.${account.role}`)}</span>
        </span>
        <button type="button" className="button button-quiet button-small" onClick={signOut}>
          {t('nav.signOut')}
        </button>
      </div>
    </header>
  );
}
