import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Events, type Phase } from '../contract';
import { APP_INDEX_URL } from './app-protocol';
import { FakeClock } from '@pwsync/testing/fake-clock';
import { pending } from '../../test/core/states';
import { BrowserWindow, fake, fakeEvent, FakeWebContents } from '../../test/main/fake-electron';
import { idleState } from '../../test/main/fixtures';
import { buildWebPreferences } from './web-preferences';
import { type AppWindow, createAppWindow, IDLE_CLOSE_MS } from './window';

vi.mock('electron', () => import('../../test/main/fake-electron'));

const options = { preloadPath: '/app/dist/preload.cjs', development: false };
let appWindow: AppWindow;

/** The page has painted and loaded, as Electron reports it. */
function loaded(win: BrowserWindow): BrowserWindow {
  win.emit('ready-to-show');
  win.webContents.emit('did-finish-load');
  return win;
}

const viewsSent = (win: BrowserWindow) => win.webContents.sent.filter((m) => m.channel === Events.showView.channel).map((m) => m.args[0]);

function opened(): BrowserWindow {
  appWindow.show();
  const win = BrowserWindow.instances.at(-1);
  if (!win) throw new Error('no window was created');
  return win;
}

beforeEach(() => {
  fake.reset();
  appWindow = createAppWindow(options);
});

