import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@pwsync/testing/processes';
import { silentLogger } from '@pwsync/node-kit/log';
import { createCore } from './create-core';
import { checkSocketTrust } from './socket-trust';

// These tests run as root here, so root-owned folders stand for the system folder and
// other uids are made with chown. Each variant listens on the socket and proves that
// nothing, let alone a password, was written to it.
const OTHER_UID = 4242;
const PASSWORD = 'trust-me-Pa55';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function listening(socketPath: string): Promise<{ received: () => number }> {
  let bytes = 0;
  const peers: net.Socket[] = [];
  const server = net.createServer((socket) => {
    peers.push(socket);
    socket.on('data', (chunk) => (bytes += chunk.length));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(async () => {
    peers.forEach((p) => p.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { received: () => bytes };
}

async function folder(mode: number, uid = 0): Promise<string> {
  const dir = makeTempDir('pwt-');
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.chmod(dir, mode);
  await fs.chown(dir, uid, 0);
  return dir;
}

async function refusesAndSendsNothing(socketPath: string, received: () => number, demo = false) {
  const verdict = await checkSocketTrust(socketPath, { demo, uid: 0 });
  expect(verdict.trusted).toBe(false);
  const core = createCore({ socketPath, demo, appVersion: '0', logger: silentLogger, retryDelaysMs: [20] });
  core.start();
  await new Promise((resolve) => setTimeout(resolve, 150));
  const state = core.getState();
  const outcome = await core.confirmChange({ changeId: 'chg_x', previousPassword: PASSWORD, newPassword: PASSWORD });
  core.stop();
  expect(state.phase).toBe('unreachable');
  expect(outcome.ok).toBe(false);
  expect(received()).toBe(0);
}

describe('socket trust', () => {
  it('trusts a 0600 socket of this user in a root-owned folder no one else can write', async () => {
    const dir = await folder(0o755);
    const socketPath = path.join(dir, 's.sock');
    await listening(socketPath);
    await fs.chmod(socketPath, 0o600);
    expect(await checkSocketTrust(socketPath, { demo: false, uid: 0 })).toEqual({ trusted: true, kind: 'system' });
  });

  it('refuses a socket owned by another user', async () => {
    const dir = await folder(0o755);
    const socketPath = path.join(dir, 's.sock');
    const { received } = await listening(socketPath);
    await fs.chmod(socketPath, 0o600);
    await fs.chown(socketPath, OTHER_UID, 0);
    await refusesAndSendsNothing(socketPath, received);
  });

  it('refuses a socket in a group- or world-writable folder', async () => {
    for (const mode of [0o775, 0o757]) {
      const dir = await folder(mode);
      const socketPath = path.join(dir, 's.sock');
      const { received } = await listening(socketPath);
      await fs.chmod(socketPath, 0o600);
      await refusesAndSendsNothing(socketPath, received);
    }
  });

  it('refuses a symbolic link to a socket', async () => {
    const dir = await folder(0o755);
    const real = path.join(dir, 'real.sock');
    const { received } = await listening(real);
    await fs.chmod(real, 0o600);
    const link = path.join(dir, 'link.sock');
    await fs.symlink(real, link);
    await refusesAndSendsNothing(link, received);
  });

  it('refuses a regular file', async () => {
    const dir = await folder(0o755);
    const file = path.join(dir, 's.sock');
    await fs.writeFile(file, '', { mode: 0o600 });
    await refusesAndSendsNothing(file, () => 0);
    expect(await fs.readFile(file, 'utf8')).toBe('');
  });

  it('refuses a socket in a folder the user owns, unless in demo mode', async () => {
    const dir = await folder(0o700, OTHER_UID);
    const socketPath = path.join(dir, 's.sock');
    await listening(socketPath);
    await fs.chmod(socketPath, 0o600);
    await fs.chown(socketPath, OTHER_UID, 0);
    expect(await checkSocketTrust(socketPath, { demo: false, uid: OTHER_UID })).toMatchObject({ trusted: false });
    expect(await checkSocketTrust(socketPath, { demo: true, uid: OTHER_UID })).toEqual({ trusted: true, kind: 'demo' });
  });

  it('refuses a socket in /tmp', async () => {
    const socketPath = path.join('/tmp', `pwsync-trust-${process.pid}.sock`);
    const { received } = await listening(socketPath);
    await fs.chmod(socketPath, 0o600);
    cleanups.push(() => fs.rm(socketPath, { force: true }));
    await refusesAndSendsNothing(socketPath, received, true);
  });

  it('refuses a socket other users can open', async () => {
    const dir = await folder(0o755);
    const socketPath = path.join(dir, 's.sock');
    const { received } = await listening(socketPath);
    await fs.chmod(socketPath, 0o666);
    await refusesAndSendsNothing(socketPath, received);
  });
});
