import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTranslator } from '../core/i18n';
import { appState, pending } from '../../test/core/states';
import { trayView } from '../core/tray-view';
import { createTrayShell } from './tray';
import { fake, type FakeMenuItem, Menu, nativeImage, Tray } from '../../test/main/fake-electron';

vi.mock('electron', () => import('../../test/main/fake-electron'));

const t = createTranslator('en');
let actions: Record<'openWindow' | 'checkNow' | 'setOpenAtLogin' | 'simulate' | 'quit', ReturnType<typeof vi.fn>>;

function shellFor(platform: NodeJS.Platform) {
  return createTrayShell({
    platform,
    iconsDir: '/app/assets/tray',
    createTray: (image) => new Tray(image as never) as never,
    buildMenu: (template) => Menu.buildFromTemplate(template as FakeMenuItem[]) as never,
    createImage: (file) => nativeImage.createFromPath(file) as never,
    actions: actions as never,
  });
}

const model = (state = appState(), simulateAvailable = false) => trayView(state, { t, openAtLogin: true, simulateAvailable });

beforeEach(() => {
  fake.reset();
  actions = { openWindow: vi.fn(), checkNow: vi.fn(), setOpenAtLogin: vi.fn(), simulate: vi.fn(), quit: vi.fn() };
});

describe('the tray shell', () => {
  it('on macOS: template images, flagged as templates, and a click shows the menu (no click handler)', () => {
    const shell = shellFor('darwin');
    shell.render(model());
    const tray = Tray.instances[0]!;
    expect(tray.image.path).toBe('/app/assets/tray/in-syncTemplate.png');
    expect(tray.image.template).toBe(true);
    expect(tray.listenerCount('click')).toBe(0);
    shell.render(model(pending()));
    expect(tray.image.path).toBe('/app/assets/tray/action-neededTemplate.png');
    expect(Tray.instances).toHaveLength(1);
  });

  it('on Windows: colour images, and a left click opens the window', () => {
    shellFor('win32').render(model());
    const tray = Tray.instances[0]!;
    expect(tray.image.path).toBe('/app/assets/tray/in-sync.png');
    expect(tray.image.template).toBe(false);
    tray.emit('click');
    expect(actions.openWindow).toHaveBeenCalledTimes(1);
  });

  it('on Linux: colour images, and the menu is the way in (as the desktop shows it on click)', () => {
    shellFor('linux').render(model());
    const tray = Tray.instances[0]!;
    expect(tray.image.path).toBe('/app/assets/tray/in-sync.png');
    expect(tray.listenerCount('click')).toBe(0);
    expect(tray.menu).not.toBeNull();
  });

  it('"Notifications are off…" opens the window at Status, which says how to allow them', () => {
    shellFor('darwin').render(model(pending('chg_1', { notificationsBlocked: true }), false));
    Tray.instances[0]!.menu!.getMenuItemById('notificationsOff')!.click!({ checked: false });
    expect(actions.openWindow).toHaveBeenCalledWith('status');
  });

  it('renders tooltip and menu as the model says, each item wired to its action', () => {
    shellFor('linux').render(model(pending('chg_1', { demo: true }), true));
    const tray = Tray.instances[0]!;
    expect(tray.tooltip).toBe('pwsync: Action needed: confirm your new password (demo)');
    const items = tray.menu!.items;
    expect(items.map((i) => i.type)).toEqual(['normal', 'normal', 'separator', 'normal', 'normal', 'normal', 'separator', 'checkbox', 'normal']);
    expect(items[0]).toMatchObject({ label: 'Action needed: confirm your new password (demo)', enabled: false });
    expect(items[0]!.click).toBeUndefined();
    tray.menu!.getMenuItemById('confirm')!.click!({ checked: false });
    tray.menu!.getMenuItemById('statusHelp')!.click!({ checked: false });
    tray.menu!.getMenuItemById('checkNow')!.click!({ checked: false });
    expect(tray.menu!.getMenuItemById('openAtLogin')).toMatchObject({ type: 'checkbox', checked: true });
    tray.menu!.getMenuItemById('openAtLogin')!.click!({ checked: false });
    tray.menu!.getMenuItemById('quit')!.click!({ checked: false });
    expect(actions.openWindow).toHaveBeenCalledTimes(2);
    expect(actions.checkNow).toHaveBeenCalledTimes(1);
    expect(actions.setOpenAtLogin).toHaveBeenCalledWith(false);
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });

  it('in demo mode, "Simulate…" runs the injected action', () => {
    shellFor('darwin').render(model(appState({ demo: true }), true));
    Tray.instances[0]!.menu!.getMenuItemById('simulate')!.click!({ checked: false });
    expect(actions.simulate).toHaveBeenCalledTimes(1);
  });

  it('loads each icon once, and removes the tray on destroy', () => {
    const shell = shellFor('win32');
    shell.render(model());
    shell.render(model(pending()));
    shell.render(model());
    expect(fake.called('nativeImage.createFromPath')).toHaveLength(2);
    shell.destroy();
    expect(Tray.instances[0]!.destroyed).toBe(true);
  });
});
