import { useEffect } from 'react';
import { useBridge } from '../bridge/bridge-context';

/**
 * Escape hides the window, on every screen. A field that handles Escape itself (the
 * password fields clear first) marks the event handled, and the window closes once.
 */
export function useEscapeCloses(): void {
  const bridge = useBridge();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      bridge.closeWindow().catch(() => undefined);
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [bridge]);
}
