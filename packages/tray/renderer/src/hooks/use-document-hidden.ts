import { useEffect, useEffectEvent } from 'react';

/**
 * Calls onHidden when the page stops being visible. The tray window hides rather
 * than closes, so this is the moment to forget anything typed into it.
 */
export function useDocumentHidden(onHidden: () => void): void {
  const hidden = useEffectEvent(onHidden);
  useEffect(() => {
    function listener() {
      if (document.visibilityState === 'hidden') hidden();
    }
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  }, []);
}
