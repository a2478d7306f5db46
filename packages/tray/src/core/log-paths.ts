/**
 * Where the tray app's log is, computed the way Electron's app.getPath('logs')
 * places it, so `pwsync doctor` (which runs without Electron) can name it.
 */
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '@pwsync/agent-protocol';

export const APP_NAME = 'pwsync';
export const APP_LOG_FILE = 'main.log';

export function appLogFile(platform: Platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  switch (platform) {
    case 'darwin':
      return path.posix.join(home, 'Library', 'Logs', APP_NAME, APP_LOG_FILE);
    case 'win32':
      return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_NAME, 'logs', APP_LOG_FILE);
    case 'linux': {
      const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.posix.join(home, '.config');
      return path.posix.join(config, APP_NAME, 'logs', APP_LOG_FILE);
    }
  }
}
