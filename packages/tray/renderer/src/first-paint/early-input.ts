/**
 * Until React has taken over a window its host drew (see ./first-paint.ts), the
 * window's buttons have no handlers: a click on one, Enter in a field or Escape would
 * do nothing at all. From the moment the page's first script runs, such clicks,
 * submissions and Escapes are held, and done again, in order, once React is in charge. Typed
 * text needs no help: it stays in the field, and the field hands it to the form.
 *
 * Written here rather than taken from a library: the one React offers (replaying
 * events during hydration) starts only once hydration has, which is the gap this fills.
 */

export interface EarlyInput {
  /** Stops holding, and does what was held, on the elements still in the window. */
  release(): void;
}

/** What a click does in the window: buttons, links, and a details' summary. */
const ACTIVE = 'button, a[href], summary';

export function holdEarlyInput(document: Document, root: Element): EarlyInput {
  const held: (() => void)[] = [];

  const onClick = (event: MouseEvent) => {
    const target = event.target instanceof Element ? event.target.closest(ACTIVE) : null;
    if (!target || !root.contains(target) || !(target instanceof HTMLElement)) return;
    // A submit button's click would submit the form natively (which the page's policy
    // refuses anyway); the click itself is done again once React can answer it.
    event.preventDefault();
    held.push(() => {
      if (target.isConnected) target.click();
    });
  };
  const onSubmit = (event: SubmitEvent) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !root.contains(form)) return;
    event.preventDefault();
    held.push(() => {
      if (form.isConnected) form.requestSubmit();
    });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target;
    if (event.key !== 'Escape' || !(target instanceof HTMLElement) || !root.contains(target)) return;
    event.preventDefault();
    held.push(() => {
      if (target.isConnected) target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', code: 'Escape', bubbles: true, cancelable: true }));
    });
  };

  document.addEventListener('click', onClick, true);
  document.addEventListener('submit', onSubmit, true);
  document.addEventListener('keydown', onKeyDown, true);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      document.removeEventListener('click', onClick, true);
      document.removeEventListener('submit', onSubmit, true);
      document.removeEventListener('keydown', onKeyDown, true);
      for (const replay of held.splice(0)) replay();
    },
  };
}
