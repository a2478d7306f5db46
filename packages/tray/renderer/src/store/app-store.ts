/** The renderer's one store, built from slices; actions are named for what happened. */
import { create } from 'zustand';
import { type AgentSlice, createAgentSlice } from './agent-slice';
import { type ChangeSlice, createChangeSlice } from './change-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

export type AppStore = AgentSlice & ChangeSlice & UiSlice;

export const useAppStore = create<AppStore>()((...args) => ({
  ...createAgentSlice(...args),
  ...createChangeSlice(...args),
  ...createUiSlice(...args),
}));

/** Back to a fresh start, for tests. */
export function resetStore(): void {
  useAppStore.setState(useAppStore.getInitialState(), true);
}
