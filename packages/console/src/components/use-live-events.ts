/**
 * A person's live events (the contract's events route: Server-Sent Events on the same
 * push the devices ride). Each `hello` and `person` event carries the whole person's page,
 * so the page redraws from it and never asks again; nothing polls. The browser
 * reconnects a dropped stream by itself and the next `hello` brings the page up to date.
 */
import { useEffect, useRef } from 'react';
import { sessionEndedElsewhere } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { PersonPage } from '../api/types';

export interface PersonEvents {
  page: (page: PersonPage) => void;
  gone: () => void;
}

/** Whether the stream is open now: shown, so support knows the page is live. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export function usePersonEvents(userName: string, handlers: PersonEvents, onLiveState: (state: LiveState) => void): void {
  const latest = useRef({ handlers, onLiveState });
  useEffect(() => {
    latest.current = { handlers, onLiveState };
  });
  useEffect(() => {
    const source = new EventSource(endpoints.personEventsUrl(userName));
    const page = (message: MessageEvent<string>) => {
      try {
        latest.current.handlers.page(JSON.parse(message.data) as PersonPage);
      } catch {
        // Not the contract's JSON: the next event brings the page again.
      }
    };
    source.addEventListener('open', () => latest.current.onLiveState('live'));
    source.addEventListener('hello', page);
    source.addEventListener('person', page);
    source.addEventListener('gone', () => {
      source.close();
      latest.current.handlers.gone();
    });
    source.addEventListener('signedOut', () => {
      source.close();
      sessionEndedElsewhere();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused outright (the session ended before the stream opened): ask, and a 401 ends the session on screen.
        void endpoints.currentSession().catch(() => sessionEndedElsewhere());
      }
      latest.current.onLiveState('reconnecting');
    });
    return () => source.close();
  }, [userName]);
}
