import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashesFor, newChangeId } from '../src/demo-seed';
import { ErrorCode } from '@pwsync/agent-protocol';
import { verifyPassword } from '@pwsync/passwords';
import { SandboxBackend } from '../src/backends/sandbox';
import { type Harness, startHarness, USER } from '@pwsync/testing/agent-harness';
import { connectRaw, type RawClient, responseTo } from '@pwsync/testing/raw-socket';

const PREVIOUS = 'method-prev 1';
const NEXT = 'method-next 2';
let harness: Harness | undefined;
let nextId = 1;

afterEach(async () => {
  await harness?.remove();
  harness = undefined;
});

async function start(policy = { attemptLimit: 5, newKeychainAllowed: false }): Promise<{ h: Harness; client: RawClient; call: (m: string, p?: unknown) => Promise<Record<string, unknown>> }> {
  harness = await startHarness({ previous: PREVIOUS, next: NEXT }, policy);
  const client = await connectRaw(harness.socketPath);
  const call = async (method: string, params: unknown = {}) => {
    const id = nextId++;
    client.send({ jsonrpc: '2.0', id, method, params });
    return responseTo(client, id);
  };
  await call('initialize', { protocolVersion: '1.0', client: { name: 'test', version: '0' } });
  return { h: harness, client, call };
}

async function hashOf(h: Harness, part: 'account' | 'keychain' | 'filevault'): Promise<string> {
  return (JSON.parse(await fs.readFile(h.sandboxFile(part), 'utf8')) as { hash: string }).hash;
}

