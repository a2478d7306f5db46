import { act, fireEvent, screen } from '@testing-library/react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attentionState, CHANGE, pendingState, POLICY } from '../../test/app-states';
import { createFakeBridge } from '../../test/fake-bridge';
import { createI18n, switchLanguage } from '../i18n';
import { startStoreFrom } from '../store/app-store';
import { connectBridge } from '../store/connect-bridge';
import { WindowTree } from '../window-tree';
import { type EarlyInput, holdEarlyInput } from './early-input';
import { composePage, FIRST_PAINT_ID, readFirstPaint } from './first-paint';
import { firstPaintPage } from './page';

// The page's own index.html, as the build leaves the root for the host to fill.
import TEMPLATE from '../../index.html?raw';
const TYPED = 'typed-Before-hydration-9';
const PREVIOUS = 'prev-Mac-pass#3';

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = '';
});

/** Puts the host's page into the document, as the browser would have parsed it. */
function load(page: string) {
  document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(page)![1]!;
}

/** What main.tsx does with a drawn window, with a spy for React's hydration errors. */
async function hydrate(bridge = createFakeBridge(pendingState()), earlyInput?: EarlyInput) {
  const drawn = readFirstPaint(document)!;
  startStoreFrom(drawn.state);
  connectBridge(bridge);
  const i18n = createI18n();
  await switchLanguage(i18n, drawn.language);
  const onRecoverableError = vi.fn();
  await act(async () => {
    root = hydrateRoot(document.getElementById('root')!, <WindowTree i18n={i18n} bridge={bridge} onTakenOver={() => earlyInput?.release()} />, {
      onRecoverableError,
    });
  });
  // The held input is released a task after the first commit.
  await act(async () => new Promise((resolve) => setTimeout(resolve, 5)));
  return { bridge, onRecoverableError };
}

