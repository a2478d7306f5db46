/**
 * What npm start's tray app runs with, from the variables start.mjs sets: the tray's
 * shell in demo mode against the demo's own agent, files and identity provider. Only
 * the demo reads these; the installed app's entry reads none of ours.
 *
 *   PWSYNC_DEMO_SOCKET      the demo agent's socket (required)
 *   PWSYNC_DEMO_TRAY_ROOT   the tray package's folder, with its built preload, page and icons (required:
 *                           Electron's app path is this package's, not the tray's)
 *   PWSYNC_DEMO_POLICY      a policy file to play the administrator with (optional)
 *   PWSYNC_DEMO_LOG_DIR     where the tray app's main.log goes (optional; npm start: the demo's folder)
 *   PWSYNC_DEMO_DIRECTORY, PWSYNC_DEMO_TOKEN_FILE, PWSYNC_DEMO_USER
 *                           where the simulated identity provider sends its changes (demo-identity-provider.ts)
 */
import path from 'node:path';
import type { ShellEnvironment } from '@pwsync/tray/main/main';
import { demoIdentityProvider } from './demo-identity-provider';

export function demoShellEnvironment(env: NodeJS.ProcessEnv): ShellEnvironment {
  const socketPath = env.PWSYNC_DEMO_SOCKET;
  const trayRoot = env.PWSYNC_DEMO_TRAY_ROOT;
  const missing = [!socketPath && 'PWSYNC_DEMO_SOCKET', !trayRoot && 'PWSYNC_DEMO_TRAY_ROOT'].filter(Boolean);
  if (!socketPath || !trayRoot) throw new Error(`the demo's tray app needs ${missing.join(' and ')} (npm start sets them)`);
  return {
    demo: {
      socketPath,
      appRoot: path.resolve(trayRoot),
      simulatePasswordChange: demoIdentityProvider(env),
      policyFile: env.PWSYNC_DEMO_POLICY || undefined,
      logFolder: env.PWSYNC_DEMO_LOG_DIR || undefined,
    },
  };
}
