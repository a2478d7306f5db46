/**
 * The one small window: created when first needed, hidden (not destroyed) when
 * closed so the tray app keeps running, and locked down: no navigation, no new
 * windows, no permissions, no webviews. It shows only app://pwsync/index.html.
 */
import { BrowserWindow, type WebContents } from 'electron';
import type { AppState, Phase, View } from '../contract';
import { APP_INDEX_URL } from './app-protocol';
import { sendState, sendView } from './ipc';
import { buildWebPreferences } from './web-preferences';

/** Phases in which the page may show a password form. */
const PASSWORD_PHASES: ReadonlySet<Phase> = new Set(['pending', 'confirming', 'attention']);

export interface AppWindowOptions {
  preloadPath: string;
  development: boolean;
  /** A link the page tried to open: handed to the allowlist module, never opened here. */
  openExternal?: (url: string) => void;
  /** The person can (or can no longer) see the window: reminders hold off meanwhile. */
  visibilityChanged?: (visible: boolean) => void;
}

export interface AppWindow {
  /** Create the window if needed, bring it to the front, and open a view ('main' by default). */
  show(view?: View): void;
  /** Hide it (Escape, Done): the page clears its fields when it is hidden. */
  hide(): void;
  /** Shown and not minimized. */
  isVisible(): boolean;
  /** Follow the core's state: content protection, and a push to the page. */
  stateChanged(state: AppState): void;
  /** Whether a webContents is this window's (for the IPC sender check). */
  isOurs(sender: WebContents): boolean;
  /** The app is quitting: let the window close for real. */
  allowClose(): void;
}

export function createAppWindow(options: AppWindowOptions): AppWindow {
  let window: BrowserWindow | null = null;
  let quitting = false;
  let protect = false;

  const open = (): BrowserWindow => {
    const created = new BrowserWindow({
      width: 420,
      height: 600,
      minWidth: 360,
      minHeight: 480,
      maxWidth: 720,
      maxHeight: 960,
      title: 'pwsync',
      show: false,
      maximizable: false,
      fullscreenable: false,
      autoHideMenuBar: true,
      webPreferences: buildWebPreferences(options),
    });
    // Before any content: the first state may already call for a password form.
    created.setContentProtection(protect);
    lockDown(created.webContents, options.openExternal);
    const visibility = () => options.visibilityChanged?.(created.isVisible() && !created.isMinimized());
    created.on('show', visibility);
    created.on('hide', visibility);
    created.on('minimize', visibility);
    created.on('restore', visibility);
    created.on('close', (event) => {
      if (quitting) return;
      // Hiding fires `visibilitychange` in the page (document.hidden becomes true),
      // which is the renderer's cue to clear its password fields; see the note on
      // backgroundThrottling in web-preferences.ts.
      event.preventDefault();
      created.hide();
    });
    created.on('closed', () => {
      if (window === created) window = null;
      options.visibilityChanged?.(false);
    });
    created.once('ready-to-show', () => created.show());
    void created.loadURL(APP_INDEX_URL);
    return created;
  };

  return {
    show(view: View = 'main') {
      if (window === null || window.isDestroyed()) {
        const created = open();
        window = created;
        // The page can only take the view once it is loaded.
        created.webContents.once('did-finish-load', () => sendView(created.webContents, view));
        return;
      }
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      sendView(window.webContents, view);
    },
    hide() {
      if (window !== null && !window.isDestroyed()) window.hide();
    },
    isVisible() {
      return window !== null && !window.isDestroyed() && window.isVisible() && !window.isMinimized();
    },
    stateChanged(state) {
      protect = PASSWORD_PHASES.has(state.phase);
      if (window === null || window.isDestroyed()) return;
      window.setContentProtection(protect);
      sendState(window.webContents, state);
    },
    isOurs(sender) {
      return window !== null && !window.isDestroyed() && sender === window.webContents;
    },
    allowClose() {
      quitting = true;
    },
  };
}

/** https://www.electronjs.org/docs/latest/tutorial/security#13-disable-or-limit-navigation */
export function lockDown(contents: WebContents, openExternal?: (url: string) => void): void {
  contents.on('will-navigate', (event) => {
    // A reload of our own page is fine; going anywhere else is not.
    if (event.url !== APP_INDEX_URL) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Never a new window; an allowlisted https link goes to the browser instead.
  contents.setWindowOpenHandler(({ url }) => {
    openExternal?.(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}
