import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Events, Invokes } from '../contract';
import { BUILT } from '@pwsync/testing/processes';
import { createCore } from '../core/create-core';
import { APP_INDEX_URL } from './app-protocol';
import { app, BrowserWindow, clipboard, fake, FakeWebContents, ipcMain, Notification, protocol, Tray } from '../../test/main/fake-electron';
import { idleState, invokeEvent } from '../../test/main/fixtures';

vi.mock('electron', () => import('../../test/main/fake-electron'));
vi.mock('../core/create-core', async (importOriginal) => {
  const { EventEmitter } = await import('node:events');
  const { idleState } = await import('../../test/main/fixtures');
  const original = await importOriginal<typeof import('../core/create-core')>();
  return {
    ...original,
    createCore: vi.fn(() => {
      const core = Object.assign(new EventEmitter(), {
        state: idleState({ demo: true, platform: 'linux' }),
        getState: vi.fn(() => core.state),
        start: vi.fn(),
        stop: vi.fn(),
        confirmChange: vi.fn(),
        startOver: vi.fn(),
        checkIn: vi.fn(async () => ({ ok: true })),
        dismissProblem: vi.fn(),
        resultSeen: vi.fn(),
        notificationsChanged: vi.fn(),
        diagnostics: vi.fn(async () => ({ supportCode: 'ABCD-EF23', generatedAt: '2025-01-01T00:00:00.000Z', text: 'pwsync diagnostics ABCD-EF23' })),
      });
      return core;
    }),
  };
});

type FakeCore = import('node:events').EventEmitter & { state: ReturnType<typeof idleState> } & Record<
    'getState' | 'start' | 'stop' | 'checkIn' | 'diagnostics',
    ReturnType<typeof vi.fn>
  >;

let main: typeof import('./main').main;
let dir: string;
/** The tray package's folder as the demo names it; Electron's app path is elsewhere then. */
let trayRoot: string;

