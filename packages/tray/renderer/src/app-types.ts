/**
 * Types the renderer uses, all derived from the contract. The renderer imports only
 * types from packages/tray/src/contract.ts (never zod schemas at run time), so the names it
 * needs that the contract does not export are taken from AppState here.
 */
import type { AppState, Problem } from '../../src/contract';

export type {
  AppState,
  ConfirmOutcome,
  ConfirmRequest,
  DiagnosticsReport,
  Phase,
  PolicyView,
  Problem,
  ProblemCode,
  PwsyncBridge,
  StartOverRequest,
  UnreachableReason,
  View,
} from '../../src/contract';

export type ProgressEntry = AppState['progress'][number];
export type SyncStep = ProgressEntry['step'];
export type StepState = ProgressEntry['state'];
export type PendingChange = NonNullable<AppState['pendingChange']>;
export type Remedy = NonNullable<Problem['remedy']>;
export type Platform = AppState['platform'];
export type LastResult = NonNullable<AppState['lastResult']>;

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
