/**
 * A recording stand-in for the `electron` module, for tests under Node (the Electron
 * binary is not installed). Use it with
 *
 *   vi.mock('electron', () => import('./test/fake-electron'));
 *
 * Every call the shell makes is appended to `fake.calls` in order, so tests assert
 * what would have been called; handlers the shell registers are kept so tests can
 * invoke them with forged senders and payloads. Call `fake.reset()` between tests.
 */
import { EventEmitter } from 'node:events';

export interface Call {
  api: string;
  args: unknown[];
}

// A fake stands in for many real signatures; tests give the arguments Electron would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => any;

const calls: Call[] = [];

function record(api: string, ...args: unknown[]): void {
  calls.push({ api, args });
}

/** An Electron event: the params object with preventDefault, as Electron passes it. */
export function fakeEvent<T extends object>(params: T = {} as T): T & { defaultPrevented: boolean; preventDefault(): void } {
  return {
    ...params,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

class FakeSession {
  permissionRequestHandler: Handler | null = null;
  permissionCheckHandler: Handler | null = null;
  setPermissionRequestHandler(handler: Handler | null): void {
    record('session.setPermissionRequestHandler', handler);
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Handler | null): void {
    record('session.setPermissionCheckHandler', handler);
    this.permissionCheckHandler = handler;
  }
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly session = new FakeSession();
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  windowOpenHandler: Handler | null = null;
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    record('webContents.send', channel, ...args);
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: Handler): void {
    record('webContents.setWindowOpenHandler', handler);
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  minimized = false;
  destroyed = false;
  contentProtection: boolean | null = null;
  loadedUrl: string | null = null;

  constructor(readonly options: Record<string, unknown>) {
    super();
    record('BrowserWindow.new', options);
    BrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    record('win.loadURL', url);
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    record('win.show');
    const was = this.visible;
    this.visible = true;
    if (!was) this.emit('show');
  }
  hide(): void {
    record('win.hide');
    const was = this.visible;
    this.visible = false;
    if (was) this.emit('hide');
  }
  focus(): void {
    record('win.focus');
  }
  restore(): void {
    record('win.restore');
    this.minimized = false;
    this.emit('restore');
  }
  minimize(): void {
    record('win.minimize');
    this.minimized = true;
    this.emit('minimize');
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setContentProtection(enable: boolean): void {
    record('win.setContentProtection', enable);
    this.contentProtection = enable;
  }
  /** What the OS close button does: 'close' (cancellable), then 'closed' unless prevented. */
  close(): void {
    record('win.close');
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }
  destroy(): void {
    record('win.destroy');
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  singleInstanceLock = true;
  isPackaged = false;
  readonly dock = { hide: () => record('app.dock.hide') };
  private ready!: { promise: Promise<void>; resolve: () => void };
  constructor() {
    super();
    this.resetReady();
  }
  resetReady(): void {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.ready = { promise, resolve };
  }
  enableSandbox(): void {
    record('app.enableSandbox');
  }
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock');
    return this.singleInstanceLock;
  }
  quit(): void {
    record('app.quit');
  }
  whenReady(): Promise<void> {
    record('app.whenReady');
    return this.ready.promise;
  }
  getVersion(): string {
    return '0.1.0-test';
  }
  /** Where the app's files are: tests may point it at a folder with a built page in it. */
  appPath = '/fake/app';
  getAppPath(): string {
    return this.appPath;
  }
  /** Folders tests point at a temporary directory. */
  readonly paths: Record<string, string> = {};
  getPath(name: string): string {
    return this.paths[name] ?? `/nonexistent/fake-${name}`;
  }
  getLocale(): string {
    return 'en-US';
  }
  loginItem = { openAtLogin: false };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    record('app.setLoginItemSettings', settings);
    this.loginItem = { ...this.loginItem, ...settings };
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItem };
  }
  exit(code?: number): void {
    record('app.exit', code);
  }
  /** Test side: make the app ready, and let the promise callbacks run. */
  async becomeReady(): Promise<void> {
    record('app.ready');
    this.ready.resolve();
    this.emit('ready');
    await new Promise((r) => setTimeout(r, 0));
  }
}

export const app = new FakeApp();

export const protocol = {
  handlers: new Map<string, Handler>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    record('protocol.registerSchemesAsPrivileged', schemes);
  },
  handle(scheme: string, handler: Handler): void {
    record('protocol.handle', scheme);
    protocol.handlers.set(scheme, handler);
  },
};

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  /** electron-store registers a sync listener for its renderer API; we never use it. */
  on(channel: string): void {
    record('ipcMain.on', channel);
  },
  handle(channel: string, handler: Handler): void {
    record('ipcMain.handle', channel);
    ipcMain.handlers.set(channel, handler);
  },
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    record('contextBridge.exposeInMainWorld', key);
    contextBridge.exposed.set(key, api);
  },
};

