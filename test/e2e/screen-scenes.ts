/**
 * Every screen and state of the window, as the screenshot test (screens.spec.ts) walks
 * them: each scene is a state the app could push (built here as the core would build
 * it), the view it is seen in, and what the person does on it first (typing, a click).
 * The passwords typed are the test's own and are searched for in the page afterwards.
 */
import type { Page } from '@playwright/test';
import type { AppState, Phase, Problem, ProgressEntry, SharedState, View } from '../../packages/tray/src/contract';

type Change = { id: string; createdAt: string; provider: string; mode: 'confirm' | 'applied' };
type Result = NonNullable<SharedState['lastResult']>;

export const TYPED = { next: 'Scene-new-pass 4!', previous: 'Scene-prev-pass 8?' };

const CHANGE: Change = { id: 'chg_scene1', createdAt: '2025-11-28T09:00:00.000Z', provider: 'Okta', mode: 'confirm' };
const NEWER: Change = { ...CHANGE, id: 'chg_scene2', createdAt: '2025-11-28T09:30:00.000Z' };
const APPLIED: Change = { ...CHANGE, mode: 'applied' };
const ALL_STEPS = ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault', 'report'] as const;

function result(completedSteps: Result['completedSteps']): Result {
  return { changeId: CHANGE.id, outcome: 'synced', finishedAt: '2025-11-28T09:05:00.000Z', completedSteps, failedStep: null, errorCode: null };
}

/** The shared part as the core has it with a practice Mac connected, in the scene's language; policy offering the start-over path. */
function shared(language: string, overrides: Partial<SharedState> = {}): SharedState {
  return {
    platform: 'darwin',
    policy: {
      organization: 'Example Corp',
      supportUrl: 'https://support.example.com/pwsync',
      supportContact: 'IT Help Desk, extension 4357',
      newKeychainOffered: true,
      language,
      problems: [],
    },
    demo: true,
    agent: { version: '0.1.0', platform: 'darwin', backend: 'sandbox', user: 'alex', newKeychainAllowed: true },
    provider: 'Okta',
    directory: { state: 'online', account: 'active', syncEnabled: true, userName: 'alex@example.com' },
    lastCheckIn: '2025-11-28T08:30:00.000Z',
    lastResult: null,
    simulationAvailable: true,
    attempts: { left: 5, lockedUntil: null },
    notificationsBlocked: false,
    ...overrides,
  };
}

type PhaseOf<P extends Phase> = Omit<Extract<AppState, { phase: P }>, keyof SharedState>;
type AnyPhase = { [P in Phase]: PhaseOf<P> }[Phase];

export interface Scene {
  name: string;
  /** The state as the app pushes it, in a language. */
  state(language: string): AppState;
  view?: View;
  /** What the person does before the screenshot. */
  act?(page: Page): Promise<void>;
  /** The docs/screenshots file this scene refreshes, in English, light, at 100 %. */
  docs?: string;
}

function scene(name: string, phase: AnyPhase, overrides: Partial<SharedState> = {}, extra: Omit<Scene, 'name' | 'state'> = {}): Scene {
  return { name, state: (language) => ({ ...shared(language, overrides), ...phase }) as AppState, ...extra };
}

const pending: AnyPhase = { phase: 'pending', change: { ...CHANGE, mode: 'confirm' }, replaced: null };
const attention = (problem: Problem): AnyPhase => ({ phase: 'attention', problem, change: CHANGE });
const progress = (states: ProgressEntry['state'][]): ProgressEntry[] => ALL_STEPS.map((step, i) => ({ step, state: states[i] ?? 'pending' }));
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

async function toStepTwo(page: Page): Promise<void> {
  await page.locator('#new-password').fill(TYPED.next);
  await page.keyboard.press('Enter');
  await page.locator('#previous-password').waitFor();
  await page.locator('#previous-password').fill(TYPED.previous);
}

async function toExplanation(page: Page): Promise<void> {
  await page.locator('#new-password').fill(TYPED.next);
  await page.keyboard.press('Enter');
  await page.locator('.forgot-link button').click();
  await page.locator('[data-step="forgot"]').waitFor();
}

async function toStartOverForm(page: Page): Promise<void> {
  await toExplanation(page);
  await page.locator('#start-over-understood').check();
  await page.locator('[data-step="forgot"] button[type="submit"]').click();
  await page.locator('#start-over-new-password').fill(TYPED.next);
}

