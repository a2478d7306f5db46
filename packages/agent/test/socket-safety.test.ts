/**
 * Who can reach the agent's socket, proven with real uids (docs/agent-protocol.md,
 * "Trust"): the tests run as root, the agent serves `nobody`, and a uid with no
 * account plays another user of the computer.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@pwsync/testing/processes';
import { type AgentRun, handshakeAs, isRoot, NOBODY, raceAs, runAs, startBuiltAgent, STRANGER } from '@pwsync/testing/as-user';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

/** A folder every uid may pass through (root's, 0755), as /run is. */
async function world(): Promise<{ dir: string; socketPath: string; stateDir: string }> {
  const dir = makeTempDir();
  await fs.chmod(dir, 0o755);
  cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
  return { dir, socketPath: path.join(dir, 'run', 'pwsync', `${NOBODY}.sock`), stateDir: path.join(dir, 'state') };
}

function agentArgs(socketPath: string, stateDir: string, extra: string[] = []): string[] {
  return ['--socket', socketPath, '--backend', 'sandbox', '--state-dir', stateDir, '--user', 'nobody', ...extra];
}

async function serving(socketPath: string, stateDir: string, options: { umask?: string } = {}): Promise<AgentRun> {
  const agent = await startBuiltAgent(agentArgs(socketPath, stateDir), { ...options, waitFor: socketPath });
  cleanup.push(() => agent.stop());
  if (agent.child.exitCode !== null) throw new Error(`the agent exited: ${agent.output()}`);
  return agent;
}

describe.skipIf(!isRoot)('the socket, between two real users', () => {
  it('is 0600 from its first moment: under umask 000 a waiting other user never connects, three times out of three', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { socketPath, stateDir } = await world();
      await fs.mkdir(path.dirname(socketPath), { recursive: true, mode: 0o755 });
      const racer = raceAs(STRANGER, socketPath, 1500);
      // Give the racer time to start trying before the socket exists.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const agent = await serving(socketPath, stateDir, { umask: '000' });
      const { connected, tries } = await racer.result;
      expect(tries, 'the racer tried').toBeGreaterThan(50);
      expect(connected, `round ${round}: another user connected`).toBe(0);
      expect((await fs.stat(socketPath)).mode & 0o777).toBe(0o600);
      await agent.stop();
    }
  });

  it('serves the person it is for, and refuses another user at the kernel', async () => {
    const { socketPath, stateDir } = await world();
    await serving(socketPath, stateDir);
    expect(await handshakeAs(NOBODY, socketPath)).toMatchObject({ outcome: 'answered', reply: { result: { user: 'nobody' } } });
    expect(await handshakeAs(STRANGER, socketPath)).toEqual({ outcome: 'refused', code: 'EACCES' });
  });

  it('lets no other user act as the person after the person opens the socket to everyone, and closes it again', async () => {
    const { socketPath, stateDir } = await world();
    const agent = await serving(socketPath, stateDir);
    // The person owns the socket file, so they can widen its mode.
    expect(await runAs(NOBODY, ['chmod', '666', socketPath])).toMatchObject({ code: 0 });
    expect((await fs.stat(socketPath)).mode & 0o777).toBe(0o666);
    // The kernel now lets the other user in; the agent does not serve them.
    expect(await handshakeAs(STRANGER, socketPath)).toEqual({ outcome: 'closed' });
    expect((await fs.stat(socketPath)).mode & 0o777).toBe(0o600);
    // The log line travels through a pipe: wait for it rather than race it.
    for (let i = 0; i < 100 && !agent.output().includes('the socket had been opened to others'); i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(agent.output()).toContain('the socket had been opened to others');
    // The person's own connection works again, and the other user is back to EACCES.
    expect(await handshakeAs(NOBODY, socketPath)).toMatchObject({ outcome: 'answered' });
    expect(await handshakeAs(STRANGER, socketPath)).toEqual({ outcome: 'refused', code: 'EACCES' });
  });
});

