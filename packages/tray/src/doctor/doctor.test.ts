import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@pwsync/agent-protocol';
import { type Harness, startHarness, USER } from '@pwsync/testing/agent-harness';
import { BUILT, makeTempDir } from '@pwsync/testing/processes';
import { frame } from '@pwsync/testing/raw-socket';
import { keychainOnAnotherPassword } from '@pwsync/testing/seed';
import { createCore } from '../core/create-core';
import { silentLogger } from '@pwsync/node-kit/log';
import { runDoctor } from './run-doctor';

const PREVIOUS = 'doctor-Previous-1!';
const NEXT = 'doctor-Next-2?';
const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function doctor(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runDoctor(argv, { write: (text) => (out += text), env: {}, appVersion: '9.9.9', platform: 'linux' });
  return { code, out };
}

async function harness(): Promise<Harness> {
  const h = await startHarness({ previous: PREVIOUS, next: NEXT });
  cleanups.push(() => h.remove());
  return h;
}

/** A socket in a folder anyone can write: someone could have put it there. */
async function untrustedSocket(): Promise<string> {
  const dir = makeTempDir('pwd-');
  await fs.chmod(dir, 0o777);
  const socketPath = path.join(dir, 'agent.sock');
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  await fs.chmod(socketPath, 0o600);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }), () => new Promise((r) => server.close(r)));
  return socketPath;
}

/** Answers initialize as an agent from a future major version would. */
async function futureAgent(): Promise<string> {
  const dir = makeTempDir('pwd-');
  const socketPath = path.join(dir, 'agent.sock');
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      const match = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (!match) return;
      const body = buffer.slice(match.index + match[0].length, match.index + match[0].length + Number(match[1]));
      if (body.length < Number(match[1])) return;
      const { id } = JSON.parse(body) as { id: number };
      socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32003, message: 'unsupported protocol version', data: { supported: ['2.0'] } } })));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  await fs.chmod(socketPath, 0o600);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }), () => new Promise((r) => server.close(r)));
  return socketPath;
}

