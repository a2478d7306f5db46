/**
 * Open at login. macOS and Windows through Electron (app.setLoginItemSettings);
 * Linux has no such API, so an XDG autostart entry in ~/.config/autostart
 * (https://specifications.freedesktop.org/autostart-spec/latest/), written and
 * removed here. The system is the source of truth: we ask it, we don't remember.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from 'electron';

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  app: { setLoginItemSettings: App['setLoginItemSettings']; getLoginItemSettings(): { openAtLogin: boolean } };
  /** The program to start: the AppImage if we run from one, else the executable. */
  executable: string;
  env?: NodeJS.ProcessEnv;
  home: string;
}

export interface LoginItem {
  get(): boolean;
  set(enabled: boolean): void;
}

export function autostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(config, 'autostart', 'pwsync.desktop');
}

/** The Exec key quotes its argument as the Desktop Entry spec asks. */
export function desktopEntry(executable: string): string {
  const quoted = `"${executable.replace(/([\\"`$])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=pwsync',
    'Comment=Keeps your computer password in step with your identity provider',
    `Exec=${quoted}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function createLoginItem(options: LoginItemOptions): LoginItem {
  if (options.platform === 'linux') {
    const file = autostartFile(options.env ?? process.env, options.home);
    return {
      get: () => existsSync(file),
      set(enabled) {
        if (!enabled) return rmSync(file, { force: true });
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        writeFileSync(file, desktopEntry(options.executable), { mode: 0o644 });
      },
    };
  }
  return {
    get: () => options.app.getLoginItemSettings().openAtLogin,
    // macOS: the app itself (it has no window to hide at login: it is a tray app).
    // Windows: the same executable, so an update that moves it keeps working.
    set: (enabled) =>
      options.app.setLoginItemSettings(options.platform === 'win32' ? { openAtLogin: enabled, path: options.executable, args: [] } : { openAtLogin: enabled }),
  };
}