describe("the host's first paint", () => {
  it('draws the confirm screen with the new-password field focused on load, and the state to take it over', () => {
    const page = firstPaintPage(TEMPLATE, pendingState(), ['en-US'])!;
    expect(page).toContain('<html lang="en" dir="ltr">');
    expect(page).toMatch(/<input[^>]*autofocus=""[^>]*id="new-password"|<input[^>]*id="new-password"[^>]*autofocus=""/);
    expect(page).toContain('Finish your password change');
    expect(page).toContain('The password you just set at Okta.');
    load(page);
    expect(readFirstPaint(document)).toEqual({ language: 'en', state: pendingState() });
  });

  it('keeps what the person typed before the script ran, with no hydration error, through to the confirm call', async () => {
    load(firstPaintPage(TEMPLATE, pendingState(), ['en-US'])!);
    const drawnField = document.getElementById('new-password') as HTMLInputElement;
    drawnField.value = TYPED;
    const { bridge, onRecoverableError } = await hydrate();
    expect(onRecoverableError).not.toHaveBeenCalled();
    // The same element, taken over rather than replaced.
    expect(document.getElementById('new-password')).toBe(drawnField);
    expect(drawnField).toHaveValue(TYPED);
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    const previous = await screen.findByLabelText('Previous password');
    fireEvent.change(previous, { target: { value: PREVIOUS } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Update password on this Mac' })));
    expect(bridge.confirmChange).toHaveBeenCalledWith({ changeId: 'chg-42', newPassword: TYPED, previousPassword: PREVIOUS });
  });

  it('holds a click on Continue made before React took over, and makes it once React is in charge', async () => {
    load(firstPaintPage(TEMPLATE, pendingState(), ['en-US'])!);
    const earlyInput = holdEarlyInput(document, document.getElementById('root')!);
    (document.getElementById('new-password') as HTMLInputElement).value = TYPED;
    const continueButton = screen.getByRole('button', { name: 'Continue' });
    // Not handled yet, and not a native submission either.
    expect(fireEvent.click(continueButton)).toBe(false);
    expect(screen.queryByLabelText('Previous password')).toBeNull();
    const { bridge, onRecoverableError } = await hydrate(createFakeBridge(pendingState()), earlyInput);
    expect(onRecoverableError).not.toHaveBeenCalled();
    const previous = screen.getByLabelText('Previous password');
    expect(screen.queryByText('Type your new password to continue.')).toBeNull();
    fireEvent.change(previous, { target: { value: PREVIOUS } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Update password on this Mac' })));
    expect(bridge.confirmChange).toHaveBeenCalledWith({ changeId: 'chg-42', newPassword: TYPED, previousPassword: PREVIOUS });
  });

  it('holds Enter in the field (the form submitted) the same way, and leaves clicks outside the window alone', async () => {
    load(firstPaintPage(TEMPLATE, pendingState(), ['en-US'])!);
    const outside = document.body.appendChild(document.createElement('button'));
    const earlyInput = holdEarlyInput(document, document.getElementById('root')!);
    (document.getElementById('new-password') as HTMLInputElement).value = TYPED;
    expect(fireEvent.submit(document.querySelector('form')!)).toBe(false);
    expect(fireEvent.click(outside)).toBe(true);
    await hydrate(createFakeBridge(pendingState()), earlyInput);
    expect(screen.getByLabelText('Previous password')).toHaveFocus();
  });

  it("draws in the administrator's language, else the system's", async () => {
    const german = firstPaintPage(TEMPLATE, pendingState({ policy: { ...POLICY, language: 'de' } }), ['fr-FR'])!;
    expect(german).toContain('<html lang="de" dir="ltr">');
    load(german);
    const { onRecoverableError } = await hydrate();
    expect(onRecoverableError).not.toHaveBeenCalled();
    expect(document.getElementById('new-password')).toHaveFocus();
    const french = firstPaintPage(TEMPLATE, pendingState(), ['fr-FR', 'en'])!;
    expect(french).toContain('<html lang="fr" dir="ltr">');
  });

  it('draws the informed screen (Windows and Linux) too, and hydrates it without an error', async () => {
    const informed = pendingState({ phase: 'informed', platform: 'linux', change: { ...CHANGE, mode: 'applied' } });
    load(firstPaintPage(TEMPLATE, informed, ['en'])!);
    const { onRecoverableError } = await hydrate(createFakeBridge(informed));
    expect(onRecoverableError).not.toHaveBeenCalled();
    expect(document.querySelector('[data-phase]')).toHaveAttribute('data-phase', 'informed');
  });

  it('leaves screens that show times or count down to the page', () => {
    expect(firstPaintPage(TEMPLATE, pendingState({ phase: 'idle' }), ['en'])).toBeNull();
    expect(firstPaintPage(TEMPLATE, attentionState({ code: 'lockedOut', lockedUntil: '2030-01-01T00:00:00.000Z' }), ['en'])).toBeNull();
  });

  it('cannot be ended early by text in the state, and refuses a template it does not know', () => {
    const hostile = '</script><script>alert(1)</script><!--';
    const page = composePage(TEMPLATE, { html: '<p>x</p>', language: 'en', dir: 'ltr', title: 'a"<b>' }, { language: 'en', state: pendingState({ provider: hostile }) })!;
    expect(page).not.toContain(hostile);
    expect(page).toContain('<title>a&quot;&lt;b&gt;</title>');
    load(page);
    expect(document.querySelectorAll('script')).toHaveLength(1);
    expect(readFirstPaint(document)?.state.provider).toBe(hostile);
    expect(composePage('<html><body></body></html>', { html: '', language: 'en', dir: 'ltr', title: '' }, { language: 'en', state: pendingState() })).toBeNull();
  });

  it('reads no drawing from a page without one, or with a broken data block', () => {
    expect(readFirstPaint(document)).toBeNull();
    document.body.innerHTML = `<script type="application/json" id="${FIRST_PAINT_ID}">{"language":</script>`;
    expect(readFirstPaint(document)).toBeNull();
    document.body.innerHTML = `<script type="application/json" id="${FIRST_PAINT_ID}">{"language":"en","state":null}</script>`;
    expect(readFirstPaint(document)).toBeNull();
  });
});
