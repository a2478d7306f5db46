/**
 * Where the agent's socket lives. The system socket is one per user inside a folder
 * only root can write (see docs/agent-protocol.md, "Trust"); a development socket in
 * the user's own runtime folder is accepted only in demo mode.
 */
import os from 'node:os';
import path from 'node:path';

export const SYSTEM_SOCKET_DIR = {
  darwin: '/var/run/pwsync',
  linux: '/run/pwsync',
} as const;

export function systemSocketPath(platform: NodeJS.Platform, userName: string, uid: number): string {
  if (platform === 'win32') return `\\\\.\\pipe\\pwsync-agent-${userName.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  const dir = platform === 'darwin' ? SYSTEM_SOCKET_DIR.darwin : SYSTEM_SOCKET_DIR.linux;
  return path.join(dir, `${uid}.sock`);
}

/** A short per-user folder for the demo agent's socket (Unix socket paths must stay under 108 bytes). */
export function demoRuntimeDir(env: NodeJS.ProcessEnv = process.env, uid = os.userInfo().uid): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.length < 60) return path.join(runtime, 'pwsync-demo');
  return path.join(os.tmpdir(), `pwsync-demo-${uid}`);
}
