/**
 * Who is signed in, decided in one place: the phase is what the page draws. The session
 * ends here when the server says so (401 on any call), and the sign-in screen then says
 * why.
 */
import { create } from 'zustand';
import { onSignedOut, setCsrfToken } from '../api/client';
import * as endpoints from '../api/endpoints';
import type { Session, SignInMethods } from '../api/types';

export type SignedOutReason = 'none' | 'expired' | 'signedOut' | 'signInFailed' | 'noRole';

export type SessionState =
  | { phase: 'loading' }
  | { phase: 'signedOut'; options: SignInMethods | null; reason: SignedOutReason }
  | { phase: 'signedIn'; session: Session };

interface SessionStore {
  state: SessionState;
  sessionLoaded: (session: Session) => void;
  sessionEnded: (reason: SignedOutReason) => Promise<void>;
}

export const useSessionStore = create<SessionStore>()((set, get) => ({
  state: { phase: 'loading' },
  sessionLoaded: (session) => {
    setCsrfToken(session.csrfToken);
    set({ state: { phase: 'signedIn', session } });
  },
  sessionEnded: async (reason) => {
    setCsrfToken(null);
    const options = await endpoints.signInMethods().catch(() => null);
    // A reason already shown (an expired session) is not replaced by a quieter one.
    const previous = get().state;
    const kept = previous.phase === 'signedOut' && previous.reason !== 'none' && reason === 'none' ? previous.reason : reason;
    set({ state: { phase: 'signedOut', options, reason: kept } });
  },
}));

/** Why the identity provider's round trip came back without a session (the contract's `?signInError=CODE`), read once and removed from the address. */
function reasonFromAddress(): SignedOutReason {
  const url = new URL(window.location.href);
  const said = url.searchParams.get('signInError');
  if (!said) return 'none';
  url.searchParams.delete('signInError');
  window.history.replaceState(null, '', url);
  return said === 'noRole' ? 'noRole' : 'signInFailed';
}

/** Asks the server who is signed in, once at start; afterwards a 401 anywhere ends the session. */
export async function loadSession(): Promise<void> {
  const store = useSessionStore.getState();
  onSignedOut(() => {
    if (useSessionStore.getState().state.phase === 'signedIn') void useSessionStore.getState().sessionEnded('expired');
  });
  const reason = reasonFromAddress();
  try {
    store.sessionLoaded(await endpoints.currentSession());
  } catch (error) {
    // Signed out, or the directory unreachable: the sign-in screen says which when signing in.
    void error;
    await store.sessionEnded(reason);
  }
}

export function useSession(): Session | null {
  return useSessionStore((s) => (s.state.phase === 'signedIn' ? s.state.session : null));
}

export function useIsAdmin(): boolean {
  return useSessionStore((s) => s.state.phase === 'signedIn' && s.state.session.account.role === 'admin');
}
