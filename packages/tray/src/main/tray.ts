/**
 * Renders the core's tray model (core/tray-view.ts) into Electron's Tray and Menu.
 * Nothing is decided here but how each platform shows it: macOS gets template
 * images (black and alpha, so the menu bar tints them for light and dark mode),
 * Windows and Linux colour ones; a click shows the menu on macOS and Linux, and
 * opens the window on Windows, as each platform's own tray apps do.
 */
import path from 'node:path';
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { View } from '../contract';
import type { TrayIconName, TrayItemId, TrayMenuItem, TrayModel } from '../core/tray-view';

export type TrayLike = Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy'> & {
  on(event: 'click', listener: () => void): unknown;
};

export interface TrayActions {
  openWindow(view?: View): void;
  checkNow(): void;
  setOpenAtLogin(enabled: boolean): void;
  simulate(): void;
  quit(): void;
}

export interface TrayShellOptions {
  platform: NodeJS.Platform;
  /** assets/tray, holding the rendered PNGs. */
  iconsDir: string;
  createTray(image: NativeImage): TrayLike;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  createImage(file: string): NativeImage;
  actions: TrayActions;
}

export interface TrayShell {
  render(model: TrayModel): void;
  destroy(): void;
}

/** The 1x file; Electron picks the @2x beside it on high-density screens. */
export function iconFile(iconsDir: string, name: TrayIconName, platform: NodeJS.Platform): string {
  // Electron treats a file whose name ends in "Template" as a template image.
  return platform === 'darwin' ? path.join(iconsDir, `${name}Template.png`) : path.join(iconsDir, `${name}.png`);
}

export function createTrayShell(options: TrayShellOptions): TrayShell {
  const images = new Map<TrayIconName, NativeImage>();
  const image = (name: TrayIconName): NativeImage => {
    let found = images.get(name);
    if (!found) {
      found = options.createImage(iconFile(options.iconsDir, name, options.platform));
      if (options.platform === 'darwin') found.setTemplateImage(true);
      images.set(name, found);
    }
    return found;
  };
  let tray: TrayLike | null = null;

  const handlers: Record<TrayItemId, ((checked: boolean) => void) | undefined> = {
    status: undefined,
    confirm: () => options.actions.openWindow(),
    // Status says where this computer's settings allow them.
    notificationsOff: () => options.actions.openWindow('status'),
    statusHelp: () => options.actions.openWindow('support'),
    checkNow: () => options.actions.checkNow(),
    openAtLogin: (checked) => options.actions.setOpenAtLogin(checked),
    simulate: () => options.actions.simulate(),
    quit: () => options.actions.quit(),
  };

  const toTemplate = (item: TrayMenuItem): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const handler = handlers[item.id];
    return {
      id: item.id,
      label: item.label,
      type: item.type,
      enabled: item.enabled,
      ...(item.type === 'checkbox' ? { checked: item.checked } : {}),
      ...(handler ? { click: (menuItem: { checked: boolean }) => handler(menuItem.checked) } : {}),
    };
  };

  return {
    render(model) {
      if (tray === null) {
        tray = options.createTray(image(model.icon));
        if (options.platform === 'win32') tray.on('click', () => options.actions.openWindow());
      } else {
        tray.setImage(image(model.icon));
      }
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(options.buildMenu(model.items.map(toTemplate)));
    },
    destroy() {
      tray?.destroy();
      tray = null;
    },
  };
}
