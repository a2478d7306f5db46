import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSocketTrust } from '@pwsync/tray/core/socket-trust';
import { makeTempDir, BUILT } from '@pwsync/testing/processes';

// Crosses folders: the agent as root sets up a user's socket, and the tray app's
// trust check, from that user's side, accepts exactly that.
const CLI = BUILT.agent;

describe('the system socket', () => {
  it('as root, hands the socket of another user to that user, in a folder only root can write', async () => {
    const dir = makeTempDir();
    const socketPath = path.join(dir, 'run', 'pwsync', '65534.sock');
    const child = spawn(process.execPath, [CLI, '--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 'state'), '--user', 'nobody']);
    while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 25));
    const socket = await fs.stat(socketPath);
    expect({ uid: socket.uid, mode: socket.mode & 0o777 }).toEqual({ uid: 65534, mode: 0o600 });
    const folder = await fs.stat(path.dirname(socketPath));
    expect({ uid: folder.uid, mode: folder.mode & 0o777 }).toEqual({ uid: 0, mode: 0o755 });
    // From the user's side, this is exactly what the tray app trusts.
    expect(await checkSocketTrust(socketPath, { demo: false, uid: 65534 })).toEqual({ trusted: true, kind: 'system' });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await fs.rm(dir, { recursive: true, force: true });
  });

});
