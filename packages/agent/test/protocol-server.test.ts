import { promises as fs } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from '@pwsync/agent-protocol';
import { verifyPassword } from '@pwsync/passwords';
import { type Harness, startHarness } from '@pwsync/testing/agent-harness';
import { connectRaw, frame, type RawClient, responseTo } from '@pwsync/testing/raw-socket';

const PREVIOUS = 'Prev-Pässwörd 1';
const NEXT = 'Nëw "pass" word 2';

let harness: Harness;
let nextId = 1;

async function call(client: RawClient, method: string, params: unknown = {}) {
  const id = nextId++;
  client.send({ jsonrpc: '2.0', id, method, params });
  return responseTo(client, id);
}

async function initialized(): Promise<RawClient> {
  const client = await connectRaw(harness.socketPath);
  const reply = await call(client, 'initialize', { protocolVersion: '1.0', client: { name: 'test', version: '0' } });
  expect(reply.result).toBeDefined();
  return client;
}

beforeEach(async () => {
  harness = await startHarness({ previous: PREVIOUS, next: NEXT });
});
afterEach(async () => {
  await harness.remove();
});

describe('the agent protocol server', () => {
  it('shakes hands and names its protocol, platform and capabilities', async () => {
    const client = await connectRaw(harness.socketPath);
    const reply = await call(client, 'initialize', { protocolVersion: '1.0', client: { name: 'test', version: '0' } });
    expect(reply.result).toMatchObject({ protocolVersion: PROTOCOL_VERSION, backend: 'sandbox', demo: true, capabilities: { confirmChange: true } });
    client.socket.destroy();
  });

  it('refuses a major version it does not speak, naming both versions', async () => {
    const client = await connectRaw(harness.socketPath);
    const reply = await call(client, 'initialize', { protocolVersion: '2.0', client: { name: 'test', version: '0' } });
    expect(reply.error).toMatchObject({ code: ErrorCode.unsupportedVersion, data: { agentVersion: PROTOCOL_VERSION, clientVersion: '2.0' } });
    expect((reply.error as { message: string }).message).toContain(PROTOCOL_VERSION);
    expect((reply.error as { message: string }).message).toContain('2.0');
    client.socket.destroy();
  });

  it('answers any call before the handshake with notInitialized', async () => {
    const client = await connectRaw(harness.socketPath);
    const reply = await call(client, 'status');
    expect(reply.error).toMatchObject({ code: ErrorCode.notInitialized });
    client.socket.destroy();
  });

  it('answers notInitialized before the handshake even for a method it does not know or params it would refuse', async () => {
    const client = await connectRaw(harness.socketPath);
    expect((await call(client, 'noSuchMethod')).error).toMatchObject({ code: ErrorCode.notInitialized });
    expect((await call(client, 'status', { unknown: 1 })).error).toMatchObject({ code: ErrorCode.notInitialized });
    expect((await call(client, 'confirmChange', { changeId: 42 })).error).toMatchObject({ code: ErrorCode.notInitialized });
    // initialize itself is still checked: its params are refused as such.
    expect((await call(client, 'initialize', { protocolVersion: '1.0', client: { name: 'test', version: '0', extra: true } })).error).toMatchObject({ code: ErrorCode.invalidParams });
    client.socket.destroy();
  });

  it('says which system it serves: the sandbox, the one its practice account plays (a Mac unless told), as `backend: sandbox` says', async () => {
    const client = await connectRaw(harness.socketPath);
    const reply = await call(client, 'initialize', { protocolVersion: '1.0', client: { name: 'test', version: '0' } });
    expect(reply.result).toMatchObject({ platform: 'darwin', backend: 'sandbox' });
    expect((await call(client, 'diagnostics')).result).toMatchObject({ platform: 'darwin' });
    client.socket.destroy();
  });

  it('reports the pending change in its status', async () => {
    const client = await initialized();
    const reply = await call(client, 'status');
    expect(reply.result).toMatchObject({ pendingChange: { id: harness.change.id, provider: 'Okta', mode: 'confirm' }, attempts: { left: 5 } });
    client.socket.destroy();
  });

  it('confirms a change: the account, keychain and FileVault records all move to the new password', async () => {
    const client = await initialized();
    const reply = await call(client, 'confirmChange', { changeId: harness.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    expect(reply.result).toMatchObject({ result: { outcome: 'synced', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault'] } });
    for (const part of ['account', 'keychain', 'filevault'] as const) {
      const { hash } = JSON.parse(await fs.readFile(harness.sandboxFile(part), 'utf8')) as { hash: string };
      expect(await verifyPassword(NEXT, hash), part).toBe(true);
      expect(await verifyPassword(PREVIOUS, hash), part).toBe(false);
    }
    const status = await call(client, 'status');
    expect(status.result).toMatchObject({ pendingChange: null, lastResult: { outcome: 'synced' } });
    client.socket.destroy();
  });

  it('refuses a wrong previous password, counts it, and changes nothing', async () => {
    const before = await Promise.all(['account', 'keychain', 'filevault'].map((p) => fs.readFile(harness.sandboxFile(p as 'account'), 'utf8')));
    const client = await initialized();
    const reply = await call(client, 'confirmChange', { changeId: harness.change.id, previousPassword: 'not it', newPassword: NEXT });
    expect(reply.error).toMatchObject({ code: ErrorCode.previousPasswordWrong, data: { attemptsLeft: 4 } });
    const after = await Promise.all(['account', 'keychain', 'filevault'].map((p) => fs.readFile(harness.sandboxFile(p as 'account'), 'utf8')));
    expect(after).toEqual(before);
    client.socket.destroy();
  });

  it('refuses a new password that does not match the identity provider\'s', async () => {
    const client = await initialized();
    const reply = await call(client, 'confirmChange', { changeId: harness.change.id, previousPassword: PREVIOUS, newPassword: 'typo' });
    expect(reply.error).toMatchObject({ code: ErrorCode.newPasswordMismatch, data: { attemptsLeft: 4 } });
    client.socket.destroy();
  });

  it('answers an unknown method with methodNotFound in a fixed message that does not quote it, and keeps serving', async () => {
    const client = await initialized();
    expect((await call(client, 'rm -rf')).error).toEqual({ code: ErrorCode.methodNotFound, message: 'Method not found' });
    expect((await call(client, 'status')).result).toBeDefined();
    client.socket.destroy();
  });

  it('answers a response sent to it with invalidRequest, but never answers an error response', async () => {
    const client = await initialized();
    client.send({ jsonrpc: '2.0', id: 41, result: { ok: true } });
    expect(await client.next()).toMatchObject({ id: 41, error: { code: ErrorCode.invalidRequest } });
    client.send({ jsonrpc: '2.0', id: 42, error: { code: -32000, message: 'x' } });
    // The next thing it says is the answer to the next call: the error response went unanswered.
    const id = nextId++;
    client.send({ jsonrpc: '2.0', id, method: 'status', params: {} });
    expect(await client.next()).toMatchObject({ id, result: { user: expect.any(String) } });
    client.socket.destroy();
  });

  it('answers invalid params without echoing their values', async () => {
    const client = await initialized();
    const reply = await call(client, 'confirmChange', { changeId: harness.change.id, previousPassword: 42, newPassword: NEXT, extra: 'x' });
    expect(reply.error).toMatchObject({ code: ErrorCode.invalidParams });
    expect(JSON.stringify(reply)).not.toContain(NEXT);
    client.socket.destroy();
  });

  it('answers malformed JSON with a parse error and goes on serving this and other clients', async () => {
    const bad = await initialized();
    const good = await initialized();
    bad.sendRaw(frame('{"jsonrpc":"2.0","id":'));
    expect(await bad.next()).toMatchObject({ id: null, error: { code: ErrorCode.parseError } });
    expect((await call(bad, 'status')).result).toBeDefined();
    expect((await call(good, 'status')).result).toBeDefined();
    bad.socket.destroy();
    good.socket.destroy();
  });

  it('answers a message that is not JSON-RPC with invalidRequest', async () => {
    const client = await initialized();
    client.send({ hello: 'world', id: 7 });
    expect(await client.next()).toMatchObject({ id: 7, error: { code: ErrorCode.invalidRequest } });
    client.send([1, 2, 3]);
    expect(await client.next()).toMatchObject({ id: null, error: { code: ErrorCode.invalidRequest } });
    client.socket.destroy();
  });

  it('refuses an oversized message before reading it, closes only that connection, and keeps serving others', async () => {
    const bad = await initialized();
    const good = await initialized();
    bad.sendRaw(`Content-Length: ${MAX_MESSAGE_BYTES + 12345}\r\n\r\n`);
    // A fixed message: not the length the client declared.
    expect(await bad.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.messageTooLarge, message: 'Message too large' } });
    await bad.closed;
    expect((await call(good, 'status')).result).toBeDefined();
    good.socket.destroy();
  });

  it('refuses a header that never ends', async () => {
    const client = await initialized();
    client.sendRaw('X'.repeat(5000));
    expect(await client.next()).toMatchObject({ error: { code: ErrorCode.invalidRequest } });
    await client.closed;
  });

  it('pushes progress and the new status to every connection of the user', async () => {
    const watcher = await initialized();
    const actor = await initialized();
    await call(actor, 'confirmChange', { changeId: harness.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    const seen: Array<Record<string, unknown>> = [];
    for (;;) {
      const message = await watcher.next();
      seen.push(message);
      if (message.method === 'changeRemoved') break;
    }
    const steps = seen.filter((m) => m.method === 'syncProgress').map((m) => m.params);
    expect(steps).toContainEqual({ changeId: harness.change.id, step: 'keychain', state: 'done' });
    expect(seen.some((m) => m.method === 'statusChanged')).toBe(true);
    watcher.socket.destroy();
    actor.socket.destroy();
  });

  it('keeps no session for a client that leaves before it is served', async () => {
    const net = await import('node:net');
    for (let i = 0; i < 20; i += 1) net.createConnection(harness.socketPath).on('connect', function (this: import('node:net').Socket) { this.destroy(); }).on('error', () => undefined);
    const client = await initialized();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.server.connectionCount).toBe(1);
    client.socket.destroy();
  });

  it('never writes a password to its log', async () => {
    const client = await initialized();
    await call(client, 'confirmChange', { changeId: harness.change.id, previousPassword: 'wrong one', newPassword: NEXT });
    await call(client, 'confirmChange', { changeId: harness.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    client.sendRaw(frame(`{"jsonrpc":"2.0","id":9,"method":"confirmChange","params":{"newPassword":"${NEXT.replace(/"/g, '\\"')}"`));
    await client.next();
    client.socket.destroy();
    expect(harness.logs().length).toBeGreaterThan(0);
    for (const secret of [PREVIOUS, NEXT, 'wrong one']) expect(harness.logs()).not.toContain(secret);
  });
});
