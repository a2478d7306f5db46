/**
 * One builder of AppState values for the tray's tests (the core's and main's in
 * test/core/states.ts, the window's in renderer/test/app-states.ts): any phase, with
 * only the fields a test looks at given; each fixture supplies its own plausible
 * defaults. Types only from the contract, so the renderer's DOM-only checks take it too.
 */
import type { PendingChange, SyncResult } from '@pwsync/agent-protocol/schemas';
import type { AppState, Phase, Problem, ProgressEntry, SharedState, UnreachableReason } from '../src/contract';

/** The shared part, the phase, and whatever of that phase's own fields the test cares about. */
export interface StateFields extends Partial<SharedState> {
  phase?: Phase;
  change?: PendingChange | null;
  problem?: Problem;
  reason?: UnreachableReason;
  progress?: ProgressEntry[];
  /** synced: the result; when left out, the fixture's default. */
  result?: SyncResult;
  replaced?: string | null;
  stalled?: boolean;
  startedOver?: boolean;
}

export interface StateDefaults {
  shared: SharedState;
  /** The change a phase holds when the test gives none. */
  change(mode: PendingChange['mode']): PendingChange;
  /** The result of a synced state when the test gives none. */
  synced(base: SharedState): SyncResult;
}

export function buildAppState(defaults: StateDefaults, fields: StateFields = {}): AppState {
  const { phase = 'idle', change: given, problem, reason, progress, result, replaced = null, stalled = false, startedOver = false, ...shared } = fields;
  const base = { ...defaults.shared, ...shared };
  const change = given === undefined ? defaults.change(phase === 'informed' ? 'applied' : 'confirm') : given;
  switch (phase) {
    case 'connecting':
    case 'idle':
      return { ...base, phase };
    case 'unreachable':
      return { ...base, phase, reason: reason ?? 'notRunning' };
    case 'pending':
      if (change?.mode !== 'confirm') throw new Error('a pending state holds a change to confirm');
      return { ...base, phase, change: { ...change, mode: change.mode }, replaced };
    case 'informed':
      if (change?.mode !== 'applied') throw new Error('an informed state holds a change the agent applied');
      return { ...base, phase, change: { ...change, mode: change.mode } };
    case 'confirming':
      if (!change) throw new Error('a confirming state holds the change it syncs');
      return { ...base, phase, change, progress: progress ?? [], stalled };
    case 'synced':
      return { ...base, phase, result: result ?? defaults.synced(base), startedOver };
    case 'attention':
      return { ...base, phase, problem: problem ?? { code: 'internal' }, change };
  }
}
