import type { WindowState } from './app-types';
import { AppFooter } from './components/app-footer';
import { AppHeader } from './components/app-header';
import { DemoBanner } from './components/demo-banner';
import { AddressNeededScreen } from './demo/address-needed-screen';
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
import { useIsDemo, useView, useWindowState } from './store/hooks';

/** The tray window: a header, the demo notice when it applies, the screen for the phase (or the status or support view), a footer. */
export function App() {
  const state = useWindowState();
  const addressNeeded = state.phase === 'addressNeeded';
  // Only the browser demo's page can be refused its address, so it is the demo even before any state says so.
  const demo = useIsDemo() || addressNeeded;
  const chosenView = useView();
  // Such a page has no facts for Status and no report for Help: it keeps to what to do.
  const view = addressNeeded ? 'main' : chosenView;
  usePolicyLanguage();
  useEscapeCloses();
  return (
    <div className="app" data-phase={state.phase} data-view={view} data-demo={demo || undefined}>
      <AppHeader />
      {/* Only the header stays put: in a small or zoomed window the screen gets all the room
          there is, and the demo notice and the footer scroll with it. */}
      <div className="app-scroll">
        {demo && <DemoBanner />}
        <main className="screen">
          {view === 'status' && <StatusView state={state} />}
          {view === 'support' && <SupportView />}
          {/* The form stays mounted under a sub-view only by not being there at all: its fields are cleared when it goes. */}
          {view === 'main' && <PhaseScreen state={state} />}
        </main>
        <AppFooter />
      </div>
    </div>
  );
}

/** The phase's screen, given what its phase holds. */
function PhaseScreen({ state }: { state: WindowState }) {
  switch (state.phase) {
    case 'connecting':
      return <ConnectingScreen />;
    case 'addressNeeded':
      return <AddressNeededScreen />;
    case 'unreachable':
      return <UnreachableScreen reason={state.reason} />;
    case 'idle':
      return <IdleScreen />;
    case 'pending':
      return <ConfirmScreen state={state} />;
    case 'confirming':
      return <ConfirmingScreen progress={state.progress} stalled={state.stalled} />;
    case 'synced':
      return <SyncedScreen result={state.result} startedOver={state.startedOver} />;
    case 'attention':
      return <AttentionScreen problem={state.problem} />;
    case 'informed':
      return <InformedScreen change={state.change} />;
    default:
      // Every phase has its screen: a new one fails to compile here.
      return state satisfies never;
  }
}
