/**
 * The console's places, in the address's hash (#/people/alex), so a link can be shared
 * and the browser's Back works, while the directory serves one page at /console/.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { screen: 'search' }
  | { screen: 'person'; userName: string }
  | { screen: 'fleet' }
  | { screen: 'codes' }
  | { screen: 'accounts' }
  | { screen: 'audit' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [first, second] = parts;
  if (first === 'people' && second) {
    try {
      return { screen: 'person', userName: decodeURIComponent(second) };
    } catch {
      return { screen: 'search' };
    }
  }
  if (first === 'fleet' || first === 'codes' || first === 'accounts' || first === 'audit') return { screen: first };
  return { screen: 'search' };
}

export function hrefFor(route: Route): string {
  return route.screen === 'person' ? `#/people/${encodeURIComponent(route.userName)}` : route.screen === 'search' ? '#/' : `#/${route.screen}`;
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
