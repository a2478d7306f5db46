import type { PwsyncBridge } from '../app-types';

export { BRIDGE_ERROR_CODES, type BridgeErrorCode } from '../../../src/contract-names';

/**
 * What the page gets: the contract's bridge, and, only from the browser demo's HTTP
 * bridge, word that the page itself lost its server, or that the server does not
 * accept this page (opened without its token, with an earlier run's, or at another
 * host name). In Electron the preload has no such events: main reports an unreachable
 * agent through AppState instead, and its window is always its own.
 */
export type RendererBridge = PwsyncBridge & {
  onConnectionLost?(listener: () => void): () => void;
  /** Called at once if that is already known when the listener comes. */
  onAddressRefused?(listener: () => void): () => void;
};

/** The message of the Error a call throws when the server could not be reached at all. */
export const UNREACHABLE_ERROR = 'unreachable';
