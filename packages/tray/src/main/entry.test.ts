import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemSocketPath } from '@pwsync/agent-protocol';
import { createCore } from '../core/create-core';
import type { TrayCore } from '../core/tray-core';
import { app, BrowserWindow, fake, Tray } from '../../test/main/fake-electron';

vi.mock('electron', () => import('../../test/main/fake-electron'));
// The real core, watched: what the shell asked of it is what it connects to and trusts.
vi.mock('../core/create-core', async (importOriginal) => {
  const original = await importOriginal<typeof import('../core/create-core')>();
  return { ...original, createCore: vi.fn(original.createCore) };
});

/**
 * The installed app's entry (dist/main.cjs), packaged, started with every demo switch
 * and override an earlier version honoured, and the demo's own variables besides.
 */
const savedEnv = { ...process.env };
let dir: string;
let socketPath: string;
let server: net.Server;
let connections = 0;
let policyFile: string;
/** Our variables the app looked at while it started. */
const looked = new Set<string>();

beforeAll(async () => {
  fake.reset();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwe-'));
  // A socket that would be trusted and answered if the app went there: ours, open to no one else.
  socketPath = path.join(dir, 'agent.sock');
  server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  await fs.chmod(socketPath, 0o600);
  policyFile = path.join(dir, 'policy.json');
  await fs.writeFile(policyFile, JSON.stringify({ identityProvider: 'Not the system policy' }));

  app.isPackaged = true;
  app.appPath = path.join(dir, 'app');
  app.paths.logs = path.join(dir, 'logs');
  app.paths.userData = path.join(dir, 'userData');
  const env = {
    ...process.env,
    PWSYNC_DEMO: '1',
    PWSYNC_SOCKET: socketPath,
    PWSYNC_POLICY: policyFile,
    PWSYNC_DEMO_SOCKET: socketPath,
    PWSYNC_DEMO_POLICY: policyFile,
    PWSYNC_DEMO_TRAY_ROOT: path.join(dir, 'elsewhere'),
    PWSYNC_DEMO_DIRECTORY: 'http://127.0.0.1:9/',
    PWSYNC_DEMO_TOKEN_FILE: path.join(dir, 'token'),
    PWSYNC_DEMO_USER: 'alex@example.com',
    // A packaged app's first run opens at login: keep that file in the test's folder.
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, 'config'),
  };
  const ours = (name: string | symbol) => typeof name === 'string' && name.toUpperCase().startsWith('PWSYNC_');
  process.env = new Proxy(env, {
    get: (target, name) => (ours(name) && looked.add(name as string), Reflect.get(target, name)),
    has: (target, name) => (ours(name) && looked.add(name as string), Reflect.has(target, name)),
  });
  await import('./entry');
  await app.becomeReady();
  await vi.waitUntil(() => Tray.instances.length === 1, { timeout: 5000 });
  await vi.waitUntil(() => theCore().getState().phase !== 'connecting', { timeout: 5000 });
  process.env = env;
});
afterAll(async () => {
  quit();
  process.env = savedEnv;
  server.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function theCore(): TrayCore {
  return vi.mocked(createCore).mock.results.at(-1)!.value as TrayCore;
}

const tray = () => Tray.instances[0]!;

/** What Quit does before the app exits: the core stops, with its reconnection timers. */
function quit(): void {
  app.emit('before-quit', { preventDefault() {} });
}

describe('the installed app, started with demo switches and overrides in its environment', () => {
  it('reads none of our variables', () => {
    expect([...looked]).toEqual([]);
  });

  it('runs as the product: the system socket, trusted as the system’s, the system policy, no demo', () => {
    expect(createCore).toHaveBeenCalledTimes(1);
    const options = vi.mocked(createCore).mock.calls[0]![0];
    const user = os.userInfo();
    expect(options.socketPath).toBe(systemSocketPath(process.platform, user.username, user.uid));
    expect(options.demo).toBe(false);
    expect(options.simulatePasswordChange).toBeUndefined();
    expect(options.policy?.policy.identityProvider).not.toBe('Not the system policy');
    expect(options.policy?.source).not.toBe('demo policy');
    expect(theCore().getState()).toMatchObject({ demo: false, simulationAvailable: false });
  });

  it('never goes near the socket it was pointed at', async () => {
    // It has tried the system socket (there is none here) and said so.
    await vi.waitUntil(() => theCore().getState().phase === 'unreachable', { timeout: 5000 });
    expect(connections).toBe(0);
  });

  it('has no demo in its tray menu and opens no window at start', () => {
    const tray = Tray.instances[0]!;
    const items = tray.menu!.items;
    expect(items.map((item) => item.id)).not.toContain('simulate');
    expect(items.map((item) => item.label ?? '').join('\n')).not.toMatch(/simulate|demo/i);
    expect(tray.tooltip).not.toMatch(/demo/i);
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('takes its icons from its own folder', () => {
    expect(tray().image.path).toBe(path.join(app.appPath, 'assets/tray/unreachable.png'));
  });
});

describe('a packaged app, given demo options all the same', () => {
  it('refuses them: the system socket, no demo, no simulation, its own files', async () => {
    quit();
    fake.reset();
    vi.mocked(createCore).mockClear();
    app.isPackaged = true;
    app.appPath = path.join(dir, 'app');
    app.paths.logs = path.join(dir, 'logs');
    app.paths.userData = path.join(dir, 'userData');
    const { main } = await import('./main');
    const simulatePasswordChange = vi.fn(async () => undefined);
    main({ demo: { socketPath, appRoot: path.join(dir, 'elsewhere'), simulatePasswordChange, policyFile } });
    await app.becomeReady();
    await vi.waitUntil(() => Tray.instances.length === 1, { timeout: 5000 });
    const options = vi.mocked(createCore).mock.calls[0]![0];
    const user = os.userInfo();
    expect(options).toMatchObject({ socketPath: systemSocketPath(process.platform, user.username, user.uid), demo: false });
    expect(options.simulatePasswordChange).toBeUndefined();
    expect(options.policy?.policy.identityProvider).not.toBe('Not the system policy');
    expect(tray().image.path.startsWith(path.join(app.appPath, 'assets/tray'))).toBe(true);
    expect(tray().menu!.items.map((item) => item.id)).not.toContain('simulate');
    await vi.waitUntil(() => theCore().getState().phase === 'unreachable', { timeout: 5000 });
    expect(connections).toBe(0);
    expect(await fs.readFile(path.join(dir, 'logs', 'main.log'), 'utf8')).toContain('does not run in demo mode');
  });
});

describe('`pwsync doctor` in a packaged app', () => {
  it('checks the system socket, not the one PWSYNC_SOCKET names (support passes --socket for that)', async () => {
    quit();
    fake.reset();
    app.isPackaged = true;
    const { main } = await import('./main');
    const argv = process.argv;
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });
    process.argv = ['/opt/pwsync/pwsync', 'doctor', '--json'];
    try {
      main();
      await vi.waitUntil(() => fake.called('app.exit').length === 1, { timeout: 5000 });
    } finally {
      process.argv = argv;
      write.mockRestore();
    }
    const report = JSON.parse(written.join('')) as { socket: { path: string } };
    const user = os.userInfo();
    expect(report.socket.path).toBe(systemSocketPath(process.platform, user.username, user.uid));
    expect(connections).toBe(0);
  });
});
