/**
 * The tray app's main process: the thin shell around the core. Everything here is
 * wiring; the logic lives in core/ (state, tray model, reminders, policy) and the
 * small files beside this one (tray, notifier, window, IPC, protocol, settings,
 * login item, external links, log).
 *
 * It is started by an entry that says what it runs as: the installed app's
 * (./entry.ts, built to dist/main.cjs) passes nothing and gets the product; the
 * demo's own entry, in packages/demo, passes its DemoOptions. Nothing here reads
 * an environment variable of ours, and `pwsync doctor` run from an installed app is
 * given the environment without them.
 */
import os from 'node:os';
import path from 'node:path';
import { app, clipboard, ipcMain, Menu, nativeImage, Notification, powerMonitor, protocol, shell, Tray } from 'electron';
import { systemSocketPath } from '@pwsync/agent-protocol';
import { createCore, hostPlatform } from '../core/create-core';
import { createTranslator } from '../core/i18n';
import type { Logger } from '@pwsync/node-kit/log';
import type { LoadedPolicy } from '../core/policy';
import { demoPolicy, loadPolicy, loadSystemPolicy, policySources } from '../core/policy-loader';
import { Reminders } from '../core/reminders';
import { trayView } from '../core/tray-view';
import { runDoctor } from '../doctor/run-doctor';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { createExternalLinks } from './external-links';
import { createFileLogger } from './file-logger';
import { coreHandlers, registerInvokes } from './ipc';
import { createLoginItem } from './login-item';
import { createNotifier } from './notifier';
import { openSettings, StoredHistory } from './settings-store';
import { createTrayShell } from './tray';
import { createAppWindow } from './window';

/** What the demo, and only the demo, adds: its own agent, files and identity provider. */
export interface DemoOptions {
  /** The demo agent's socket: one in the person's own folder, trusted only in demo mode (which the screen announces). */
  socketPath: string;
  /** Where dist/preload.cjs, dist/renderer/ and assets/tray/ are: the tray package's folder, as Electron's app path is then the demo's. */
  appRoot: string;
  /** Make a password change as the identity provider would (a SCIM PATCH to the demo's directory). */
  simulatePasswordChange?: () => Promise<void>;
  /** A policy file to play the administrator with, instead of the demo's own policy. */
  policyFile?: string;
  /** Where main.log goes: the demo's own folder, which npm start names to `pwsync doctor --demo` and removes when it stops. */
  logFolder?: string;
}

/** What the entry that starts the shell passes to it. */
export interface ShellEnvironment {
  /** Demo mode; a packaged app refuses it and runs as the product. */
  demo?: DemoOptions;
}

