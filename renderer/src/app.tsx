import type { ReactNode } from 'react';
import type { Phase } from './app-types';
import { AppFooter } from './components/app-footer';
import { AppHeader } from './components/app-header';
import { DemoBanner } from './components/demo-banner';
import { AttentionScreen } from './screens/attention-screen';
import { ConfirmScreen } from './screens/confirm-screen';
import { ConfirmingScreen } from './screens/confirming-screen';
import { ConnectingScreen } from './screens/connecting-screen';
import { IdleScreen } from './screens/idle-screen';
import { InformedScreen } from './screens/informed-screen';
import { SyncedScreen } from './screens/synced-screen';
import { UnreachableScreen } from './screens/unreachable-screen';
import { useIsDemo, usePhase } from './store/hooks';

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

/** The tray window: a header, the demo notice when it applies, the screen for the phase, a footer. */
export function App() {
  const phase = usePhase();
  const demo = useIsDemo();
  const Screen = SCREENS[phase];
  return (
    <div className="app" data-phase={phase} data-demo={demo || undefined}>
      <AppHeader />
      {demo && <DemoBanner />}
      <main className="screen">
        <Screen />
      </main>
      <AppFooter />
    </div>
  );
}
