/**
 * The demo server hands the page its token in the address's query. The page takes it
 * out of the address bar at once, so it does not linger in history or get copied into
 * a support chat (the page sends no Referer), and keeps it in this tab's sessionStorage,
 * so that a reload finds it again instead of leaving the page without a way in.
 *
 * sessionStorage belongs to this origin (scheme, host and port) and this tab alone:
 * another web page, even one served from 127.0.0.1 on another port, cannot read it, so
 * the token still keeps every other page from driving the demo. A new tab opened at the
 * bare address has no token, and the page says which address to open.
 */
export interface AddressLocation {
  readonly hash: string;
  readonly pathname: string;
  readonly search: string;
}

export interface AddressHistory {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string | URL | null): void;
}

/** The part of the Storage interface the token needs (the browser's sessionStorage). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const TOKEN_STORAGE_KEY = 'pwsync-demo-token';

/** The token in the address, kept for reloads; else the one this tab kept; else ''. */
export function takeTokenFromAddress(location: AddressLocation, history: AddressHistory, storage?: TokenStorage | null): string {
  const params = new URLSearchParams(location.search);
  const given = params.get('token');
  if (params.has('token')) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  }
  if (given) {
    // A newer address wins over what an earlier run left in this tab.
    guarded(() => storage?.setItem(TOKEN_STORAGE_KEY, given));
    return given;
  }
  return guarded(() => storage?.getItem(TOKEN_STORAGE_KEY)) ?? '';
}

/** The server refused the token (an earlier run's): a reload must not send it again. */
export function forgetToken(storage?: TokenStorage | null): void {
  guarded(() => storage?.removeItem(TOKEN_STORAGE_KEY));
}

/** Storage can throw (disabled by the browser's settings): then the page works until a reload, as it did without it. */
function guarded<T>(access: () => T): T | undefined {
  try {
    return access();
  } catch {
    return undefined;
  }
}
