/**
 * The page's entry: small, so it runs as soon as it arrives. It asks for the first
 * state (./early), then has the rest of the window (./main, fetched and compiled
 * alongside, see vite.config.ts) evaluated.
 *
 * Where the host drew the window (first-paint/), the rest waits for the browser's
 * next frame: evaluating it is most of the time to a usable page (measured by
 * test/bench/renderer-bench.ts), and this way the drawing is shown with its field
 * focused first, so the person can type while React is still on its way. React then
 * takes the drawing over as it stands, typed text included.
 *
 * No top-level await here: ./main imports ./early from this chunk, and a chunk that
 * waited for ./main while ./main waited for it would never finish.
 */
import './styles/app.css';
import './early';

/** Long enough for a frame at any refresh rate; a hidden window has no frames, and must not wait for one. */
const FRAME_WAIT_MS = 100;

function afterNextFrame(then: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  requestAnimationFrame(once);
  setTimeout(once, FRAME_WAIT_MS);
}

const start = () => void import('./main');
if (document.getElementById('root')?.hasChildNodes() && document.visibilityState === 'visible') afterNextFrame(start);
else start();
