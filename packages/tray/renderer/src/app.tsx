import type { ReactNode } from 'react';
import type { Phase } from './app-types';
import { AppFooter } from './components/app-footer';
import { AppHeader } from './components/app-header';
import { DemoBanner } from './components/demo-banner';
import { useEscapeCloses } from './hooks/use-escape-closes';
import { usePolicyLanguage } from './i18n/use-policy-language';
import { AttentionScreen } from './screens/attention-screen';
import { ConfirmScreen } from './screens/confirm-screen';
import { ConfirmingScreen } from './screens/confirming-screen';
import { ConnectingScreen } from './screens/connecting-screen';
import { IdleScreen } from './screens/idle-screen';
import { InformedScreen } from './screens/informed-screen';
import { StatusView } from './screens/status-view';
import { SupportView } from './screens/support-view';
import { SyncedScreen } from './screens/synced-screen';
import { UnreachableScreen } from './screens/unreachable-screen';
import { useIsDemo, usePhase, useView } from './store/hooks';

const SCREENS: Record<Phase, () => ReactNode> = {
  connecting: ConnectingScreen,
  unreachable: UnreachableScreen,
  idle: IdleScreen,
  pending: ConfirmScreen,
  confirming: ConfirmingScreen,
  synced: SyncedScreen,
  attention: AttentionScreen,
  informed: InformedScreen,
};

/** The tray window: a header, the demo notice when it applies, the screen for the phase (or the status or support view), a footer. */
export function App() {
  const phase = usePhase();
  const demo = useIsDemo();
  const view = useView();
  usePolicyLanguage();
  useEscapeCloses();
  const Screen = SCREENS[phase];
  return (
    <div className="app" data-phase={phase} data-view={view} data-demo={demo || undefined}>
      <AppHeader />
      {demo && <DemoBanner />}
      <main className="screen">
        {view === 'status' && <StatusView />}
        {view === 'support' && <SupportView />}
        {/* The form stays mounted under a sub-view only by not being there at all: its fields are cleared when it goes. */}
        {view === 'main' && <Screen />}
      </main>
      <AppFooter />
    </div>
  );
}