describe('pwsync doctor', () => {
  it('against a live agent: healthy (exit 0), with versions, pending change, last results and policy, and no password', async () => {
    const h = await harness();
    // One refused attempt first, so the agent has something in its history and a password went by.
    const core = createCore({ socketPath: h.socketPath, demo: true, appVersion: '9.9.9', logger: silentLogger, retryDelaysMs: [50] });
    core.start();
    await new Promise<void>((resolve) => core.on('stateChanged', (s) => s.phase === 'pending' && resolve()));
    await core.confirmChange({ changeId: h.change.id, previousPassword: 'wrong-Previous-9', newPassword: NEXT });
    core.stop();

    const { code, out } = await doctor('--socket', h.socketPath, '--demo');
    expect(code).toBe(0);
    expect(out).toContain(`Socket:     ${h.socketPath}`);
    expect(out).toMatch(/exists: +yes/);
    expect(out).toMatch(/trusted: +yes/);
    expect(out).toMatch(/reachable: +yes/);
    expect(out).toContain(`protocol:   ${PROTOCOL_VERSION}`);
    expect(out).toContain('App:        pwsync 9.9.9 on linux');
    expect(out).toMatch(/Agent: +0\.1\.0, sandbox backend, user \S+, demo/);
    expect(out).toContain(`pending:    ${h.change.id} from Okta since ${h.change.createdAt} (confirm)`);
    expect(out).toMatch(/attempts: +\d+ left/);
    expect(out).toContain('Policy:     from defaults');
    expect(out).toContain('app:    ');
    expect(out).toContain('Result:     healthy (exit 0)');
    expect(out).not.toContain(PREVIOUS);
    expect(out).not.toContain(NEXT);
    expect(out).not.toContain('wrong-Previous-9');
  });

  it("says why the agent's last sync failed, in its words, and no password", async () => {
    const h = await harness();
    // The practice keychain is on some other password, so the keychain step fails.
    await keychainOnAnotherPassword(h.stateDir, USER);
    const core = createCore({ socketPath: h.socketPath, demo: true, appVersion: '9.9.9', logger: silentLogger, retryDelaysMs: [50] });
    core.start();
    await new Promise<void>((resolve) => core.on('stateChanged', (s) => s.phase === 'pending' && resolve()));
    await core.confirmChange({ changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    core.stop();
    const { out } = await doctor('--socket', h.socketPath, '--demo');
    expect(out).toMatch(new RegExp(`${h.change.id} failed at keychain: The login keychain is not on the previous password\n`));
    const json = JSON.parse((await doctor('--socket', h.socketPath, '--demo', '--json')).out);
    expect(json.agent.lastResults[0]).toMatchObject({ outcome: 'failed', failedStep: 'keychain', failureReason: 'The login keychain is not on the previous password' });
    for (const text of [out, JSON.stringify(json)]) {
      expect(text).not.toContain(PREVIOUS);
      expect(text).not.toContain(NEXT);
    }
  });

  it('--json gives one object a script can read', async () => {
    const h = await harness();
    const { code, out } = await doctor('--socket', h.socketPath, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      verdict: 'healthy',
      exitCode: 0,
      app: { version: '9.9.9', platform: 'linux', protocolVersion: PROTOCOL_VERSION },
      socket: { path: h.socketPath, exists: true, trusted: true, reachable: true, protocolVersion: PROTOCOL_VERSION },
      agent: { version: '0.1.0', backend: 'sandbox', pendingChange: { id: h.change.id, provider: 'Okta' } },
      policy: { source: 'defaults', problems: [] },
    });
    expect(Object.values(report.policy.sources)).toEqual(Array(7).fill('default'));
    expect(typeof report.logs.app).toBe('string');
  });

  it('with no socket: exit 3 and what to do', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const { code, out } = await doctor('--socket', path.join(dir, 'agent.sock'));
    expect(code).toBe(3);
    expect(out).toMatch(/exists: +no/);
    expect(out).toContain('Result:     socketMissing (exit 3)');
    expect(out).toContain('Next step:  The pwsync agent is not running');
  });

  it('with an untrusted socket (a world-writable folder): exit 4, says why, and sends nothing', async () => {
    const socketPath = await untrustedSocket();
    const { code, out } = await doctor('--socket', socketPath);
    expect(code).toBe(4);
    expect(out).toMatch(/trusted: +no \(others can write in the socket's folder\)/);
    expect(out).toMatch(/reachable: +not checked/);
  });

  it('with a socket nobody listens on (a crashed agent): exit 5', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const socketPath = path.join(dir, 'agent.sock');
    const gone = net.createServer();
    await new Promise<void>((resolve) => gone.listen(socketPath, resolve));
    await fs.chmod(socketPath, 0o600);
    // Closing the server without removing the file, as a crash would leave it.
    await fs.link(socketPath, `${socketPath}.kept`);
    await new Promise((r) => gone.close(r));
    await fs.rm(socketPath, { force: true });
    await fs.rename(`${socketPath}.kept`, socketPath);
    const { code, out } = await doctor('--socket', socketPath);
    expect(code).toBe(5);
    expect(out).toMatch(/trusted: +yes/);
    expect(out).toMatch(/reachable: +no/);
    expect(out).toContain('Result:     agentUnreachable (exit 5)');
  });

  it('with an agent of another major protocol version: exit 6', async () => {
    const socketPath = await futureAgent();
    const { code, out } = await doctor('--socket', socketPath, '--demo');
    expect(code).toBe(6);
    expect(out).toContain('Result:     versionMismatch (exit 6)');
  });

  it('reports a bad policy file field by field', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'policy.json');
    await fs.writeFile(file, JSON.stringify({ organization: 'Example Corp', reminderIntervalHours: 'often' }));
    const { out } = await doctor('--socket', path.join(dir, 'none.sock'), '--policy', file);
    expect(out).toContain(`Policy:     from ${file}`);
    expect(out).toContain(`organization: "Example Corp" (from ${file})`);
    expect(out).toContain('reminderIntervalHours: 4 (default)');
    expect(out).toContain(`Not used: reminderIntervalHours (invalid) in ${file}`);
  });

  it('refuses unknown options with the usage, exit 2', async () => {
    const { code, out } = await doctor('--frobnicate');
    expect(code).toBe(2);
    expect(out).toContain('Usage: pwsync doctor');
  });

  it('ships as dist/doctor.cjs, runnable with plain Node, exit code and all', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile(process.execPath, [BUILT.doctor, '--json', '--socket', path.join(dir, 'x.sock')], (_error, stdout) =>
        resolve({ code: child.exitCode, out: stdout }),
      );
    });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out)).toMatchObject({ verdict: 'socketMissing', exitCode: 3 });
  });
});
