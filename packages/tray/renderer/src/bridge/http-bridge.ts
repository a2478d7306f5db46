/**
 * The bridge the browser demo uses when there is no Electron preload: the same
 * PwsyncBridge, spoken over HTTP to the demo server that served the page, built from
 * the contract's names. Calls are POST /api/invoke/<name>; pushes arrive as
 * server-sent events named as in the contract. The server validates every call.
 */
import type { AppState, DiagnosticsReport, PwsyncBridge } from '../app-types';
import { EVENT_NAMES, type EventName, INVOKE_NAMES, type InvokeName, listenerName } from '../../../src/contract-names';
import { type AddressHistory, type AddressLocation, forgetToken, takeTokenFromAddress, type TokenStorage } from './address-token';
import { BRIDGE_ERROR_CODES, type BridgeErrorCode, type RendererBridge, UNREACHABLE_ERROR } from './bridge-types';

/** The part of EventSource the bridge uses, so tests can pass a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface HttpBridgeEnvironment {
  location: AddressLocation;
  history: AddressHistory;
  /** This tab's sessionStorage, where the token waits for a reload (null where the browser refuses storage). */
  storage: TokenStorage | null;
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

/** The pushes the demo server streams. It has no tray, so nothing asks for a view: listening for one opens nothing. */
const STREAMED: ReadonlySet<EventName> = new Set<EventName>(['stateChanged']);

export function createHttpBridge(env: HttpBridgeEnvironment): RendererBridge {
  const token = takeTokenFromAddress(env.location, env.history, env.storage);
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>(EVENT_NAMES.map((event) => [event, new Set()]));
  const lostListeners = new Set<() => void>();
  const addressListeners = new Set<() => void>();
  let source: EventSourceLike | undefined;
  let lost = false;
  // Without a token the server answers nothing, so the page is not told it lost a
  // connection it never had: it is told to open the address npm start printed.
  let addressRefused = token === '';
  // The latest state seen, for the support address openSupport needs.
  let latest: AppState | undefined;

  function connectionLost(): void {
    lost = true;
    for (const listener of lostListeners) listener();
  }

  /** The server does not know this page's token (none, or an earlier run's), or its address (another host name). */
  function refuseAddress(): void {
    if (!addressRefused) forgetToken(env.storage);
    addressRefused = true;
    source?.close();
    source = undefined;
    for (const listener of addressListeners) listener();
  }

  function emit(event: EventName, payload: unknown): void {
    if (event === 'stateChanged') {
      lost = false;
      latest = payload as AppState;
    }
    for (const listener of listeners.get(event) ?? []) listener(payload);
  }

  function listening(): boolean {
    return [...STREAMED].some((event) => (listeners.get(event)?.size ?? 0) > 0);
  }

  async function invoke(name: InvokeName, args: unknown[]): Promise<unknown> {
    // Nothing is sent that the server would refuse: the listeners know already (onAddressRefused).
    if (addressRefused) throw new Error('forbiddenSender' satisfies BridgeErrorCode);
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
    if (response.status !== 200) {
      const code = await errorCodeOf(response);
      if (code === 'forbiddenSender') refuseAddress();
      throw new Error(code);
    }
    try {
      return await response.json();
    } catch {
      throw new Error('internal' satisfies BridgeErrorCode);
    }
  }

  function openEvents(): void {
    let sawState = false;
    const opened = env.createEventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source = opened;
    for (const event of STREAMED) {
      opened.addEventListener(event, (message) => {
        const payload = parsePayload(event, message.data);
        if (payload === undefined) return;
        if (event === 'stateChanged') sawState = true;
        emit(event, payload);
      });
    }
    opened.addEventListener('open', () => {
      // Back after a loss: ask for the state in case the server does not push one on connect.
      if (!lost) return;
      invoke('getState', []).then(
        (state) => {
          if (!sawState && source === opened) emit('stateChanged', state);
        },
        () => undefined,
      );
    });
    opened.addEventListener('error', () => {
      if (source !== opened || addressRefused) return;
      connectionLost();
      // EventSource retries by itself unless the server refused the stream (a stale
      // token, a restarted server): then it is closed for good and we open a new one.
      if (opened.readyState === EVENT_SOURCE_CLOSED) {
        source = undefined;
        env.setTimeout(() => {
          if (!source && !addressRefused && listening()) openEvents();
        }, REOPEN_DELAY_MS);
      }
    });
  }

  function closeEventsIfUnused(): void {
    if (listening() || !source) return;
    source.close();
    source = undefined;
  }

  function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
    if (!STREAMED.has(event)) return () => undefined;
    listeners.get(event)?.add(listener);
    if (!source && !addressRefused) openEvents();
    return () => {
      listeners.get(event)?.delete(listener);
      closeEventsIfUnused();
    };
  }

  async function getState(): Promise<AppState> {
    latest = (await invoke('getState', [])) as AppState;
    return latest;
  }

  const bridge: Record<string, unknown> = {};
  for (const name of INVOKE_NAMES) bridge[name] = (...args: unknown[]) => invoke(name, args);
  for (const event of EVENT_NAMES) bridge[listenerName(event)] = (listener: (payload: unknown) => void) => subscribe(event, listener);
  // The demo server answers these two with {ok:false}: it cannot reach the browser's
  // clipboard or tabs. The page does what it can itself. (closeWindow goes to the server:
  // it cannot hide the tab, but it lets a result the person has seen give way.)
  const ownCalls: Pick<PwsyncBridge, 'getState' | 'copyDiagnostics' | 'openSupport'> = {
    getState,
    async copyDiagnostics() {
      try {
        const report = (await invoke('getDiagnostics', [])) as DiagnosticsReport;
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
  };
  const onConnectionLost = (listener: () => void) => {
    lostListeners.add(listener);
    return () => void lostListeners.delete(listener);
  };
  // Told at once to a listener that comes after the fact: the first call is made before the store listens (boot.ts).
  const onAddressRefused = (listener: () => void) => {
    addressListeners.add(listener);
    if (addressRefused) listener();
    return () => void addressListeners.delete(listener);
  };
  return { ...(bridge as PwsyncBridge), ...ownCalls, onConnectionLost, onAddressRefused };
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

/** A light check only: the server validated the state against the contract already. A malformed event is dropped; the next one replaces it. */
function parsePayload(event: EventName, data: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (event === 'stateChanged' && (typeof value !== 'object' || value === null || typeof (value as { phase?: unknown }).phase !== 'string')) return undefined;
  return value;
}

/** The real browser, for the page; tests build their own environment. */
export function browserEnvironment(): HttpBridgeEnvironment {
  return {
    location: window.location,
    history: window.history,
    storage: sessionStorageOrNull(),
    fetch: (input, init) => window.fetch(input, init),
    createEventSource: (url) => new EventSource(url),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    writeClipboard: (text) => navigator.clipboard.writeText(text),
    openWindow: (url) => void window.open(url, '_blank', 'noopener,noreferrer'),
  };
}

/** Reading window.sessionStorage itself throws where the browser blocks storage. */
function sessionStorageOrNull(): TokenStorage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
