/** The renderer's one store, built from slices; actions are named for what happened. */
import { createStore, type StoreApi, useStore } from 'zustand';
import type { AppState } from '../app-types';
import { type AgentSlice, createAgentSlice } from './agent-slice';
import { type ChangeSlice, createChangeSlice } from './change-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

export type AppStore = AgentSlice & ChangeSlice & UiSlice;

function createAppStore(first: AppState | null): StoreApi<AppStore> {
  return createStore<AppStore>()((...args) => ({
    ...createAgentSlice(...args),
    ...createChangeSlice(...args),
    ...createUiSlice(...args),
    appState: first,
  }));
}

let store = createAppStore(null);

/**
 * The store as a hook, with zustand's getState/setState/subscribe beside it.
 *
 * Written out rather than zustand's `create()`, so that the store can begin from a
 * known state (see startStoreFrom): a window drawn by its host is hydrated from the
 * store's *initial* state (zustand's server snapshot), which must be the state the
 * host drew, not "nothing known yet".
 */
export const useAppStore = Object.assign(<T>(selector: (state: AppStore) => T): T => useStore(store, selector), {
  getState: (): AppStore => store.getState(),
  setState: ((...args: Parameters<StoreApi<AppStore>['setState']>) => store.setState(...args)) as StoreApi<AppStore>['setState'],
  subscribe: (listener: Parameters<StoreApi<AppStore>['subscribe']>[0]) => store.subscribe(listener),
  getInitialState: (): AppStore => store.getInitialState(),
});

/**
 * A new store that begins from `first`: before the window's first render only (the
 * page, from the state its host drew it with), or before each render on the host.
 */
export function startStoreFrom(first: AppState | null): void {
  store = createAppStore(first);
}

/** Back to a fresh start, for tests. */
export function resetStore(): void {
  store = createAppStore(null);
}
