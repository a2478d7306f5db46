import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Events, type Phase } from '../contract';
import { APP_INDEX_URL } from './app-protocol';
import { BrowserWindow, fake, fakeEvent, FakeWebContents } from '../../test/main/fake-electron';
import { idleState } from '../../test/main/fixtures';
import { buildWebPreferences } from './web-preferences';
import { type AppWindow, createAppWindow } from './window';

vi.mock('electron', () => import('../../test/main/fake-electron'));

const options = { preloadPath: '/app/dist/preload.cjs', development: false };
let appWindow: AppWindow;

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