describe('the socket path', () => {
  it('is never taken over: a second agent on a live socket refuses, and the first goes on serving', async () => {
    const dir = makeTempDir();
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const socketPath = path.join(dir, 'agent.sock');
    const first = await startBuiltAgent(['--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 'one')], { waitFor: socketPath });
    cleanup.push(() => first.stop());
    const before = await fs.lstat(socketPath);
    const second = await startBuiltAgent(['--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 'two')]);
    expect(await second.exited).toBe(2);
    expect(second.output()).toContain(`another agent is already serving ${socketPath}; stop it first`);
    const after = await fs.lstat(socketPath);
    expect(after.ino).toBe(before.ino);
    expect(await handshakeAs(process.getuid!(), socketPath)).toMatchObject({ outcome: 'answered' });
  });

  it('replaces a stale socket left by a killed agent', async () => {
    const dir = makeTempDir();
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const socketPath = path.join(dir, 'agent.sock');
    const killed = await startBuiltAgent(['--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 's')], { waitFor: socketPath });
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect((await fs.lstat(socketPath)).isSocket()).toBe(true);
    const next = await startBuiltAgent(['--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 's')], { waitFor: socketPath });
    cleanup.push(() => next.stop());
    expect(next.child.exitCode).toBe(null);
    expect(await handshakeAs(process.getuid!(), socketPath)).toMatchObject({ outcome: 'answered' });
  });

  it('on stopping, removes its own socket file only, never one another agent made there since', async () => {
    const dir = makeTempDir();
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const socketPath = path.join(dir, 'agent.sock');
    const agent = await startBuiltAgent(['--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 's')], { waitFor: socketPath });
    // Someone with root replaces the file (as a second agent with a bad script might).
    await fs.rm(socketPath);
    await fs.writeFile(socketPath, 'not ours');
    expect(await agent.stop()).toBe(0);
    expect(await fs.readFile(socketPath, 'utf8')).toBe('not ours');
  });

  it.each([
    ['a regular file', (p: string) => fs.writeFile(p, 'keep me'), 'is a regular file, not a socket; the agent never removes it'],
    ['a folder', (p: string) => fs.mkdir(p), 'is a folder, not a socket'],
    ['a symbolic link', (p: string) => fs.symlink('/etc/hostname', p), 'is a symbolic link, not a socket'],
  ])('refuses %s at the socket path and leaves it as it was', async (_what, plant, message) => {
    const dir = makeTempDir();
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const socketPath = path.join(dir, 'agent.sock');
    await plant(socketPath);
    const before = await fs.lstat(socketPath);
    const agent = await startBuiltAgent(['--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 's')]);
    expect(await agent.exited).toBe(2);
    expect(agent.output()).toContain(message);
    const after = await fs.lstat(socketPath);
    expect({ ino: after.ino, mode: after.mode }).toEqual({ ino: before.ino, mode: before.mode });
  });
});

describe.skipIf(!isRoot)('the folders, checked at start', () => {
  async function refusal(prepare: (dir: string) => Promise<{ socketPath: string; stateDir: string }>): Promise<string> {
    const dir = makeTempDir();
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const { socketPath, stateDir } = await prepare(dir);
    const agent = await startBuiltAgent(['--socket', socketPath, '--backend', 'sandbox', '--state-dir', stateDir]);
    expect(await agent.exited).toBe(2);
    await expect(fs.lstat(socketPath)).rejects.toThrow();
    return agent.output();
  }

  it('refuses a socket folder another user owns', async () => {
    const output = await refusal(async (dir) => {
      await fs.mkdir(path.join(dir, 'run'), { mode: 0o755 });
      await fs.chown(path.join(dir, 'run'), NOBODY, NOBODY);
      return { socketPath: path.join(dir, 'run', 'a.sock'), stateDir: path.join(dir, 'state') };
    });
    expect(output).toMatch(/the socket folder \S+\/run belongs to uid 65534; it must belong to root \(chown 0 \S+\/run\)/);
  });

  it('refuses a socket folder others can write in', async () => {
    const output = await refusal(async (dir) => {
      await fs.mkdir(path.join(dir, 'run'));
      await fs.chmod(path.join(dir, 'run'), 0o777);
      return { socketPath: path.join(dir, 'run', 'a.sock'), stateDir: path.join(dir, 'state') };
    });
    expect(output).toMatch(/group or others can write in the socket folder \S+\/run; make it writable by its owner only \(chmod go-w \S+\/run\)/);
  });

  it('refuses a socket folder that is a symbolic link', async () => {
    const output = await refusal(async (dir) => {
      await fs.mkdir(path.join(dir, 'real'));
      await fs.symlink(path.join(dir, 'real'), path.join(dir, 'run'));
      return { socketPath: path.join(dir, 'run', 'a.sock'), stateDir: path.join(dir, 'state') };
    });
    expect(output).toMatch(/the socket folder \S+\/run is a symbolic link; make it a real folder/);
  });

  it('refuses a state folder another user owns, before anything is written to it', async () => {
    const output = await refusal(async (dir) => {
      await fs.mkdir(path.join(dir, 'state'));
      await fs.chown(path.join(dir, 'state'), NOBODY, NOBODY);
      return { socketPath: path.join(dir, 'a.sock'), stateDir: path.join(dir, 'state') };
    });
    expect(output).toMatch(/the state folder \S+\/state belongs to uid 65534; it must belong to root/);
  });

  it('refuses a state folder below a folder others can write in', async () => {
    const output = await refusal(async (dir) => {
      await fs.mkdir(path.join(dir, 'open'));
      await fs.chmod(path.join(dir, 'open'), 0o777);
      return { socketPath: path.join(dir, 'a.sock'), stateDir: path.join(dir, 'open', 'state') };
    });
    expect(output).toMatch(/group or others can write in \S+\/open, above the state folder \S+\/open\/state, so they could replace it/);
  });
});
