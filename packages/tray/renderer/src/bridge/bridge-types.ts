import type { PwsyncBridge } from '../app-types';

export { BRIDGE_ERROR_CODES, type BridgeErrorCode } from '../../../src/contract-names';

/**
 * What the page gets: the contract's bridge, and, only from the browser demo's HTTP
 * bridge, word that the page itself lost its server. In Electron the preload has no
 * such event: main reports an unreachable agent through AppState instead.
 */
export type RendererBridge = PwsyncBridge & {
  onConnectionLost?(listener: () => void): () => void;
};

/** The message of the Error a call throws when the server could not be reached at all. */
export const UNREACHABLE_ERROR = 'unreachable';
