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
    this.visible = true;
  }
  hide(): void {
    record('win.hide');
    this.visible = false;
  }
  focus(): void {
    record('win.focus');
  }
  restore(): void {
    record('win.restore');
    this.minimized = false;
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
  getAppPath(): string {
    return '/fake/app';
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
  },
};