export const SCENES: Scene[] = [
  scene('unreachable-not-running', { phase: 'unreachable', reason: 'notRunning' }, { agent: null }, { docs: 'unreachable' }),
  scene('unreachable-untrusted', { phase: 'unreachable', reason: 'untrusted' }, { agent: null }),
  scene('unreachable-version', { phase: 'unreachable', reason: 'versionMismatch' }, { agent: null }),
  scene('unreachable-handshake', { phase: 'unreachable', reason: 'handshakeFailed' }, { agent: null }),
  scene('idle', { phase: 'idle' }, {}, { docs: 'idle' }),
  scene('idle-directory-notices', { phase: 'idle' }, { directory: { state: 'online', account: 'deactivated', syncEnabled: false, userName: 'alex@example.com' } }),
  scene('idle-notifications-blocked', { phase: 'idle' }, { notificationsBlocked: true }),
  scene('confirm-new-password', pending, {}, { docs: 'confirm-new-password' }),
  scene('confirm-new-password-empty', pending, {}, { act: (page) => page.locator('.actions button[type="submit"]').click() }),
  scene('confirm-previous-password', pending, {}, { act: toStepTwo, docs: 'confirm-previous-password' }),
  scene('confirm-previous-last-try', pending, { attempts: { left: 1, lockedUntil: null } }, { act: toStepTwo }),
  scene('confirm-replaced', { ...pending, change: { ...NEWER, mode: 'confirm' }, replaced: CHANGE.id } as AnyPhase, {}, { docs: 'confirm-replaced' }),
  scene('start-over-explained', pending, {}, { act: toExplanation, docs: 'start-over-explained' }),
  scene('start-over-explained-untick', pending, {}, { act: async (page) => {
    await toExplanation(page);
    // As a keyboard does it: the button is there to say why it cannot go on yet.
    await page.locator('[data-step="forgot"] button[type="submit"]').focus();
    await page.keyboard.press('Enter');
  } }),
  scene('start-over-new-password', pending, {}, { act: toStartOverForm, docs: 'start-over-new-password' }),
  scene('confirming', { phase: 'confirming', change: CHANGE, progress: progress(['done', 'done', 'done', 'running']), stalled: false }, {}, { docs: 'confirming' }),
  scene('confirming-stalled', { phase: 'confirming', change: CHANGE, progress: progress(['done', 'done', 'done', 'done', 'running']), stalled: true }),
  scene('synced', { phase: 'synced', result: result([...ALL_STEPS]), startedOver: false }, { lastResult: result([...ALL_STEPS]) }, { docs: 'synced' }),
  scene('synced-started-over', { phase: 'synced', result: result(['verifyNew', 'account', 'keychain', 'fileVault', 'report']), startedOver: true }),
  scene('synced-file-vault-skipped', { phase: 'synced', result: result(['verifyNew', 'verifyPrevious', 'account', 'keychain', 'report']), startedOver: false }),
  scene('attention-previous-wrong', attention({ code: 'previousPasswordWrong', attemptsLeft: 2 }), { attempts: { left: 2, lockedUntil: null } }, { docs: 'attention-previous-wrong' }),
  scene('attention-new-mismatch', attention({ code: 'newPasswordMismatch', attemptsLeft: 3 })),
  {
    name: 'attention-locked-out',
    state: (language) => {
      const until = minutesFromNow(2);
      return { ...shared(language, { attempts: { left: 0, lockedUntil: until } }), ...attention({ code: 'lockedOut', retryAfterSeconds: 120, lockedUntil: until }) } as AppState;
    },
    docs: 'attention-locked-out',
  },
  {
    name: 'attention-lockout-over',
    state: (language) => {
      const until = minutesFromNow(-1);
      return { ...shared(language, { attempts: { left: 0, lockedUntil: until } }), ...attention({ code: 'lockedOut', retryAfterSeconds: 60, lockedUntil: until }) } as AppState;
    },
  },
  scene('attention-replaced', attention({ code: 'changeNotFound' })),
  scene(
    'attention-step-failed',
    attention({ code: 'stepFailed', step: 'keychain', completedSteps: ['verifyNew', 'verifyPrevious', 'account'], retrySafe: false, remedy: 'contactSupport', failureReason: 'The login keychain is not on the previous password' }),
    {},
    { docs: 'attention-step-failed' },
  ),
  scene('attention-step-failed-retry', attention({ code: 'stepFailed', step: 'fileVault', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain'], retrySafe: true, remedy: 'retry' })),
  scene('attention-checking', attention({ code: 'outcomeUnknown' }), { agent: null }, { docs: 'attention-checking' }),
  scene('attention-password-not-accepted', attention({ code: 'passwordNotAccepted', field: 'newPassword' })),
  scene(
    'attention-not-allowed',
    attention({
      code: 'notAllowed',
      notAllowedReason: 'managedAccount',
      failureReason: "Platform SSO manages this account's password and keeps it in step with the identity provider itself, so pwsync leaves it alone. Use the password Platform SSO asks for when you sign in or unlock.",
    }),
  ),
  scene('attention-already-running', attention({ code: 'syncAlreadyRunning' })),
  scene('attention-internal', attention({ code: 'internal' })),
  scene('informed-linux', { phase: 'informed', change: { ...APPLIED, mode: 'applied' } }, { platform: 'linux', agent: { version: '0.1.0', platform: 'linux', backend: 'linux', user: 'alex', newKeychainAllowed: false } }, { docs: 'informed' }),
  scene('informed-windows', { phase: 'informed', change: { ...APPLIED, mode: 'applied' } }, { platform: 'win32', notificationsBlocked: true, agent: { version: '0.1.0', platform: 'win32', backend: 'win32', user: 'alex', newKeychainAllowed: false } }),
  scene(
    'informed-linux-keyring',
    { phase: 'informed', change: { ...APPLIED, mode: 'applied' } },
    { platform: 'linux', agent: { version: '0.1.0', platform: 'linux', backend: 'linux', user: 'alex', newKeychainAllowed: false } },
    { act: async (page) => {
      await page.locator('[data-rekey] button').click();
      await toStepTwo(page);
    } },
  ),
  scene('status', pending, {
    directory: { state: 'offline', account: 'active', syncEnabled: true, userName: 'alex@example.com' },
    attempts: { left: 3, lockedUntil: null },
    notificationsBlocked: true,
    lastResult: { changeId: 'chg_scene0', outcome: 'failed', finishedAt: '2025-11-27T10:00:00.000Z', completedSteps: ['verifyNew', 'verifyPrevious', 'account'], failedStep: 'keychain', errorCode: -32015 },
  }, { view: 'status', docs: 'status' }),
  scene('status-not-connected', { phase: 'unreachable', reason: 'notRunning' }, { agent: null }, { view: 'status' }),
  scene('help', pending, {}, { view: 'support', docs: 'help' }),
  scene('help-diagnostics', attention({ code: 'internal' }), {}, { act: async (page) => {
    await page.locator('.actions-start button').last().click();
    await page.locator('[data-support-code]').waitFor();
  } }),
];
