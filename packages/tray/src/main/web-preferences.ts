/**
 * The one place the window's webPreferences are built. Every value is spelled out
 * (not left to Electron's defaults, which have changed between releases) and pinned
 * by web-preferences.test.ts. See https://www.electronjs.org/docs/latest/tutorial/security
 */
import type { WebPreferences } from 'electron';

export interface WebPreferencesOptions {
  /** Absolute path of the bundled preload (dist/preload.cjs). */
  preloadPath: string;
  /** DevTools only when running from source, never in a packaged build. */
  development: boolean;
}

export function buildWebPreferences({ preloadPath, development }: WebPreferencesOptions): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    devTools: development,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // Kept on (the default) on purpose: with it off, Chromium reports the page as
    // always visible, so hiding the window would no longer fire `visibilitychange`,
    // which is what makes the renderer clear its password fields.
    // https://github.com/electron/electron/pull/39223
    backgroundThrottling: true,
    preload: preloadPath,
  };
}
