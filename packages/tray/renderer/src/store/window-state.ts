/**
 * What the window draws. The app's state comes decided (the core chose its phase and
 * gave it what its screen needs), and is drawn as it is. The page lays over it only
 * what it knows first-hand and the app cannot: that the browser demo's server does not
 * accept it, that it lost its own link to the app, or a problem its own call was
 * answered with before the app's push says so.
 */
import type { PageState, WindowState } from '../app-types';
import type { AppStore } from './app-store';

const NOTHING_YET: PageState = { phase: 'connecting' };
const APP_LOST: PageState = { phase: 'unreachable', reason: 'appConnectionLost' };
const ADDRESS_NEEDED: PageState = { phase: 'addressNeeded' };

/** Always one of the store's own values, so a component re-renders only when what it draws changes. */
export function selectWindowState(store: AppStore): WindowState {
  // First: a page the server does not accept knows nothing of the app, not even that it went away.
  if (store.addressNeeded) return ADDRESS_NEEDED;
  if (store.connectionLost) return APP_LOST;
  return store.answered ?? store.appState ?? NOTHING_YET;
}