export function main(environment: ShellEnvironment = {}): void {
  // Belt and braces: the installed app's entry passes no demo options, and should
  // anything ever do so in a packaged app, it still trusts only the system socket,
  // reads only the system's policy and loads only its own files.
  const demoRefused = app.isPackaged && environment.demo !== undefined;
  const demoOptions = demoRefused ? undefined : environment.demo;

  // `pwsync doctor …`: the support CLI, no window, no tray, no lock (docs/doctor.md).
  const doctorAt = process.argv.indexOf('doctor', 1);
  if (doctorAt !== -1) {
    app.dock?.hide();
    const env = app.isPackaged ? withoutOverrides(process.env) : process.env;
    void runDoctor(process.argv.slice(doctorAt + 1), { write: (text) => process.stdout.write(text), env, appVersion: app.getVersion() }).then(
      (code) => app.exit(code),
      () => app.exit(1),
    );
    return;
  }

  // Both must happen before `ready`: https://www.electronjs.org/docs/latest/tutorial/sandbox
  // and https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes
  app.enableSandbox();
  registerAppScheme(protocol);

  // One tray app per person: a second launch hands over to the first and leaves.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const root = demoOptions?.appRoot ?? app.getAppPath();
  const demo = demoOptions !== undefined;
  const platform = hostPlatform();
  let onVisibility: (visible: boolean) => void = () => undefined;
  let openLink: (url: string) => void = () => undefined;
  const window = createAppWindow({
    preloadPath: path.join(root, 'dist/preload.cjs'),
    development: !app.isPackaged,
    openExternal: (url) => openLink(url),
    visibilityChanged: (visible) => onVisibility(visible),
  });
  let stop = (): void => undefined;

  app.on('second-instance', () => window.show());
  // A tray app lives on with no window; without a listener Electron would quit here.
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => {
    window.allowClose();
    stop();
  });

  void app.whenReady().then(async () => {
    // No Dock icon: pwsync lives in the menu bar (LSUIElement in the packaged app, too).
    app.dock?.hide();
    const logger = createFileLogger({ folder: demoOptions?.logFolder ?? app.getPath('logs'), console: !app.isPackaged });
    logger.info('starting', { version: app.getVersion(), platform, demo });
    if (demoRefused) logger.warn('a packaged app does not run in demo mode: the demo options it was started with are ignored');
    const policy = await policyFor(demoOptions, platform, logger);
    const userData = app.getPath('userData');
    const settings = openSettings(userData, logger);
    const core = createCore({
      socketPath: demoOptions?.socketPath ?? ownSystemSocketPath(),
      demo,
      appVersion: app.getVersion(),
      logger,
      platform,
      policy,
      history: new StoredHistory(userData, logger),
      logLocation: logger.file,
      simulatePasswordChange: demoOptions?.simulatePasswordChange,
    });
    const links = createExternalLinks(shell, policy.policy.supportUrl, logger);
    openLink = (url) => void links.open(url);
    handleAppProtocol(protocol, path.join(root, 'dist/renderer'));
    registerInvokes(
      ipcMain,
      coreHandlers(core, { copyText: (text) => clipboard.writeText(text), openSupport: () => links.openSupport(), hideWindow: () => window.hide() }),
      (sender) => window.isOurs(sender),
      logger,
    );

    const t = createTranslator(policy.policy.language ?? app.getLocale());
    const loginItem = createLoginItem({ platform: process.platform, app, executable: process.env.APPIMAGE ?? process.execPath, home: os.homedir() });
    // First run of an installed app: open at login, once; from then on the person decides.
    if (app.isPackaged && !demo && !settings.get('openAtLoginConfigured')) {
      loginItem.set(true);
      settings.set('openAtLoginConfigured', true);
    }
    const reminders = new Reminders({
      notifier: createNotifier(
        { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
        process.platform,
        (blocked) => core.notificationsChanged(blocked),
      ),
      t,
      platform,
      intervalHours: policy.policy.reminderIntervalHours,
      openWindow: () => window.show(),
    });
    onVisibility = (visible) => {
      reminders.windowVisibilityChanged(visible);
      // Closed or hidden after the person saw how a sync ended: next time, the resting screen.
      if (!visible) core.resultSeen();
    };
    const tray = createTrayShell({
      platform: process.platform,
      iconsDir: path.join(root, 'assets/tray'),
      createTray: (image) => new Tray(image),
      buildMenu: (template) => Menu.buildFromTemplate(template),
      createImage: (file) => nativeImage.createFromPath(file),
      actions: {
        openWindow: (view) => window.show(view),
        checkNow: () => void core.checkIn(),
        setOpenAtLogin: (enabled) => {
          loginItem.set(enabled);
          renderTray();
        },
        simulate: () => void core.simulateChange(),
        quit: () => app.quit(),
      },
    });
    const renderTray = () =>
      tray.render(trayView(core.getState(), { t, openAtLogin: loginItem.get(), simulateAvailable: core.getState().simulationAvailable }));

    const stateChanged = () => {
      const state = core.getState();
      window.stateChanged(state);
      reminders.stateChanged(state);
      renderTray();
    };
    core.on('stateChanged', stateChanged);
    // After sleep: a reminder that fell due comes now; the agent client reconnects on its own.
    powerMonitor.on('resume', () => reminders.recheck());
    stop = () => {
      reminders.stop();
      core.stop();
      tray.destroy();
    };
    stateChanged();
    core.start();
    // Demo mode opens the window at once, so there is something to see even where the desktop hides tray icons.
    if (demo) window.show();
  });
}

/** Demo mode plays an administrator (or reads the policy file it was given); otherwise the system's policy file and, on macOS, the profile over it. */
async function policyFor(demo: DemoOptions | undefined, platform: ReturnType<typeof hostPlatform>, logger: Logger): Promise<LoadedPolicy> {
  if (demo) return demo.policyFile ? loadPolicy(demo.policyFile, logger) : demoPolicy();
  return loadSystemPolicy(policySources(platform, { username: os.userInfo().username }), logger);
}

/** The environment without our own variables (PWSYNC_*), so that nothing set around an installed app steers it. */
function withoutOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.toUpperCase().startsWith('PWSYNC_')));
}

function ownSystemSocketPath(): string {
  const user = os.userInfo();
  return systemSocketPath(process.platform, user.username, user.uid);
}
