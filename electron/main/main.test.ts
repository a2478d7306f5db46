import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Events, Invokes } from '../contract';
import { createCore } from '../core/create-core';
import { app, BrowserWindow, fake, FakeWebContents, ipcMain, protocol } from './test/fake-electron';
import { idleState, invokeEvent } from './test/fixtures';

vi.mock('electron', () => import('./test/fake-electron'));
vi.mock('../core/create-core', async () => {
  const { EventEmitter } = await import('node:events');
  const { idleState } = await import('./test/fixtures');
  return {
    createCore: vi.fn(() =>
      Object.assign(new EventEmitter(), {
        getState: vi.fn(() => idleState({ demo: true })),
        start: vi.fn(),
        stop: vi.fn(),
        confirmChange: vi.fn(),
        checkIn: vi.fn(),
        dismissProblem: vi.fn(),
      }),
    ),
  };
});

type FakeCore = import('node:events').EventEmitter & Record<'getState' | 'start' | 'stop', ReturnType<typeof vi.fn>>;

const savedEnv = { ...process.env };
let main: () => void;

beforeAll(async () => {
  fake.reset();
  // The shell's logger writes to stderr; keep the test output clean.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.env.PWSYNC_DEMO = '1';
  process.env.PWSYNC_SOCKET = '/tmp/pwsync-test.sock';
  ({ main } = await import('./main'));
});
afterAll(() => {
  vi.restoreAllMocks();
  process.env = savedEnv;
});

function theCore(): FakeCore {
  const result = vi.mocked(createCore).mock.results.at(-1);
  if (!result) throw new Error('no core was created');
  return result.value as FakeCore;
}

// These run in order against the one app that importing main.ts started.
describe('main, on load', () => {
  it('enables the sandbox and registers the app scheme before ready, and takes the single-instance lock', () => {
    const names = fake.names();
    expect(names.slice(0, 3)).toEqual(['app.enableSandbox', 'protocol.registerSchemesAsPrivileged', 'app.requestSingleInstanceLock']);
    expect(names).not.toContain('app.ready');
    expect(names).not.toContain('BrowserWindow.new');
    expect(names).not.toContain('protocol.handle');
    expect(createCore).not.toHaveBeenCalled();
  });

  it('on ready, starts the core on the configured socket and serves, wires and shows', async () => {
    await app.becomeReady();
    expect(createCore).toHaveBeenCalledTimes(1);
    expect(vi.mocked(createCore).mock.calls[0]![0]).toMatchObject({ socketPath: '/tmp/pwsync-test.sock', demo: true, appVersion: '0.1.0-test' });
    expect(theCore().start).toHaveBeenCalledTimes(1);
    expect(fake.called('protocol.handle').map((c) => c.args[0])).toEqual(['app']);
    expect(protocol.handlers.has('app')).toBe(true);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(Invokes).map((i) => i.channel).sort());
    expect(fake.names()).toContain('app.dock.hide');
    // Demo mode: the window opens at start.
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(BrowserWindow.instances[0]!.options.webPreferences).toMatchObject({ preload: '/fake/app/dist/electron/preload.cjs', sandbox: true });
  });

  it('answers our window through the core, and refuses any other sender', async () => {
    const win = BrowserWindow.instances[0]!;
    const getState = ipcMain.handlers.get(Invokes.getState.channel)!;
    await expect(getState(invokeEvent(win.webContents))).resolves.toEqual(idleState({ demo: true }));
    await expect(getState(invokeEvent(new FakeWebContents()))).resolves.toEqual({ error: 'forbiddenSender' });
  });

  it('pushes every core state change to the window', () => {
    const win = BrowserWindow.instances[0]!;
    const state = idleState({ phase: 'pending', demo: true });
    theCore().emit('stateChanged', state);
    expect(win.webContents.sent.at(-1)).toEqual({ channel: Events.stateChanged.channel, args: [state] });
    expect(win.contentProtection).toBe(true);
  });

  it('focuses and shows the window when a second instance starts', () => {
    const win = BrowserWindow.instances[0]!;
    win.close();
    expect(win.visible).toBe(false);
    fake.calls.length = 0;
    app.emit('second-instance', fakeEventLike(), ['pwsync'], '/');
    expect(fake.names()).toEqual(['win.show', 'win.focus']);
    expect(win.visible).toBe(true);
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('stops the core before quitting and lets the window close', () => {
    const win = BrowserWindow.instances[0]!;
    app.emit('before-quit', fakeEventLike());
    expect(theCore().stop).toHaveBeenCalledTimes(1);
    win.close();
    expect(win.isDestroyed()).toBe(true);
  });
});

describe('main, as a second instance', () => {
  it('quits without creating a window or a core', async () => {
    fake.reset();
    vi.mocked(createCore).mockClear();
    app.singleInstanceLock = false;
    main();
    await app.becomeReady();
    expect(fake.names()).toContain('app.quit');
    expect(fake.names()).not.toContain('app.whenReady');
    expect(createCore).not.toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
  });
});

function fakeEventLike() {
  return { preventDefault() {} };
}
