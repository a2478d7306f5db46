/**
 * The demo server hands the page its token in the URL fragment (never sent to a
 * server, never in a Referer). It is read once, then taken out of the address bar
 * so it does not linger in history or get copied into a support chat.
 */
export interface FragmentLocation {
  readonly hash: string;
  readonly pathname: string;
  readonly search: string;
}

export interface FragmentHistory {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string | URL | null): void;
}

export function takeTokenFromFragment(location: FragmentLocation, history: FragmentHistory): string {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token') ?? '';
  if (params.has('token')) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  }
  return token;
}
