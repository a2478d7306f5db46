import type { PwsyncBridge } from '../app-types';

/**
 * What the page gets: the contract's bridge, and, only from the browser demo's HTTP
 * bridge, word that the page itself lost its server. In Electron the preload has no
 * such event: main reports an unreachable agent through AppState instead.
 */
export interface RendererBridge extends PwsyncBridge {
  onConnectionLost?(listener: () => void): () => void;
}

/** The error codes main and the demo server answer with instead of a raw exception. */
export const BRIDGE_ERROR_CODES = ['forbiddenSender', 'invalidPayload', 'internal'] as const;
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];

/** The message of the Error a call throws when the server could not be reached at all. */
export const UNREACHABLE_ERROR = 'unreachable';