beforeAll(async () => {
  fake.reset();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-main-'));
  // The app's files: the built page (the build ran before the tests).
  trayRoot = path.join(dir, 'tray');
  await fs.mkdir(path.join(trayRoot, 'dist/renderer'), { recursive: true });
  await fs.copyFile(path.join(BUILT.renderer, 'index.html'), path.join(trayRoot, 'dist/renderer/index.html'));
  app.appPath = path.join(dir, 'demo');
  app.paths.logs = path.join(dir, 'logs');
  app.paths.userData = path.join(dir, 'userData');
  ({ main } = await import('./main'));
  // As the demo's entry starts it (packages/demo/src/electron-main.ts).
  main({ demo: { socketPath: '/tmp/pwsync-test.sock', appRoot: trayRoot, logFolder: path.join(dir, 'demo-logs') } });
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function theCore(): FakeCore {
  const result = vi.mocked(createCore).mock.results.at(-1);
  if (!result) throw new Error('no core was created');
  return result.value as FakeCore;
}

function setState(patch: Parameters<typeof idleState>[0]): void {
  const core = theCore();
  core.state = idleState({ demo: true, platform: 'linux', ...patch });
  core.emit('stateChanged', core.state);
}

const menuLabels = () => (Tray.instances[0]!.menu!.items as Array<{ label?: string; type?: string }>).map((i) => i.label ?? '---');
const menuItem = (id: string) => Tray.instances[0]!.menu!.getMenuItemById(id)!;
const waitForReady = () => vi.waitUntil(() => Tray.instances.length === 1, { timeout: 2000 });

// These run in order against the one app that importing main.ts started.
describe('main, on load', () => {
  it('enables the sandbox and registers the app scheme before ready, and takes the single-instance lock', () => {
    const names = fake.names();
    expect(names.slice(0, 3)).toEqual(['app.enableSandbox', 'protocol.registerSchemesAsPrivileged', 'app.requestSingleInstanceLock']);
    expect(names).not.toContain('app.ready');
    expect(names).not.toContain('BrowserWindow.new');
    expect(names).not.toContain('Tray.new');
    expect(createCore).not.toHaveBeenCalled();
  });

  it('on ready: hides the Dock icon, starts the core with the demo policy and a stored history, serves the page', async () => {
    await app.becomeReady();
    await waitForReady();
    expect(fake.names()).toContain('app.dock.hide');
    expect(createCore).toHaveBeenCalledTimes(1);
    const options = vi.mocked(createCore).mock.calls[0]![0];
    expect(options).toMatchObject({ socketPath: '/tmp/pwsync-test.sock', demo: true, appVersion: '0.1.0-test', logLocation: path.join(dir, 'demo-logs', 'main.log') });
    expect(options.policy).toMatchObject({ source: 'demo policy', policy: { identityProvider: 'Okta', supportUrl: 'https://support.example.com/pwsync' } });
    expect(options.history?.list()).toEqual([]);
    expect(theCore().start).toHaveBeenCalledTimes(1);
    expect(protocol.handlers.has('app')).toBe(true);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(Invokes).map((i) => i.channel).sort());
    // Demo mode opens the window at once.
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(BrowserWindow.instances[0]!.options.webPreferences).toMatchObject({ preload: path.join(trayRoot, 'dist/preload.cjs'), sandbox: true });
  });

  it("serves the window's page as built, from the tray's folder the demo named", async () => {
    const page = await (await protocol.handlers.get('app')!(new Request(APP_INDEX_URL))).text();
    expect(page).toBe(await fs.readFile(path.join(BUILT.renderer, 'index.html'), 'utf8'));
    expect(page).toContain('<div id="root"></div>');
  });

  it('puts a tray icon up with the colour icon, tooltip and menu for the state', () => {
    const tray = Tray.instances[0]!;
    expect(tray.image.path).toBe(path.join(trayRoot, 'assets/tray/in-sync.png'));
    expect(tray.tooltip).toBe('pwsync: Your password is in sync (demo)');
    expect(menuLabels()).toEqual([
      'Your password is in sync (demo)',
      '---',
      'Check for changes now',
      'Sync status and help…',
      'Simulate a password change at the identity provider',
      '---',
      'Open at login',
      'Quit',
    ]);
    // No simulatePasswordChange in this environment: shown, but disabled.
    expect(menuItem('simulate').enabled).toBe(false);
  });

  it('follows the state: badge icon and "Confirm password change…" when a change waits (no notification: the window is open)', () => {
    // The page paints and loads, as Electron reports it.
    BrowserWindow.instances[0]!.emit('ready-to-show');
    BrowserWindow.instances[0]!.webContents.emit('did-finish-load');
    setState({ phase: 'pending', change: { id: 'chg_1', createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode: 'confirm' } });
    const tray = Tray.instances[0]!;
    expect(tray.image.path).toBe(path.join(trayRoot, 'assets/tray/action-needed.png'));
    expect(menuLabels()).toContain('Confirm password change…');
    const win = BrowserWindow.instances[0]!;
    expect(win.webContents.sent.at(-1)).toMatchObject({ channel: Events.stateChanged.channel });
    expect(win.contentProtection).toBe(true);
    expect(Notification.instances).toHaveLength(0);
  });

  it('once the window is hidden, the next change is announced, and a click opens the window', () => {
    const win = BrowserWindow.instances[0]!;
    win.close();
    expect(win.visible).toBe(false);
    setState({ phase: 'pending', change: { id: 'chg_2', createdAt: '2025-03-01T10:00:00.000Z', provider: 'Okta', mode: 'confirm' } });
    expect(Notification.instances).toHaveLength(1);
    const notification = Notification.instances[0]!;
    expect(notification.shown).toBe(true);
    expect(notification.options).toMatchObject({ title: 'You changed your password at Okta', actions: [] });
    notification.emit('click');
    expect(win.visible).toBe(true);
  });

  it('tells the core what the system does with its notifications, and that a hidden window has shown its result', () => {
    const win = BrowserWindow.instances[0]!;
    const core = theCore() as unknown as Record<'resultSeen' | 'notificationsChanged', ReturnType<typeof vi.fn>>;
    core.resultSeen.mockClear();
    win.show();
    win.close();
    expect(core.resultSeen).toHaveBeenCalledTimes(1);
    setState({ phase: 'pending', change: { id: 'chg_3', createdAt: '2025-03-01T11:00:00.000Z', provider: 'Okta', mode: 'confirm' } });
    Notification.instances.at(-1)!.emit('failed', {}, 'Notifications are not allowed for this application');
    expect(core.notificationsChanged).toHaveBeenLastCalledWith(true);
  });

  it('"Confirm password change…" and "Sync status and help…" open the window; "Check for changes now" asks the agent', () => {
    const win = BrowserWindow.instances[0]!;
    win.close();
    menuItem('confirm').click!({ checked: false });
    expect(win.visible).toBe(true);
    win.close();
    menuItem('statusHelp').click!({ checked: false });
    expect(win.visible).toBe(true);
    menuItem('checkNow').click!({ checked: false });
    expect(theCore().checkIn).toHaveBeenCalledTimes(1);
  });

  it('the window’s calls: copy diagnostics to the clipboard, open support, close', async () => {
    const win = BrowserWindow.instances[0]!;
    const call = (name: keyof typeof Invokes, event: unknown = invokeEvent(win.webContents)) => ipcMain.handlers.get(Invokes[name].channel)!(event);
    await expect(call('copyDiagnostics')).resolves.toEqual({ ok: true });
    expect(clipboard.text).toBe('pwsync diagnostics ABCD-EF23');
    await expect(call('openSupport')).resolves.toEqual({ ok: true });
    expect(fake.called('shell.openExternal').map((c) => c.args[0])).toEqual(['https://support.example.com/pwsync']);
    await expect(call('closeWindow')).resolves.toEqual({ ok: true });
    expect(win.visible).toBe(false);
    await expect(call('getState', invokeEvent(new FakeWebContents()))).resolves.toEqual({ error: 'forbiddenSender' });
  });

  it('a link the page tries to open goes through the allowlist, never a new window', () => {
    const contents = BrowserWindow.instances[0]!.webContents;
    fake.calls.length = 0;
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://support.example.com/faq' })).toEqual({ action: 'deny' });
    expect(fake.called('shell.openExternal').map((c) => c.args[0])).toEqual(['https://support.example.com/faq']);
  });

  it('a second launch focuses the first instance’s window', () => {
    const win = BrowserWindow.instances[0]!;
    win.close();
    fake.calls.length = 0;
    app.emit('second-instance', fakeEventLike(), ['pwsync'], '/');
    // Focused, and the page is asked for its main view.
    expect(fake.names()).toEqual(['win.show', 'win.focus', 'webContents.send']);
    expect(win.visible).toBe(true);
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it("writes its log lines to the log folder the demo named (Electron's own stays empty)", async () => {
    const text = await fs.readFile(path.join(dir, 'demo-logs', 'main.log'), 'utf8');
    expect(text).toContain('starting');
    expect(existsSync(path.join(dir, 'logs', 'main.log'))).toBe(false);
  });

  it('"Quit" quits; before quitting the core stops, the tray goes and the window may close', () => {
    menuItem('quit').click!({ checked: false });
    expect(fake.names()).toContain('app.quit');
    const win = BrowserWindow.instances[0]!;
    app.emit('before-quit', fakeEventLike());
    expect(theCore().stop).toHaveBeenCalledTimes(1);
    expect(Tray.instances[0]!.destroyed).toBe(true);
    win.close();
    expect(win.isDestroyed()).toBe(true);
  });
});

describe('main, as the product, when a change arrives', () => {
  it('makes the window hidden at once; the notification’s click shows that window, loaded once, focused', async () => {
    fake.reset();
    vi.mocked(createCore).mockClear();
    app.appPath = trayRoot;
    main();
    await app.becomeReady();
    await waitForReady();
    // Not the demo: no window until something needs the person.
    expect(BrowserWindow.instances).toHaveLength(0);
    const core = theCore();
    core.state = idleState({ platform: 'darwin', phase: 'pending', change: { id: 'chg_9', createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode: 'confirm' } });
    core.emit('stateChanged', core.state);
    expect(BrowserWindow.instances).toHaveLength(1);
    const win = BrowserWindow.instances[0]!;
    expect(win.visible).toBe(false);
    expect(win.contentProtection).toBe(true);
    expect(fake.called('win.loadURL')).toEqual([{ api: 'win.loadURL', args: [APP_INDEX_URL] }]);
    // Hidden, so the person is told.
    expect(Notification.instances).toHaveLength(1);
    // The page loads and paints while nobody looks.
    win.emit('ready-to-show');
    win.webContents.emit('did-finish-load');
    expect(win.visible).toBe(false);
    fake.calls.length = 0;
    Notification.instances[0]!.emit('click');
    expect(win.visible).toBe(true);
    expect(fake.names()).toEqual(['win.show', 'win.focus', 'webContents.send']);
    expect(win.webContents.sent.at(-1)).toEqual({ channel: Events.showView.channel, args: ['main'] });
    expect(BrowserWindow.instances).toHaveLength(1);
    app.emit('before-quit', fakeEventLike());
  });
});

describe('main, as a second instance', () => {
  it('quits without creating a window, a tray or a core', async () => {
    fake.reset();
    vi.mocked(createCore).mockClear();
    app.singleInstanceLock = false;
    main();
    await app.becomeReady();
    expect(fake.names()).toContain('app.quit');
    expect(fake.names()).not.toContain('app.whenReady');
    expect(createCore).not.toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(Tray.instances).toHaveLength(0);
  });
});

describe('main, as `pwsync doctor`', () => {
  it('runs the doctor and exits with its code, taking no lock and making no window', async () => {
    fake.reset();
    const argv = process.argv;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    process.argv = ['/opt/pwsync/pwsync', 'doctor', '--socket', path.join(dir, 'none.sock'), '--json'];
    try {
      main();
      await vi.waitUntil(() => fake.called('app.exit').length === 1, { timeout: 5000 });
    } finally {
      process.argv = argv;
      write.mockRestore();
    }
    expect(fake.called('app.exit')[0]!.args).toEqual([3]);
    expect(fake.names()).not.toContain('app.requestSingleInstanceLock');
    expect(BrowserWindow.instances).toHaveLength(0);
  });
});

function fakeEventLike() {
  return { preventDefault() {} };
}
