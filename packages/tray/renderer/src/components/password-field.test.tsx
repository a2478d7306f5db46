import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { appState, pendingState } from '../../test/app-states';
import { renderApp } from '../../test/render-app';

/**
 * The tray app loads its window hidden, before anyone looks (main/window.ts), and the
 * person sees it only when the notification's click shows it. Whatever is focused in
 * the page then is what takes their typing.
 */
function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  act(() => void document.dispatchEvent(new Event('visibilitychange')));
}

afterEach(() => {
  // Back to jsdom's own getters.
  Reflect.deleteProperty(document, 'visibilityState');
  Reflect.deleteProperty(document, 'hidden');
});

const newPassword = () => screen.getByLabelText<HTMLInputElement>('New password');

describe('the password field, in a window loaded before it is shown', () => {
  it('is focused while the window is still hidden, and so once it is shown', async () => {
    setVisibility('hidden');
    await renderApp(pendingState());
    expect(document.activeElement).toBe(newPassword());
    setVisibility('visible');
    expect(document.activeElement).toBe(newPassword());
  });

  it('takes focus as the change arrives in a window already loaded and hidden', async () => {
    setVisibility('hidden');
    const app = await renderApp(appState({ phase: 'idle' }));
    expect(screen.queryByLabelText('New password')).toBeNull();
    app.push(pendingState());
    expect(document.activeElement).toBe(newPassword());
  });

  it('is focused afresh each time the window is shown again, wherever focus was when it hid', async () => {
    await renderApp(pendingState());
    fireEvent.input(newPassword(), { target: { value: 'typed-then-hidden' } });
    screen.getByRole('button', { name: 'Show password' }).focus();
    setVisibility('hidden');
    setVisibility('visible');
    expect(document.activeElement).toBe(newPassword());
    expect(newPassword().value).toBe('');
  });
});
