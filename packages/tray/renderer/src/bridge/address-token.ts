/**
 * The demo server hands the page its token in the address's query. The page reads
 * it once and takes it out of the address bar at once, so it does not linger in
 * history or get copied into a support chat; the page sends no Referer.
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

export function takeTokenFromAddress(location: AddressLocation, history: AddressHistory): string {
  const params = new URLSearchParams(location.search);
  const token = params.get('token') ?? '';
  if (params.has('token')) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  }
  return token;
}
