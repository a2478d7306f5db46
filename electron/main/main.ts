/**
 * The tray app's main process: the thin shell around the core. Everything here is
 * wiring; the logic lives in electron/core (state) and the small files beside this
 * one (window, IPC, protocol). Later slices add the tray, notifications, settings
 * and policy the same way: a file each, wired below.
 */
import os from 'node:os';
import path from 'node:path';
import { app, ipcMain, protocol } from 'electron';
import { systemSocketPath } from '../../agent/src/protocol';
import { createCore } from '../core/create-core';
import type { CoreLogger } from '../core/logger';
import type { TrayCore } from '../core/tray-core';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { consoleLogger } from './console-logger';
import { coreHandlers, registerInvokes } from './ipc';
import { type AppWindow, createAppWindow } from './window';

export function main(): void {
  // Both must happen before `ready`: https://www.electronjs.org/docs/latest/tutorial/sandbox
  // and https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes
  app.enableSandbox();
  registerAppScheme(protocol);

  // One tray app per person: a second launch hands over to the first and leaves.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const root = app.getAppPath();
  const demo = process.env.PWSYNC_DEMO === '1';
  const window = createAppWindow({ preloadPath: path.join(root, 'dist/electron/preload.cjs'), development: !app.isPackaged });
  let core: TrayCore | null = null;

  app.on('second-instance', () => window.show());
  // A tray app lives on with no window; without a listener Electron would quit here.
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => {
    window.allowClose();
    core?.stop();
  });

  void app.whenReady().then(() => {
    const logger = consoleLogger();
    core = startCore(demo, logger);
    app.dock?.hide();
    handleAppProtocol(protocol, path.join(root, 'dist/renderer'));
    registerInvokes(ipcMain, coreHandlers(core), (sender) => window.isOurs(sender), logger);
    wireState(core, window);
    core.start();
    // Until the tray exists, demo mode opens the window at once so there is something to see.
    if (demo) window.show();
  });
}

function startCore(demo: boolean, logger: CoreLogger): TrayCore {
  return createCore({
    socketPath: process.env.PWSYNC_SOCKET ?? ownSystemSocketPath(),
    demo,
    appVersion: app.getVersion(),
    logger,
    // Policy will name the identity provider; the demo plays Okta, as the browser demo does.
    provider: demo ? 'Okta' : undefined,
  });
}

function ownSystemSocketPath(): string {
  const user = os.userInfo();
  return systemSocketPath(process.platform, user.username, user.uid);
}

function wireState(core: TrayCore, window: AppWindow): void {
  window.stateChanged(core.getState());
  core.on('stateChanged', (state) => window.stateChanged(state));
}

main();