describe('the app window', () => {
  it('is not created until it is needed', () => {
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('is one small window titled pwsync, built with the pinned webPreferences, loading our page', () => {
    const win = opened();
    expect(win.options).toMatchObject({ width: 420, height: 600, title: 'pwsync', show: false });
    expect(win.options.maxWidth as number).toBeLessThanOrEqual(800);
    expect(win.options.webPreferences).toStrictEqual(buildWebPreferences(options));
    expect(fake.called('win.loadURL')).toEqual([{ api: 'win.loadURL', args: [APP_INDEX_URL] }]);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
  });

  it('denies navigation away from our page, but allows reloading it', () => {
    const contents = opened().webContents;
    const away = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-navigate', away, away.url);
    expect(away.defaultPrevented).toBe(true);
    const otherOwnPage = fakeEvent({ url: 'app://pwsync/other.html' });
    contents.emit('will-navigate', otherOwnPage, otherOwnPage.url);
    expect(otherOwnPage.defaultPrevented).toBe(true);
    const reload = fakeEvent({ url: APP_INDEX_URL });
    contents.emit('will-navigate', reload, reload.url);
    expect(reload.defaultPrevented).toBe(false);
  });

  it('denies window.open', () => {
    const contents = opened().webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/', frameName: '', features: '' })).toEqual({ action: 'deny' });
  });

  it('hands a link the page tries to open to the allowlist module, and still opens no window', () => {
    const links: string[] = [];
    appWindow = createAppWindow({ ...options, openExternal: (url) => links.push(url) });
    const contents = opened().webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://help.example.com/', frameName: '', features: '' })).toEqual({ action: 'deny' });
    expect(links).toEqual(['https://help.example.com/']);
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('hides on request, and reports when the person can and cannot see it', () => {
    const seen: boolean[] = [];
    appWindow = createAppWindow({ ...options, visibilityChanged: (visible) => seen.push(visible) });
    const win = opened();
    win.emit('ready-to-show');
    expect(appWindow.isVisible()).toBe(true);
    win.minimize();
    expect(appWindow.isVisible()).toBe(false);
    win.restore();
    appWindow.hide();
    expect(win.visible).toBe(false);
    expect(win.isDestroyed()).toBe(false);
    expect(seen).toEqual([true, false, true, false]);
  });

  it('denies every permission request and check', () => {
    const { session } = opened().webContents;
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      const callback = vi.fn();
      session.permissionRequestHandler?.(null, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler?.(null, permission, 'app://pwsync', {})).toBe(false);
    }
  });

  it('refuses to attach a webview', () => {
    const event = fakeEvent();
    opened().webContents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });

  it.each<[Phase, boolean]>([
    ['connecting', false],
    ['unreachable', false],
    ['idle', false],
    ['pending', true],
    ['confirming', true],
    ['attention', true],
    ['synced', false],
    ['informed', false],
  ])('in phase %s, content protection is %s', (phase, protectedNow) => {
    const win = opened();
    appWindow.stateChanged(idleState({ phase: protectedNow ? 'idle' : 'pending' }));
    appWindow.stateChanged(idleState({ phase }));
    expect(win.contentProtection).toBe(protectedNow);
  });

  it('protects a window created while a form may already show, before it loads', () => {
    appWindow.stateChanged(idleState({ phase: 'pending' }));
    opened();
    const names = fake.names();
    expect(fake.called('win.setContentProtection')).toEqual([{ api: 'win.setContentProtection', args: [true] }]);
    expect(names.indexOf('win.setContentProtection')).toBeLessThan(names.indexOf('win.loadURL'));
  });

  it('pushes each state to the page', () => {
    const win = opened();
    const state = idleState({ phase: 'synced' });
    appWindow.stateChanged(state);
    expect(win.webContents.sent).toEqual([{ channel: Events.stateChanged.channel, args: [state] }]);
  });

  it('hides rather than closes, until the app quits', () => {
    const win = opened();
    win.emit('ready-to-show');
    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(win.visible).toBe(false);
    expect(fake.names()).toContain('win.hide');
    appWindow.allowClose();
    win.close();
    expect(win.isDestroyed()).toBe(true);
  });

  it('brings back the same hidden window, restoring it if minimized', () => {
    const win = opened();
    loaded(win);
    win.close();
    win.minimized = true;
    fake.calls.length = 0;
    appWindow.show();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(fake.names()).toEqual(['win.restore', 'win.show', 'win.focus', 'webContents.send']);
  });

  it('knows its own webContents and no other', () => {
    const win = opened();
    expect(appWindow.isOurs(win.webContents as never)).toBe(true);
    expect(appWindow.isOurs(new FakeWebContents() as never)).toBe(false);
    win.destroy();
    expect(appWindow.isOurs(win.webContents as never)).toBe(false);
  });

  it('opens the view the tray asked for: once the page has loaded, or at once when it is already there', () => {
    const win = createAppWindow(options);
    win.show('support');
    const created = BrowserWindow.instances.at(-1)!;
    expect(created.webContents.sent.filter((m) => m.channel === 'pwsync:show-view')).toEqual([]);
    created.webContents.emit('did-finish-load');
    expect(created.webContents.sent.filter((m) => m.channel === 'pwsync:show-view')).toEqual([{ channel: 'pwsync:show-view', args: ['support'] }]);
    win.show('main');
    expect(created.webContents.sent.filter((m) => m.channel === 'pwsync:show-view').at(-1)).toEqual({ channel: 'pwsync:show-view', args: ['main'] });
  });
});

describe('the app window, made ahead and let go', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
    appWindow = createAppWindow({ ...options, clock });
  });

  it.each<Phase>(['pending', 'confirming', 'attention', 'informed'])('is made ahead, hidden and loading, when the phase %s arrives', (phase) => {
    appWindow.stateChanged(idleState({ phase }));
    expect(BrowserWindow.instances).toHaveLength(1);
    const win = BrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ show: false });
    expect(fake.called('win.loadURL')).toHaveLength(1);
    loaded(win);
    expect(win.visible).toBe(false);
    expect(appWindow.isVisible()).toBe(false);
    // Another state is pushed to it, not made again.
    appWindow.stateChanged(idleState({ phase }));
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it.each<Phase>(['connecting', 'unreachable', 'idle', 'synced'])('is not made for the phase %s, where nothing waits', (phase) => {
    appWindow.stateChanged(idleState({ phase }));
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('once made ahead and loaded, is shown at once, focused, on the page it already has: no second load', () => {
    appWindow.stateChanged(pending());
    const win = loaded(BrowserWindow.instances[0]!);
    fake.calls.length = 0;
    appWindow.show();
    expect(fake.names()).toEqual(['win.show', 'win.focus', 'webContents.send']);
    expect(win.visible).toBe(true);
    expect(viewsSent(win)).toEqual(['main']);
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('asked to show before its page has painted, shows once it has, with the view once it has loaded', () => {
    appWindow.stateChanged(pending());
    const win = BrowserWindow.instances[0]!;
    appWindow.show('support');
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(viewsSent(win)).toEqual([]);
    win.webContents.emit('did-finish-load');
    expect(viewsSent(win)).toEqual(['support']);
    expect(fake.called('win.loadURL')).toHaveLength(1);
  });

  it(`is closed for real ${IDLE_CLOSE_MS / 60_000} minutes after it was hidden with nothing waiting, and made anew when next needed`, () => {
    const win = loaded(opened());
    appWindow.stateChanged(idleState({ phase: 'synced' }));
    win.close();
    clock.advance(IDLE_CLOSE_MS - 1);
    expect(win.isDestroyed()).toBe(false);
    clock.advance(1);
    expect(win.isDestroyed()).toBe(true);
    expect(appWindow.isOurs(win.webContents as never)).toBe(false);
    appWindow.stateChanged(pending('chg_2'));
    expect(BrowserWindow.instances).toHaveLength(2);
    expect(BrowserWindow.instances[1]!.visible).toBe(false);
  });

  it('is not closed while something waits, however long it stays hidden; the count starts when nothing does', () => {
    appWindow.stateChanged(pending());
    const win = loaded(BrowserWindow.instances[0]!);
    clock.advance(24 * 3_600_000);
    expect(win.isDestroyed()).toBe(false);
    appWindow.stateChanged(idleState({ phase: 'confirming' }));
    appWindow.stateChanged(idleState({ phase: 'synced' }));
    clock.advance(IDLE_CLOSE_MS - 1);
    expect(win.isDestroyed()).toBe(false);
    // A new change before the time is up: kept, and no longer counting.
    appWindow.stateChanged(pending('chg_2'));
    clock.advance(IDLE_CLOSE_MS);
    expect(win.isDestroyed()).toBe(false);
  });

  it('is not closed while it is shown, and each hiding starts the count afresh', () => {
    const win = loaded(opened());
    appWindow.stateChanged(idleState({ phase: 'idle' }));
    clock.advance(IDLE_CLOSE_MS * 3);
    expect(win.isDestroyed()).toBe(false);
    appWindow.hide();
    clock.advance(IDLE_CLOSE_MS - 60_000);
    appWindow.show();
    clock.advance(IDLE_CLOSE_MS);
    appWindow.hide();
    clock.advance(IDLE_CLOSE_MS - 60_000);
    expect(win.isDestroyed()).toBe(false);
    clock.advance(60_000);
    expect(win.isDestroyed()).toBe(true);
  });

  it('asked to hide before its page has painted, stays hidden when it paints, and is let go in time', () => {
    appWindow.stateChanged(idleState({ phase: 'idle' }));
    appWindow.show();
    const win = BrowserWindow.instances[0]!;
    appWindow.hide();
    loaded(win);
    expect(win.visible).toBe(false);
    clock.advance(IDLE_CLOSE_MS);
    expect(win.isDestroyed()).toBe(true);
  });

  it('is not closed while it waits to be shown, nor once the app quits (nothing left counting)', () => {
    appWindow.stateChanged(idleState({ phase: 'idle' }));
    appWindow.show();
    const win = BrowserWindow.instances[0]!;
    clock.advance(IDLE_CLOSE_MS * 2);
    expect(win.isDestroyed()).toBe(false);
    loaded(win);
    appWindow.hide();
    expect(clock.pending).toBe(1);
    appWindow.allowClose();
    expect(clock.pending).toBe(0);
  });
});
