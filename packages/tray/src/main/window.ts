/**
 * The one small window. It is made ahead, hidden, as soon as something needs the
 * person (a change to confirm, a problem, a change the agent applied), so that a
 * click on the notification shows a page that has already loaded, its field already
 * focused. Closing it hides it (the tray app keeps running); once it has been hidden
 * for IDLE_CLOSE_MS with nothing waiting, it is closed for real. Locked down: no
 * navigation, no new windows, no permissions, no webviews; it shows only
 * app://pwsync/index.html.
 */
import { BrowserWindow, type WebContents } from 'electron';
import type { AppState, Phase, View } from '../contract';
import { type Clock, systemClock } from '@pwsync/node-kit/clock';
import { APP_INDEX_URL } from './app-protocol';
import { sendState, sendView } from './ipc';
import { buildWebPreferences } from './web-preferences';

/** Phases in which the page may show a password form. */
const PASSWORD_PHASES: ReadonlySet<Phase> = new Set(['pending', 'confirming', 'attention']);

/** Phases in which the person has something to do or to read: the window is made ahead for them and kept. */
const WAITING_PHASES: ReadonlySet<Phase> = new Set(['pending', 'confirming', 'attention', 'informed']);

/**
 * How long a hidden window with nothing waiting stays loaded. Ten minutes: someone
 * who closes the window and soon comes back (to read the status after a sync, or
 * the help) finds it at once, while a renderer process (tens of megabytes) does not
 * sit unused all day in an app that runs from login to logout. Reopening after that
 * costs one page load, on a click from the tray menu; what a notification opens is
 * never closed, because something waits.
 */
export const IDLE_CLOSE_MS = 10 * 60_000;

export interface AppWindowOptions {
  preloadPath: string;
  development: boolean;
  /** A link the page tried to open: handed to the allowlist module, never opened here. */
  openExternal?: (url: string) => void;
  /** The person can (or can no longer) see the window: reminders hold off meanwhile. */
  visibilityChanged?: (visible: boolean) => void;
  /** For the idle close; tests pass a fake. */
  clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  idleCloseMs?: number;
}

export interface AppWindow {
  /** Create the window if needed, bring it to the front, and open a view ('main' by default). */
  show(view?: View): void;
  /** Hide it (Escape, Done): the page clears its fields when it is hidden. */
  hide(): void;
  /** Shown and not minimized. */
  isVisible(): boolean;
  /** Follow the core's state: content protection, a push to the page, and made ahead (or let go) by whether something waits. */
  stateChanged(state: AppState): void;
  /** Whether a webContents is this window's (for the IPC sender check). */
  isOurs(sender: WebContents): boolean;
  /** The app is quitting: let the window close for real. */
  allowClose(): void;
}

/** One BrowserWindow and how far its page has got. */
interface Opened {
  window: BrowserWindow;
  /** Painted at least once ('ready-to-show'): it can be shown without a blank flash. */
  painted: boolean;
  /** Loaded ('did-finish-load'): the page listens for the view to open. */
  loaded: boolean;
  /** Asked to be shown before it was painted: shown once it is. */
  showWhenPainted: boolean;
  /** The view asked for before the page had loaded. */
  viewWhenLoaded: View | null;
}

export function createAppWindow(options: AppWindowOptions): AppWindow {
  const clock = options.clock ?? systemClock;
  const idleCloseMs = options.idleCloseMs ?? IDLE_CLOSE_MS;
  let opened: Opened | null = null;
  let quitting = false;
  let protect = false;
  let waiting = false;
  let idleTimer: unknown = undefined;

  const current = (): Opened | null => (opened !== null && !opened.window.isDestroyed() ? opened : null);

  const stopIdleCount = () => {
    if (idleTimer !== undefined) clock.clearTimeout(idleTimer);
    idleTimer = undefined;
  };

  /** Counts down to closing a window nobody sees and nothing needs; stops counting as soon as either changes. */
  const reconsiderIdleClose = () => {
    const entry = current();
    if (entry === null || waiting || entry.window.isVisible() || entry.showWhenPainted) return stopIdleCount();
    if (idleTimer !== undefined) return;
    idleTimer = clock.setTimeout(() => {
      idleTimer = undefined;
      // destroy(), not close(): close is what the person does, and only hides.
      if (current() === entry && !waiting && !entry.window.isVisible() && !entry.showWhenPainted) entry.window.destroy();
    }, idleCloseMs);
  };

  const reveal = (window: BrowserWindow) => {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  const open = (): Opened => {
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
    const entry: Opened = { window: created, painted: false, loaded: false, showWhenPainted: false, viewWhenLoaded: null };
    // Before any content: the first state may already call for a password form.
    created.setContentProtection(protect);
    lockDown(created.webContents, options.openExternal);
    const visibility = () => options.visibilityChanged?.(created.isVisible() && !created.isMinimized());
    created.on('show', () => {
      visibility();
      reconsiderIdleClose();
    });
    created.on('hide', () => {
      visibility();
      reconsiderIdleClose();
    });
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
      if (opened === entry) {
        opened = null;
        stopIdleCount();
      }
      options.visibilityChanged?.(false);
    });
    created.once('ready-to-show', () => {
      entry.painted = true;
      if (entry.showWhenPainted) {
        entry.showWhenPainted = false;
        reveal(created);
      }
    });
    // The page can only take the view once it is loaded.
    created.webContents.once('did-finish-load', () => {
      entry.loaded = true;
      if (entry.viewWhenLoaded !== null) sendView(created.webContents, entry.viewWhenLoaded);
      entry.viewWhenLoaded = null;
    });
    void created.loadURL(APP_INDEX_URL);
    opened = entry;
    return entry;
  };

  return {
    show(view: View = 'main') {
      const entry = current() ?? open();
      stopIdleCount();
      if (entry.painted) reveal(entry.window);
      else entry.showWhenPainted = true;
      if (entry.loaded) sendView(entry.window.webContents, view);
      else entry.viewWhenLoaded = view;
    },
    hide() {
      const entry = current();
      if (entry === null) return;
      // Hidden before it ever painted: it stays hidden when it does.
      entry.showWhenPainted = false;
      entry.window.hide();
      reconsiderIdleClose();
    },
    isVisible() {
      const entry = current();
      return entry !== null && entry.window.isVisible() && !entry.window.isMinimized();
    },
    stateChanged(state) {
      protect = PASSWORD_PHASES.has(state.phase);
      waiting = WAITING_PHASES.has(state.phase);
      const entry = current();
      if (entry !== null) {
        entry.window.setContentProtection(protect);
        sendState(entry.window.webContents, state);
      } else if (waiting) {
        // Made ahead, hidden, while the notification is on its way, so that its click
        // shows a page that has loaded. The page asks for the state itself as it starts.
        open();
      }
      reconsiderIdleClose();
    },
    isOurs(sender) {
      const entry = current();
      return entry !== null && sender === entry.window.webContents;
    },
    allowClose() {
      quitting = true;
      stopIdleCount();
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
