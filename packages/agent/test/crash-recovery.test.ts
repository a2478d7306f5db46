import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxBackend } from '../src/backends/sandbox';
import { ErrorCode, SYNC_STEPS, type SyncStep } from '@pwsync/agent-protocol';
import { verifyPassword } from '@pwsync/passwords';
import { USER } from '@pwsync/testing/agent-harness';
import { makeTempDir, BUILT } from '@pwsync/testing/processes';
import { connectRaw, responseTo } from '@pwsync/testing/raw-socket';
import { seedAccount } from '@pwsync/testing/seed';

const CLI = BUILT.agent;
const PREVIOUS = 'crash-prev-Ω 1';
const NEXT = 'crash-next-Ω 2';

// Every agent a test starts ends with the test, also when an assertion fails half way.
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});


async function launch(dir: string, env: Record<string, string> = {}) {
  const socketPath = path.join(dir, 'a.sock');
  await fs.rm(socketPath, { force: true });
  const child = spawn(process.execPath, [CLI, '--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 'state')], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  running.add(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => (running.delete(child), resolve(signal ?? code))));
  while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 20));
  const client = await connectRaw(socketPath);
  let id = 1;
  const call = async (method: string, params: unknown = {}) => {
    const n = id++;
    client.send({ jsonrpc: '2.0', id: n, method, params });
    return responseTo(client, n);
  };
  await call('initialize', { protocolVersion: '1.0', client: { name: 'crash-test', version: '0' } });
  return { child, client, call, exited };
}

async function recordsOn(stateDir: string, password: string): Promise<Record<string, boolean>> {
  const result: Record<string, boolean> = {};
  for (const part of ['account', 'keychain', 'filevault']) {
    const { hash } = JSON.parse(await fs.readFile(path.join(SandboxBackend.folder(stateDir, USER), `${part}.json`), 'utf8')) as { hash: string };
    result[part] = await verifyPassword(password, hash);
  }
  return result;
}

const POINTS: Array<[SyncStep, 'before' | 'after']> = SYNC_STEPS.flatMap((step) => [[step, 'before'], [step, 'after']] as Array<[SyncStep, 'before' | 'after']>);

describe('an agent killed during a sync', () => {
  it.each(POINTS)('killed at %s (%s) tells the truth on restart and finishes on the next confirmation', async (step, moment) => {
    const dir = makeTempDir('pwk-');
    const stateDir = path.join(dir, 'state');
    const change = await seedAccount(stateDir, USER, PREVIOUS, NEXT);

    const doomed = await launch(dir, { PWSYNC_FAULT_KILL_AT: `${step}:${moment}` });
    doomed.client.send({ jsonrpc: '2.0', id: 99, method: 'confirmChange', params: { changeId: change.id, previousPassword: PREVIOUS, newPassword: NEXT } });
    expect(await doomed.exited).toBe('SIGKILL');

    const agent = await launch(dir);
    const status = (await agent.call('status')).result as { pendingChange: { id: string } | null; lastResult: { outcome: string; failedStep: string | null } | null };
    const onNew = await recordsOn(stateDir, NEXT);
    const allMoved = onNew.account && onNew.keychain && onNew.filevault;
    if (status.lastResult?.outcome === 'synced') {
      // Never a false "synced": the three records really are on the new password.
      expect(allMoved).toBe(true);
      expect(status.pendingChange).toBeNull();
    } else {
      expect(status.pendingChange?.id).toBe(change.id);
      const journaled = ['account', 'keychain', 'fileVault', 'report'].includes(step);
      if (journaled) expect(status.lastResult).toMatchObject({ outcome: 'interrupted', failedStep: step });
      else expect(status.lastResult).toBeNull();
      // The person confirms again with the same two passwords: the agent resumes, it does not
      // call the previous password wrong because the account had already moved.
      const again = await agent.call('confirmChange', { changeId: change.id, previousPassword: PREVIOUS, newPassword: NEXT });
      expect(again.error?.valueOf(), JSON.stringify(again.error)).toBeUndefined();
      expect(again.result).toMatchObject({ result: { outcome: 'synced' } });
      expect(await recordsOn(stateDir, NEXT)).toEqual({ account: true, keychain: true, filevault: true });
    }
    const attempts = (await agent.call('status')).result as { attempts: { left: number } };
    expect(attempts.attempts.left).toBe(5);
    agent.child.kill('SIGTERM');
    await agent.exited;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('counts wrong passwords across a restart, then locks out with a growing wait', async () => {
    const dir = makeTempDir('pwl-');
    const change = await seedAccount(path.join(dir, 'state'), USER, PREVIOUS, NEXT);
    let agent = await launch(dir);
    const wrong = () => agent.call('confirmChange', { changeId: change.id, previousPassword: 'wrong', newPassword: NEXT });
    expect((await wrong()).error).toMatchObject({ code: ErrorCode.previousPasswordWrong, data: { attemptsLeft: 4 } });
    expect((await wrong()).error).toMatchObject({ data: { attemptsLeft: 3 } });
    agent.child.kill('SIGTERM');
    await agent.exited;
    agent = await launch(dir);
    expect((await wrong()).error).toMatchObject({ code: ErrorCode.previousPasswordWrong, data: { attemptsLeft: 2 } });
    await wrong();
    const locked = await wrong();
    expect(locked.error).toMatchObject({ code: ErrorCode.lockedOut });
    const first = (locked.error as { data: { retryAfterSeconds: number } }).data.retryAfterSeconds;
    expect(first).toBeGreaterThan(50);
    expect(first).toBeLessThanOrEqual(60);
    // Even the right passwords wait out the lock, and the lock survives a restart.
    agent.child.kill('SIGTERM');
    await agent.exited;
    agent = await launch(dir);
    const right = await agent.call('confirmChange', { changeId: change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(right.error).toMatchObject({ code: ErrorCode.lockedOut });
    agent.child.kill('SIGTERM');
    await agent.exited;
    await fs.rm(dir, { recursive: true, force: true });
  });
});