class FakeIpcRenderer extends EventEmitter {
  /** What main answers; tests replace it. */
  answer: (channel: string, ...args: unknown[]) => unknown = () => undefined;
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    record('ipcRenderer.invoke', channel, ...args);
    return Promise.resolve().then(() => this.answer(channel, ...args));
  }
}

export const ipcRenderer = new FakeIpcRenderer();

export const clipboard = {
  text: '',
  writeText(text: string): void {
    record('clipboard.writeText', text);
    clipboard.text = text;
  },
};

export const shell = {
  openExternal(url: string): Promise<void> {
    record('shell.openExternal', url);
    return Promise.resolve();
  },
};

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  setTemplateImage(template: boolean): void {
    record('image.setTemplateImage', this.path, template);
    this.template = template;
  }
  isEmpty(): boolean {
    return false;
  }
}

export const nativeImage = {
  createFromPath(file: string): FakeNativeImage {
    record('nativeImage.createFromPath', file);
    return new FakeNativeImage(file);
  },
};

/** A menu item as the shell built it; `click` is the shell's handler, for tests to call. */
export interface FakeMenuItem {
  id?: string;
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: Handler;
}

export class Menu {
  constructor(readonly items: FakeMenuItem[]) {}
  static buildFromTemplate(template: FakeMenuItem[]): Menu {
    record('Menu.buildFromTemplate', template);
    return new Menu(template);
  }
  getMenuItemById(id: string): FakeMenuItem | null {
    return this.items.find((item) => item.id === id) ?? null;
  }
}

export class Tray extends EventEmitter {
  static readonly instances: Tray[] = [];
  image: FakeNativeImage;
  tooltip = '';
  menu: Menu | null = null;
  destroyed = false;
  constructor(image: FakeNativeImage) {
    super();
    record('Tray.new', image.path);
    this.image = image;
    Tray.instances.push(this);
  }
  setImage(image: FakeNativeImage): void {
    record('tray.setImage', image.path);
    this.image = image;
  }
  setToolTip(text: string): void {
    record('tray.setToolTip', text);
    this.tooltip = text;
  }
  setContextMenu(menu: Menu | null): void {
    record('tray.setContextMenu', menu);
    this.menu = menu;
  }
  popUpContextMenu(): void {
    record('tray.popUpContextMenu');
  }
  destroy(): void {
    record('tray.destroy');
    this.destroyed = true;
  }
}

export class Notification extends EventEmitter {
  static readonly instances: Notification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return Notification.supported;
  }
  shown = false;
  closed = false;
  constructor(readonly options: { title: string; body: string; actions?: Array<{ type: string; text: string }>; silent?: boolean }) {
    super();
    record('Notification.new', options);
    Notification.instances.push(this);
  }
  show(): void {
    record('notification.show', this.options.title);
    this.shown = true;
  }
  close(): void {
    record('notification.close', this.options.title);
    this.closed = true;
  }
}

export const powerMonitor = new EventEmitter();

export const fake = {
  calls,
  /** The api names of the calls so far, in order. */
  names: (): string[] => calls.map((c) => c.api),
  called: (api: string): Call[] => calls.filter((c) => c.api === api),
  reset(): void {
    calls.length = 0;
    BrowserWindow.instances.length = 0;
    app.removeAllListeners();
    app.resetReady();
    app.singleInstanceLock = true;
    app.isPackaged = false;
    protocol.handlers.clear();
    ipcMain.handlers.clear();
    contextBridge.exposed.clear();
    ipcRenderer.removeAllListeners();
    ipcRenderer.answer = () => undefined;
    app.loginItem = { openAtLogin: false };
    for (const key of Object.keys(app.paths)) delete app.paths[key];
    clipboard.text = '';
    Tray.instances.length = 0;
    Notification.instances.length = 0;
    Notification.supported = true;
    powerMonitor.removeAllListeners();
  },
};

// electron-store does `import electron from 'electron'`.
export default { app, BrowserWindow, clipboard, contextBridge, ipcMain, ipcRenderer, Menu, nativeImage, Notification, powerMonitor, protocol, shell, Tray };
