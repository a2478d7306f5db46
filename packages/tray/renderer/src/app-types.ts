/**
 * Types the renderer uses, all derived from the contract. The renderer imports only
 * types from packages/tray/src/contract.ts (never zod schemas at run time), so the names it
 * needs that the contract does not export are taken from its types here.
 */
import type { AppState, Problem, SharedState, StateOf } from '../../src/contract';

export type {
  AgentInfo,
  AppState,
  ConfirmOutcome,
  ConfirmRequest,
  DiagnosticsReport,
  DirectoryView,
  Phase,
  PolicyView,
  Problem,
  ProblemCode,
  ProgressEntry,
  PwsyncBridge,
  SharedState,
  StartOverRequest,
  StateOf,
  UnreachableReason,
  View,
} from '../../src/contract';

export type SyncStep = StateOf<'confirming'>['progress'][number]['step'];
export type StepState = StateOf<'confirming'>['progress'][number]['state'];
export type PendingChange = StateOf<'confirming'>['change'];
export type Remedy = NonNullable<Problem['remedy']>;
export type Platform = SharedState['platform'];
export type LastResult = NonNullable<SharedState['lastResult']>;

/**
 * What the page knows first-hand, drawn as the app's own phases are: nothing yet (before
 * the first state), that the browser demo's server does not accept it (addressNeeded:
 * opened without its token), that it lost its own link to the app (browser demo), or a
 * problem a call of its own answered before the app's state said so.
 */
export type PageState =
  | { phase: 'connecting' }
  | { phase: 'addressNeeded' }
  | { phase: 'unreachable'; reason: 'appConnectionLost' }
  | { phase: 'attention'; problem: Problem; change: PendingChange | null };

/** What the window draws: the app's state as the core decided it, or the page's own knowledge (see store/window-state.ts). */
export type WindowState = AppState | PageState;

/** Why the window says the app or its agent is out of reach. */
export type ShownUnreachable = Extract<WindowState, { phase: 'unreachable' }>['reason'];

/** The sync's steps in the order the agent runs them (docs/architecture.md, "The sync"). */
export const SYNC_STEP_ORDER = [
  'verifyNew',
  'verifyPrevious',
  'account',
  'keychain',
  'fileVault',
  'report',
] as const satisfies readonly SyncStep[];

// Fails to compile if the agent adds a step this list does not name.
type AssertNever<T extends never> = T;
export type UnlistedSteps = AssertNever<Exclude<SyncStep, (typeof SYNC_STEP_ORDER)[number]>>;

/** The change the window's state holds, where its phase has one. */
export function changeOf(state: WindowState | null): PendingChange | null {
  return state !== null && 'change' in state ? state.change : null;
}
