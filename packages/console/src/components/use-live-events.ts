/**
 * The console's live events: one EventSource (Server-Sent Events, the mechanism the
 * devices use) for the page, shared by every screen that listens. Nothing polls; when the
 * stream drops, the browser reconnects by itself and the screens reload what they show.
 */
import { useEffect, useRef } from 'react';
import { EVENTS_PATH } from '../api/endpoints';
import type { ConsoleEvent } from '../api/types';

type Listener = (event: ConsoleEvent | 'reconnected') => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let opened = false;

const EVENT_NAMES = ['device', 'person'] as const;

function ensureSource(): void {
  if (source) return;
  source = new EventSource(EVENTS_PATH, { withCredentials: true });
  source.addEventListener('open', () => {
    // The first open is the start; any later one follows a drop, when events may have been missed.
    if (opened) for (const listener of listeners) listener('reconnected');
    opened = true;
  });
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (message) => {
      let event: ConsoleEvent;
      try {
        event = { ...(JSON.parse((message as MessageEvent<string>).data) as Omit<ConsoleEvent, 'type'>), type: name };
      } catch {
        return;
      }
      for (const listener of listeners) listener(event);
    });
  }
}

/** Closes the stream (on signing out), so no request carries an ended session. */
export function closeLiveEvents(): void {
  source?.close();
  source = null;
  opened = false;
}

export function useLiveEvents(listener: Listener): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    const forward: Listener = (event) => latest.current(event);
    ensureSource();
    listeners.add(forward);
    return () => {
      listeners.delete(forward);
    };
  }, []);
}
