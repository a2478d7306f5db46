import { useTranslation } from 'react-i18next';
import { AppHeader } from './components/app-header';
import { useRoute, type Route } from './components/use-route';
import { AccountsScreen } from './screens/accounts-screen';
import { AdminOnly } from './screens/admin-only';
import { AuditScreen } from './screens/audit-screen';
import { CodesScreen } from './screens/codes-screen';
import { FleetScreen } from './screens/fleet-screen';
import { PersonScreen } from './screens/person-screen';
import { SearchScreen } from './screens/search-screen';
import { SignInScreen } from './screens/sign-in-screen';
import { useSessionStore } from './store/session-store';

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'search':
      return <SearchScreen />;
    case 'person':
      return <PersonScreen key={route.userName} userName={route.userName} />;
    case 'fleet':
      return <FleetScreen />;
    case 'codes':
      return (
        <AdminOnly>
          <CodesScreen />
        </AdminOnly>
      );
    case 'accounts':
      return (
        <AdminOnly>
          <AccountsScreen />
        </AdminOnly>
      );
    case 'audit':
      return (
        <AdminOnly>
          <AuditScreen />
        </AdminOnly>
      );
  }
}

/** The page: the sign-in screen until someone is signed in, then the header and the screen the address names. */
export function App() {
  const { t } = useTranslation();
  const state = useSessionStore((s) => s.state);
  const route = useRoute();
  if (state.phase === 'loading') {
    return (
      <main id="main" className="main main-narrow">
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      </main>
    );
  }
  if (state.phase === 'signedOut') return <SignInScreen options={state.options} reason={state.reason} />;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <AppHeader route={route} account={state.session.account} />
      <main id="main" className="main" tabIndex={-1}>
        <Screen route={route} />
      </main>
    </>
  );
}