describe('agent methods and errors', () => {
  it('checkIn answers with the directory state and the pending change', async () => {
    const { h, call } = await start();
    const reply = await call('checkIn');
    expect(reply.result).toMatchObject({ directory: { state: 'none' }, pendingChange: { id: h.change.id } });
  });

  it('diagnostics describe the agent without any hash or password', async () => {
    const { h, call } = await start();
    await call('confirmChange', { changeId: h.change.id, previousPassword: 'wrong', newPassword: NEXT });
    const reply = await call('diagnostics');
    expect(reply.result).toMatchObject({ backend: 'sandbox', user: USER, attempts: { left: 4 }, pendingChange: { id: h.change.id } });
    const text = JSON.stringify(reply.result);
    expect(text).not.toMatch(/\$6\$|\$pbkdf2/);
    expect(text).not.toContain(NEXT);
  });

  it("diagnostics carry the backend's own findings (the darwin backend's mac) as it reports them", async () => {
    const mac = {
      accountKind: 'local',
      secureToken: true,
      fileVault: 'on',
      fileVaultUser: true,
      platformSSO: { device: 'none', user: 'none', loginType: null },
      bootstrapToken: { supportedOnServer: true, escrowedToServer: true },
    } as const;
    harness = await startHarness({ previous: PREVIOUS, next: NEXT }, undefined, { backendDiagnostics: { mac } });
    const client = await connectRaw(harness.socketPath);
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '1.3', client: { name: 'test', version: '0' } } });
    await responseTo(client, 1);
    client.send({ jsonrpc: '2.0', id: 2, method: 'diagnostics', params: {} });
    expect((await responseTo(client, 2)).result).toMatchObject({ backend: 'sandbox', mac });
    client.socket.destroy();
  });

  it('a newer change supersedes an older one; confirming the old one says which replaced it', async () => {
    const { h, call } = await start();
    const newer = { id: newChangeId(), createdAt: new Date().toISOString(), provider: 'Okta', mode: 'confirm' as const };
    await h.service.receiveChange(newer, await hashesFor('even newer 3', 1000));
    const reply = await call('confirmChange', { changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(reply.error).toMatchObject({ code: ErrorCode.changeNotFound, data: { changeId: h.change.id, supersededBy: newer.id } });
    const status = await call('status');
    expect(status.result).toMatchObject({ pendingChange: { id: newer.id } });
    const unknown = await call('confirmChange', { changeId: 'chg_never', previousPassword: PREVIOUS, newPassword: NEXT });
    expect(unknown.error).toMatchObject({ code: ErrorCode.changeNotFound, data: { supersededBy: null } });
  });

  it('refuses a second sync while one is running', async () => {
    const { h, client, call } = await start();
    client.send({ jsonrpc: '2.0', id: 'first', method: 'confirmChange', params: { changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT } });
    const second = await call('confirmChange', { changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(second.error).toMatchObject({ code: ErrorCode.syncAlreadyRunning, data: { changeId: h.change.id } });
    expect((await responseTo(client, 'first')).result).toMatchObject({ result: { outcome: 'synced' } });
  });

  it.each([
    ['a line break', 'two\nlines', 'forbiddenCharacter'],
    ['a NUL', 'nul\0byte', 'forbiddenCharacter'],
    ['over 1,024 UTF-8 bytes', 'ü'.repeat(513), 'tooLong'],
  ])('refuses a password with %s before touching anything', async (_name, password, reason) => {
    const { h, call } = await start();
    const before = await hashOf(h, 'account');
    const reply = await call('confirmChange', { changeId: h.change.id, previousPassword: password, newPassword: NEXT });
    expect(reply.error).toMatchObject({ code: ErrorCode.passwordNotAccepted, data: { field: 'previousPassword', reason } });
    expect(await hashOf(h, 'account')).toBe(before);
    expect((await call('status')).result).toMatchObject({ attempts: { left: 5 } });
  });

  it('reports a keychain that fails after the account moved as exactly that, with its remedy, never as success', async () => {
    const { h, call } = await start();
    // The keychain is on some other password (as after an earlier out-of-band reset).
    await fs.writeFile(h.sandboxFile('keychain'), JSON.stringify({ hash: (await hashesFor('something else', 1000)).pbkdf2 }));
    const reply = await call('confirmChange', { changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(reply.error).toMatchObject({
      code: ErrorCode.stepFailed,
      data: { step: 'keychain', completedSteps: ['verifyNew', 'verifyPrevious', 'account'], retrySafe: false, remedy: 'newKeychain' },
    });
    expect(await verifyPassword(NEXT, await hashOf(h, 'account'))).toBe(true);
    expect(await verifyPassword(NEXT, await hashOf(h, 'keychain'))).toBe(false);
    const status = (await call('status')).result as { pendingChange: unknown; lastResult: unknown };
    expect(status.pendingChange).not.toBeNull();
    expect(status.lastResult).toMatchObject({ outcome: 'failed', failedStep: 'keychain', completedSteps: ['verifyNew', 'verifyPrevious', 'account'] });
  });

  it('keeps why a step failed, in the error, the status and the history across a restart, and no password anywhere', async () => {
    const { h, call, client } = await start();
    await fs.writeFile(h.sandboxFile('keychain'), JSON.stringify({ hash: (await hashesFor('something else', 1000)).pbkdf2 }));
    const reason = 'The login keychain is not on the previous password';
    const reply = await call('confirmChange', { changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(reply.error).toMatchObject({ code: ErrorCode.stepFailed, data: { step: 'keychain', failureReason: reason } });
    const status = await call('status');
    expect(status.result).toMatchObject({ lastResult: { outcome: 'failed', failedStep: 'keychain', failureReason: reason } });
    client.socket.destroy();
    await h.restart();
    const again = await connectRaw(h.socketPath);
    const ask = async (method: string) => {
      const id = nextId++;
      again.send({ jsonrpc: '2.0', id, method, params: method === 'initialize' ? { protocolVersion: '1.1', client: { name: 'test', version: '0' } } : {} });
      return responseTo(again, id);
    };
    await ask('initialize');
    const diagnostics = await ask('diagnostics');
    expect((diagnostics.result as { history: unknown[] }).history).toContainEqual(expect.objectContaining({ outcome: 'failed', failedStep: 'keychain', failureReason: reason }));
    again.socket.destroy();
    // Everything the agent said, logged or wrote down.
    const files = await fs.readdir(h.stateDir, { recursive: true, withFileTypes: true });
    const written = await Promise.all(files.filter((f) => f.isFile()).map((f) => fs.readFile(path.join(f.parentPath, f.name), 'utf8')));
    for (const text of [JSON.stringify([reply, status, diagnostics]), h.logs(), ...written]) {
      expect(text).not.toContain(PREVIOUS);
      expect(text).not.toContain(NEXT);
    }
    expect(h.logs()).toContain(reason);
  });

  it('refuses to start over with a new keychain unless policy allows it, and says so', async () => {
    const { h, call } = await start();
    const reply = await call('startOver', { changeId: h.change.id, newPassword: NEXT, acknowledged: true });
    expect(reply.error).toMatchObject({ code: ErrorCode.notAllowed, data: { reason: 'policy' } });
    expect((reply.error as { message: string }).message).toContain('policy');
  });

  it('starts over where policy allows: account and FileVault on the new password, a new keychain, the old one kept', async () => {
    const { h, call } = await start({ attemptLimit: 5, newKeychainAllowed: true });
    const oldKeychain = await fs.readFile(h.sandboxFile('keychain'), 'utf8');
    const mismatch = await call('startOver', { changeId: h.change.id, newPassword: 'not the new one', acknowledged: true });
    expect(mismatch.error).toMatchObject({ code: ErrorCode.newPasswordMismatch });
    const reply = await call('startOver', { changeId: h.change.id, newPassword: NEXT, acknowledged: true });
    expect(reply.result).toMatchObject({ result: { outcome: 'synced', completedSteps: ['verifyNew', 'account', 'keychain', 'fileVault'] } });
    for (const part of ['account', 'keychain', 'filevault'] as const) expect(await verifyPassword(NEXT, await hashOf(h, part))).toBe(true);
    const kept = path.join(SandboxBackend.folder(h.stateDir, USER), 'login_renamed_1.keychain.json');
    expect(await fs.readFile(kept, 'utf8')).toBe(oldKeychain);
  });
});
