/** The window: language, store, then React, drawing it or taking over the host's drawing (started by ./boot). */
import { drawnByHost, earlyInput, startBridge } from './early';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { readFirstPaint } from './first-paint/first-paint';
import { createI18n, preferredLanguage, switchLanguage } from './i18n';
import { startStoreFrom } from './store/app-store';
import { connectBridge, firstState } from './store/connect-bridge';
import { WindowTree } from './window-tree';

const FIRST_STATE_WAIT_MS = 250;

const { bridge, earlyState } = startBridge();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const i18n = createI18n();
// Drawn by the host (see first-paint/first-paint.ts): the store begins from the very
// state it was drawn with, so hydration finds what is on screen.
const drawn = drawnByHost ? readFirstPaint(document) : null;
if (drawn) startStoreFrom(drawn.state);
connectBridge(bridge, earlyState);

if (drawn) {
  // The person may be typing already; React takes over the same elements, text and focus included.
  await switchLanguage(i18n, drawn.language).catch(() => undefined);
  hydrateRoot(root, <WindowTree i18n={i18n} bridge={bridge} onTakenOver={() => earlyInput?.release()} />);
} else {
  earlyInput?.release();
  root.replaceChildren();
  // The system's language is loaded before the first frame, so an English flash never
  // precedes it; the policy's, which comes with the first state, switches after. The
  // first state usually arrives within a few milliseconds: waiting briefly for it spares
  // drawing "Connecting…" only to replace it at once.
  await Promise.all([switchLanguage(i18n, preferredLanguage()).catch(() => undefined), firstState(FIRST_STATE_WAIT_MS)]);
  createRoot(root).render(<WindowTree i18n={i18n} bridge={bridge} />);
}
