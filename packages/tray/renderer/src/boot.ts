/**
 * The page's entry: small, so it runs as soon as it arrives. It loads the rest of
 * the window (./main).
 *
 * A window the page draws itself: the bridge is started and the first state asked
 * for at once, so the answer travels while ./main is evaluated.
 *
 * A window its host drew (first-paint/): everything waits for the browser's next
 * frame, so the drawing is shown with its field focused before the page's largest
 * work begins: fetching, compiling and evaluating React, most of the time to a usable
 * page (measured by test/bench/renderer-bench.ts). React then takes the drawing over
 * as it stands, typed text included.
 *
 * No top-level await here: ./main imports ./early from this chunk, and a chunk that
 * waited for ./main while ./main waited for it would never finish.
 */
import './styles/app.css';
import { drawnByHost, startBridge } from './early';

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

const start = () => {
  startBridge();
  void import('./main');
};
if (drawnByHost && document.visibilityState === 'visible') afterNextFrame(start);
else start();
