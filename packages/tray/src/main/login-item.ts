/**
 * Open at login. macOS and Windows through Electron (app.setLoginItemSettings);
 * Linux has no such API, so an XDG autostart entry in ~/.config/autostart
 * (https://specifications.freedesktop.org/autostart-spec/latest/), written and
 * removed here. The system is the source of truth: we ask it, we don't remember.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from 'electron';

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  app: { setLoginItemSettings: App['setLoginItemSettings']; getLoginItemSettings(): { openAtLogin: boolean } };
  /** The program to start: the AppImage if we run from one, else the executable. */
  executable: string;
  env?: NodeJS.ProcessEnv;
  home: string;
  /** The entry the Debian package installs for everyone (packaging/README.md); the person's own entry of the same name overrides it. */
  systemAutostartFile?: string;
}

export const SYSTEM_AUTOSTART_FILE = '/etc/xdg/autostart/pwsync.desktop';

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

/** The person's entry that turns the system's off, as the XDG autostart spec has it. */
const HIDDEN_ENTRY = ['[Desktop Entry]', 'Type=Application', 'Name=pwsync', 'Hidden=true', ''].join('\n');

export function createLoginItem(options: LoginItemOptions): LoginItem {
  if (options.platform === 'linux') {
    const file = autostartFile(options.env ?? process.env, options.home);
    const systemFile = options.systemAutostartFile ?? SYSTEM_AUTOSTART_FILE;
    const write = (text: string) => {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, text, { mode: 0o644 });
    };
    return {
      get: () => (existsSync(file) ? !/^Hidden=true$/m.test(readFileSync(file, 'utf8')) : existsSync(systemFile)),
      set(enabled) {
        if (enabled) return write(desktopEntry(options.executable));
        // Removing the person's entry would leave the system's in force.
        if (existsSync(systemFile)) return write(HIDDEN_ENTRY);
        rmSync(file, { force: true });
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
