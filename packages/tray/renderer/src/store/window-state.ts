/**
 * What the window draws. The app's state comes decided (the core chose its phase and
 * gave it what its screen needs), and is drawn as it is. The page lays over it only
 * what it knows first-hand and the app cannot: that it lost its own link to the app,
 * or a problem its own call was answered with before the app's push says so.
 */
import type { PageState, WindowState } from '../app-types';
import type { AppStore } from './app-store';

const NOTHING_YET: PageState = { phase: 'connecting' };
const APP_LOST: PageState = { phase: 'unreachable', reason: 'appConnectionLost' };

/** Always one of the store's own values, so a component re-renders only when what it draws changes. */
export function selectWindowState(store: AppStore): WindowState {
  if (store.connectionLost) return APP_LOST;
  return store.answered ?? store.appState ?? NOTHING_YET;
}
