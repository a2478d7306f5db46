import net from 'node:net';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '@pwsync/testing/agent-harness';
import { USER } from '@pwsync/testing/agent-harness';
import { makeTempDir, startAgent } from '@pwsync/testing/processes';
import { seedAccount } from '@pwsync/testing/seed';
import { frame } from '@pwsync/testing/raw-socket';
import type { AppState } from '../contract';
import { createCore } from './create-core';
import type { LogFields } from '@pwsync/node-kit/log';
import { parsePolicy } from './policy';
import type { TrayCore } from './tray-core';

const PREVIOUS = 'old-Passw0rd!';
const NEXT = 'new-Passw0rd?';

function recordingLogger() {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

function until(core: TrayCore, predicate: (state: AppState) => boolean, timeoutMs = 5000): Promise<AppState> {
  return new Promise((resolve, reject) => {
    if (predicate(core.getState())) return resolve(core.getState());
    const timer = setTimeout(() => reject(new Error(`state never matched; last: ${JSON.stringify(core.getState())}`)), timeoutMs);
    const listener = (state: AppState) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      core.off('stateChanged', listener);
      resolve(state);
    };
    core.on('stateChanged', listener);
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function coreFor(socketPath: string) {
  const { lines, logger } = recordingLogger();
  const core = createCore({ socketPath, demo: true, appVersion: '0.1.0', logger, policy: parsePolicy({ identityProvider: 'Okta' }, 'test'), retryDelaysMs: [50] });
  cleanups.push(() => core.stop());
  core.start();
  return { core, lines };
}

async function harness(): Promise<Harness> {
  const h = await startHarness({ previous: PREVIOUS, next: NEXT });
  cleanups.push(() => h.remove());
  return h;
}

describe('the tray core against a real agent', () => {
  it('shows the agent as unreachable when none is running', async () => {
    const dir = makeTempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const { core } = coreFor(path.join(dir, 'agent.sock'));
    const state = await until(core, (s) => s.phase === 'unreachable');
    expect(state).toMatchObject({ phase: 'unreachable', reason: 'notRunning', agent: null });
  });

  it('shows the pending change, confirms it, and ends in sync', async () => {
    const h = await harness();
    const { core, lines } = coreFor(h.socketPath);
    const pending = await until(core, (s) => s.phase === 'pending');
    expect(pending).toMatchObject({ phase: 'pending', change: { id: h.change.id }, demo: true });
    let lastProgress: unknown[] = [];
    core.on('stateChanged', (s) => {
      if (s.phase === 'confirming') lastProgress = s.progress.filter((p) => p.state === 'done').map((p) => p.step);
    });
    const outcome = await core.confirmChange({ changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(outcome).toMatchObject({ ok: true, result: { outcome: 'synced' } });
    const done = await until(core, (s) => s.phase === 'synced');
    expect(done).toMatchObject({ phase: 'synced', result: { changeId: h.change.id, outcome: 'synced', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault'] } });
    expect(done).not.toHaveProperty('change');
    expect(lastProgress).toEqual(['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault']);
    expect(JSON.stringify(core.getState())).not.toContain(NEXT);
    expect(lines.join('\n')).not.toContain(NEXT);
    expect(lines.join('\n')).not.toContain(PREVIOUS);
  });

  it('turns a wrong previous password into a problem with the attempts left', async () => {
    const h = await harness();
    const { core } = coreFor(h.socketPath);
    await until(core, (s) => s.phase === 'pending');
    const outcome = await core.confirmChange({ changeId: h.change.id, previousPassword: 'nope', newPassword: NEXT });
    expect(outcome).toEqual({ ok: false, problem: { code: 'previousPasswordWrong', attemptsLeft: 4 } });
    expect(core.getState()).toMatchObject({ phase: 'attention', problem: { code: 'previousPasswordWrong' } });
    expect(core.dismissProblem()).toEqual({ ok: true });
    expect(core.getState().phase).toBe('pending');
  });

  it('a newer change while the older waits: shown at once as a replacement, and passwords typed for the older never count as a wrong try', async () => {
    const h = await harness();
    const { core } = coreFor(h.socketPath);
    await until(core, (s) => s.phase === 'pending');
    await core.confirmChange({ changeId: h.change.id, previousPassword: 'nope', newPassword: NEXT });
    core.dismissProblem();
    await until(core, (s) => s.attempts?.left === 4);
    const newer = await h.newerChange('Newest-Passw0rd!');
    const replaced = await until(core, (s) => s.phase === 'pending' && s.change.id === newer.id);
    expect(replaced).toMatchObject({ phase: 'pending', replaced: h.change.id, attempts: { left: 4 } });
    // Sent for the older change all the same (the window no longer can): refused before any password is checked.
    const outcome = await core.confirmChange({ changeId: h.change.id, previousPassword: 'nope', newPassword: NEXT });
    expect(outcome).toEqual({ ok: false, problem: { code: 'changeNotFound' } });
    expect(h.service.status().attempts.left).toBe(4);
  });

  it('notices the agent stopping and reconnects when it returns', async () => {
    const h = await harness();
    const { core } = coreFor(h.socketPath);
    await until(core, (s) => s.phase === 'pending');
    await h.stop();
    await until(core, (s) => s.phase === 'unreachable');
    await h.restart();
    const back = await until(core, (s) => s.phase === 'pending');
    expect(back).toMatchObject({ change: { id: h.change.id } });
  });

  it('ignores a malformed push from the agent, keeps its last good state and logs no payload', async () => {
    const dir = makeTempDir();
    await fs.chmod(dir, 0o700);
    const socketPath = path.join(dir, 'agent.sock');
    const peers: net.Socket[] = [];
    const server = net.createServer((socket) => {
      peers.push(socket);
      socket.on('data', (chunk) => {
        const id = Number(/"id":(\d+)/.exec(chunk.toString())?.[1]);
        if (chunk.toString().includes('"initialize"')) {
          socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id, result: { protocolVersion: '1.0', agent: { name: 'fake', version: '1' }, platform: 'darwin', backend: 'sandbox', user: 'u', demo: true, capabilities: { confirmChange: true, newKeychain: false, diagnostics: true } } })));
        } else if (chunk.toString().includes('"status"')) {
          socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id, result: { user: 'u', backend: 'sandbox', directory: { state: 'none', lastCheckIn: null, account: 'unknown', syncEnabled: true }, pendingChange: null, sync: { running: false, changeId: null, step: null }, lastResult: null, attempts: { left: 5, lockedUntil: null }, policy: { newKeychainAllowed: false } } })));
          socket.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'statusChanged', params: { status: { user: 'SECRET-IN-PUSH' } } })));
          socket.write(frame('{"jsonrpc":"2.0","method":"statusChanged","params":'));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    await fs.chmod(socketPath, 0o600);
    cleanups.push(async () => {
      peers.forEach((p) => p.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(dir, { recursive: true, force: true });
    });
    const { core, lines } = coreFor(socketPath);
    await until(core, (s) => s.phase === 'idle');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(core.getState().phase).toBe('idle');
    expect(lines.some((l) => l.includes('ignored a push that does not match the protocol'))).toBe(true);
    expect(lines.join('\n')).not.toContain('SECRET-IN-PUSH');
  });

  it('builds diagnostics with a support code, the agent\'s picture and the policy, and never a password', async () => {
    const h = await harness();
    const { core, lines } = coreFor(h.socketPath);
    await until(core, (s) => s.phase === 'pending');
    await core.confirmChange({ changeId: h.change.id, previousPassword: 'wrong-Passw0rd', newPassword: NEXT });
    const report = await core.diagnostics();
    expect(report.supportCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(report.text).toContain(`support code ${report.supportCode}`);
    expect(report.text).toContain('Backend: sandbox');
    expect(report.text).toContain('Attempts left: 4');
    expect(report.text).toContain('identityProvider: "Okta"');
    expect(report.text).toMatch(/previousPasswordWrong/);
    for (const secret of [NEXT, PREVIOUS, 'wrong-Passw0rd']) expect(report.text).not.toContain(secret);
    expect(report.text).not.toMatch(/\$6\$|\$pbkdf2/);
    expect(lines.some((l) => l.includes(report.supportCode))).toBe(true);
  });

  it('gives every report of one state the same support code, logged once, and a new one once the state changes', async () => {
    const h = await harness();
    const { core, lines } = coreFor(h.socketPath);
    await until(core, (s) => s.phase === 'pending');
    const first = await core.diagnostics();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await core.diagnostics();
    // A second later: another time and uptime in the text, the same code.
    expect(again.generatedAt).not.toBe(first.generatedAt);
    expect(again.supportCode).toBe(first.supportCode);
    expect(again.text).toContain(`support code ${first.supportCode}`);
    const logged = () => lines.filter((l) => l.startsWith('info diagnostics generated')).map((l) => (JSON.parse(l.slice(l.indexOf('{'))) as { supportCode: string }).supportCode);
    expect(logged()).toEqual([first.supportCode]);

    await core.confirmChange({ changeId: h.change.id, previousPassword: 'wrong-Passw0rd', newPassword: NEXT });
    const after = await core.diagnostics();
    expect(after.supportCode).not.toBe(first.supportCode);
    expect(logged()).toEqual([first.supportCode, after.supportCode]);
  });

  it('offers starting over only where both the policy and the agent allow it', async () => {
    const h = await harness();
    const { core } = coreFor(h.socketPath);
    await until(core, (s) => s.phase === 'pending');
    const outcome = await core.startOver({ changeId: h.change.id, newPassword: NEXT, acknowledged: true });
    expect(outcome).toEqual({ ok: false, problem: { code: 'notAllowed' } });
    expect(core.getState().phase).toBe('pending');
  });

  it('an agent killed mid-sync: says the outcome is being checked, never unreachable or a guess, then what the agent reports', async () => {
    const dir = makeTempDir('pwk-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const change = await seedAccount(path.join(dir, 'state'), USER, PREVIOUS, NEXT);
    let agent = await startAgent(dir, [], { PWSYNC_FAULT_KILL_AT: 'keychain:after' });
    const { core } = coreFor(agent.socketPath);
    await until(core, (s) => s.phase === 'pending');
    const outcome = await core.confirmChange({ changeId: change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(outcome).toEqual({ ok: false, problem: { code: 'outcomeUnknown' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(core.getState()).toMatchObject({ phase: 'attention', problem: { code: 'outcomeUnknown' } });
    agent = await startAgent(dir);
    cleanups.push(() => agent.stop());
    const told = await until(core, (s) => s.phase === 'attention' && s.problem.code === 'stepFailed');
    expect(told).toMatchObject({ phase: 'attention', change: { id: change.id } });
    expect(told.phase === 'attention' && told.problem).toEqual({ code: 'stepFailed', step: 'keychain', completedSteps: ['account'], retrySafe: true, remedy: 'retry' });
    core.dismissProblem();
    expect(await core.confirmChange({ changeId: change.id, previousPassword: PREVIOUS, newPassword: NEXT })).toMatchObject({ ok: true, result: { outcome: 'synced' } });
  });
});
