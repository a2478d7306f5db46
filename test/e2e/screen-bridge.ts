/**
 * The window without an app behind it, for the screenshot test: the built page served
 * from memory at its own origin (its Content Security Policy as shipped), and a
 * `window.pwsync` put in place before the page runs, as Electron's preload does, whose
 * states the test pushes. Calls that would change something answer as harmlessly as the
 * app would; none of them is needed to reach a scene.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { AppState, View } from '../../packages/tray/src/contract';

export const ORIGIN = 'http://pwsync.test';
const RENDERER = path.resolve('packages/tray/dist/renderer');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** What the test can do to the page's bridge. */
declare global {
  interface Window {
    __screens?: { push(state: AppState): void; view(view: View): void; lose(): void };
  }
}

export async function openWithTestBridge(page: Page): Promise<void> {
  await page.route(`${ORIGIN}/**`, async (route) => {
    const { pathname } = new URL(route.request().url());
    const file = path.join(RENDERER, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(RENDERER)) return route.fulfill({ status: 404 });
    const body = await fs.readFile(file).catch(() => null);
    if (body === null) return route.fulfill({ status: 404 });
    return route.fulfill({ body, contentType: TYPES[path.extname(file)] ?? 'application/octet-stream' });
  });
  await page.addInitScript(() => {
    const states = new Set<(state: AppState) => void>();
    const views = new Set<(view: View) => void>();
    const lost = new Set<() => void>();
    let current: AppState | null = null;
    let first: (state: AppState) => void = () => undefined;
    const firstState = new Promise<AppState>((resolve) => (first = resolve));
    const done = async () => ({ ok: true });
    const on = <T>(set: Set<(value: T) => void>) => (listener: (value: T) => void) => {
      set.add(listener);
      return () => set.delete(listener);
    };
    const bridge = {
      // Until the test pushes one, the page has no state: it shows "Connecting…".
      getState: () => (current ? Promise.resolve(current) : firstState),
      // Never answered: a scene never sends; if one did, the form would stay as it is.
      confirmChange: () => new Promise(() => undefined),
      startOver: () => new Promise(() => undefined),
      checkIn: done,
      dismissProblem: done,
      getDiagnostics: async () => ({ supportCode: 'K7QM-4XPD', generatedAt: '2025-11-28T09:10:00.000Z', text: 'pwsync diagnostics — support code K7QM-4XPD\n[App]\nVersion: 0.1.0\nPlatform: darwin\nDemo mode: yes' }),
      copyDiagnostics: done,
      openSupport: done,
      closeWindow: done,
      simulateChange: done,
      onStateChanged: on(states),
      onShowView: on(views),
      // As the browser demo's bridge reports its own link to the app gone.
      onConnectionLost: (listener: () => void) => {
        lost.add(listener);
        return () => lost.delete(listener);
      },
    };
    Object.defineProperty(window, 'pwsync', { value: Object.freeze(bridge) });
    window.__screens = {
      push(state) {
        current = state;
        first(state);
        for (const listener of states) listener(state);
      },
      view(view) {
        for (const listener of views) listener(view);
      },
      lose() {
        for (const listener of lost) listener();
      },
    };
  });
  await page.goto(`${ORIGIN}/`);
}
