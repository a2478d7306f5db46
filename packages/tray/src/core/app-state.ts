/** What the core's consumers (tray, reminders, diagnostics) read off a state besides its phase. */
import type { PendingChange } from '@pwsync/agent-protocol';
import type { AppState } from '../contract';

/**
 * The change a state says waits: the change in hand where the phase has one; null
 * where the agent says none does (in sync, or just synced); undefined where the agent
 * cannot say (not reached yet, or out of reach), so the last word stands.
 */
export function waitingChange(state: AppState): PendingChange | null | undefined {
  switch (state.phase) {
    case 'pending':
    case 'informed':
    case 'confirming':
    case 'attention':
      return state.change;
    case 'idle':
    case 'synced':
      return null;
    case 'connecting':
    case 'unreachable':
      return undefined;
    default:
      // Every phase is named above: a new one fails to compile here.
      return state satisfies never;
  }
}
