/**
 * The bridge the browser demo uses when there is no Electron preload: the same
 * PwsyncBridge, spoken over HTTP to the demo server that served the page.
 * Calls are POST /api/invoke/<name>; state arrives as server-sent events.
 */
import type { AppState, ConfirmOutcome, ConfirmRequest, DiagnosticsReport, StartOverRequest } from '../app-types';
import { BRIDGE_ERROR_CODES, type BridgeErrorCode, type RendererBridge, UNREACHABLE_ERROR } from './bridge-types';
import { type AddressHistory, type AddressLocation, takeTokenFromAddress } from './address-token';

type InvokeName = 'getState' | 'confirmChange' | 'startOver' | 'checkIn' | 'dismissProblem' | 'getDiagnostics' | 'simulateChange';

/** The part of EventSource the bridge uses, so tests can pass a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface HttpBridgeEnvironment {
  location: AddressLocation;
  history: AddressHistory;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  createEventSource: (url: string) => EventSourceLike;
  setTimeout: (callback: () => void, ms: number) => unknown;
  /** The page's own clipboard: a server cannot reach it. */
  writeClipboard: (text: string) => Promise<void>;
  /** A new browser tab, opened by the page itself. */
  openWindow: (url: string) => void;
}

const EVENT_SOURCE_CLOSED = 2;
/** How long to wait before opening a new stream when the browser gave up on one. */
const REOPEN_DELAY_MS = 3000;

export function createHttpBridge(env: HttpBridgeEnvironment): RendererBridge {
  const token = takeTokenFromAddress(env.location, env.history);
  const stateListeners = new Set<(state: AppState) => void>();
  const lostListeners = new Set<() => void>();
  let source: EventSourceLike | undefined;
  let lost = false;
  // The latest state seen, for the support address openSupport needs.
  let latest: AppState | undefined;

  function connectionLost(): void {
    lost = true;
    for (const listener of lostListeners) listener();
  }

  function emitState(state: AppState): void {
    lost = false;
    latest = state;
    for (const listener of stateListeners) listener(state);
  }

  async function invoke<T>(name: InvokeName, args: unknown[]): Promise<T> {
    let response: Response;
    try {
      response = await env.fetch(`/api/invoke/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Pwsync-Token': token },
        body: JSON.stringify(args),
        cache: 'no-store',
        credentials: 'same-origin',
      });
    } catch {
      // The network error's own text is not shown or kept: it can carry the URL.
      connectionLost();
      throw new Error(UNREACHABLE_ERROR);
    }
    if (response.status !== 200) throw new Error(await errorCodeOf(response));
    try {
      return (await response.json()) as T;
    } catch {
      throw new Error('internal' satisfies BridgeErrorCode);
    }
  }

  function openEvents(): void {
    let sawState = false;
    const opened = env.createEventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source = opened;
    opened.addEventListener('stateChanged', (event) => {
      const state = parseState(event.data);
      if (!state) return;
      sawState = true;
      emitState(state);
    });
    opened.addEventListener('open', () => {
      // Back after a loss: ask for the state in case the server does not push one on connect.
      if (!lost) return;
      invoke<AppState>('getState', []).then(
        (state) => {
          if (!sawState && source === opened) emitState(state);
        },
        () => undefined,
      );
    });
    opened.addEventListener('error', () => {
      if (source !== opened) return;
      connectionLost();
      // EventSource retries by itself unless the server refused the stream (a stale
      // token, a restarted server): then it is closed for good and we open a new one.
      if (opened.readyState === EVENT_SOURCE_CLOSED) {
        source = undefined;
        env.setTimeout(() => {
          if (!source && stateListeners.size > 0) openEvents();
        }, REOPEN_DELAY_MS);
      }
    });
  }

  function closeEventsIfUnused(): void {
    if (stateListeners.size > 0 || !source) return;
    source.close();
    source = undefined;
  }

  async function getState(): Promise<AppState> {
    latest = await invoke<AppState>('getState', []);
    return latest;
  }

  return {
    getState,
    confirmChange: (request: ConfirmRequest) => invoke<ConfirmOutcome>('confirmChange', [request]),
    startOver: (request: StartOverRequest) => invoke<ConfirmOutcome>('startOver', [request]),
    checkIn: () => invoke<{ ok: boolean }>('checkIn', []),
    dismissProblem: () => invoke<{ ok: boolean }>('dismissProblem', []),
    getDiagnostics: () => invoke<DiagnosticsReport>('getDiagnostics', []),
    simulateChange: () => invoke<{ ok: boolean }>('simulateChange', []),
    // The demo server answers these three with {ok:false}: it cannot reach the
    // browser's clipboard or tabs. The page does what it can itself.
    async copyDiagnostics() {
      try {
        const report = await invoke<DiagnosticsReport>('getDiagnostics', []);
        await env.writeClipboard(report.text);
        return { ok: true };
      } catch {
        return { ok: false };
      }
    },
    async openSupport() {
      const url = (latest ?? (await getState().catch(() => undefined)))?.policy.supportUrl;
      if (!url || !isHttps(url)) return { ok: false };
      env.openWindow(url);
      return { ok: true };
    },
    // A page cannot hide its own browser window; Escape still clears the form.
    closeWindow: async () => ({ ok: false }),
    onStateChanged(listener) {
      stateListeners.add(listener);
      if (!source) openEvents();
      return () => {
        stateListeners.delete(listener);
        closeEventsIfUnused();
      };
    },
    // No tray in the browser demo, so nothing ever asks for a view.
    onShowView: () => () => undefined,
    onConnectionLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
  };
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

async function errorCodeOf(response: Response): Promise<BridgeErrorCode> {
  try {
    const body: unknown = await response.json();
    const code = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    return BRIDGE_ERROR_CODES.find((known) => known === code) ?? 'internal';
  } catch {
    return 'internal';
  }
}

/** A light check only: the server validated the state against the contract already. */
function parseState(data: string): AppState | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && typeof (value as { phase?: unknown }).phase === 'string') {
      return value as AppState;
    }
  } catch {
    // A malformed event is dropped; the next one replaces it.
  }
  return undefined;
}

/** The real browser, for the page; tests build their own environment. */
export function browserEnvironment(): HttpBridgeEnvironment {
  return {
    location: window.location,
    history: window.history,
    fetch: (input, init) => window.fetch(input, init),
    createEventSource: (url) => new EventSource(url),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    writeClipboard: (text) => navigator.clipboard.writeText(text),
    openWindow: (url) => void window.open(url, '_blank', 'noopener,noreferrer'),
  };
}
