import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxBackend } from '../src/backends/sandbox';
import { hashesFor } from '../src/demo-seed';
import { DirectoryClient } from '../src/directory-client';
import { connectDirectory } from '../src/directory-sync';
import { silentLogger } from '@pwsync/node-kit/log';
import { type Harness, startHarness, statusUntil as until, USER } from '@pwsync/testing/agent-harness';
import { DEVICE_TOKEN, type FakeDirectory, startFakeDirectory } from '@pwsync/testing/fake-directory';

const PREVIOUS = 'dir-prev 1';
const NEXT = 'dir-next 2';
let harness: Harness | undefined;
let directory: FakeDirectory | undefined;
let client: DirectoryClient | undefined;

afterEach(async () => {
  client?.stop();
  await directory?.close();
  await harness?.remove();
  harness = undefined;
  directory = undefined;
  client = undefined;
});

async function setUp(intervalMs = 60_000) {
  harness = await startHarness({ previous: PREVIOUS, next: NEXT });
  // The harness seeds a local change; with a directory, changes come from it instead.
  await harness.service.withdrawChange();
  directory = await startFakeDirectory();
  const logger = silentLogger;
  client = new DirectoryClient({ url: directory.url, deviceToken: DEVICE_TOKEN, logger, intervalMs });
  connectDirectory(harness.service, client, logger);
  client.start();
  return { h: harness, d: directory };
}


const change = async (id: string, password = NEXT) => ({ id, createdAt: new Date().toISOString(), provider: 'Okta', hashes: await hashesFor(password, 1000) });

describe('the agent and its directory', () => {
  it('goes online, and a change pushed by the directory is pending within a second', async () => {
    const { h, d } = await setUp();
    await until(h, (s) => s.directory.state === 'online' && s.directory.lastCheckIn !== null);
    const started = Date.now();
    d.set({ change: await change('chg_push1') });
    const status = await until(h, (s) => s.pendingChange?.id === 'chg_push1', 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(status.pendingChange).toMatchObject({ provider: 'Okta', mode: 'confirm' });
  });

  it('reports a finished sync to the directory', async () => {
    const { h, d } = await setUp();
    d.set({ change: await change('chg_rep1') });
    await until(h, (s) => s.pendingChange?.id === 'chg_rep1');
    const result = await h.service.confirm('chg_rep1', PREVIOUS, NEXT);
    expect(result.completedSteps).toContain('report');
    expect(d.results).toEqual([{ changeId: 'chg_rep1', outcome: 'synced', failedStep: null, reason: null, at: expect.any(String) }]);
  });

  it('reports a failed step to the directory with the backend\'s safe reason, for support\'s console', async () => {
    const { h, d } = await setUp();
    d.set({ change: await change('chg_fail1') });
    await until(h, (s) => s.pendingChange?.id === 'chg_fail1');
    // The keychain is on some other password (as after an earlier out-of-band reset).
    await fs.writeFile(h.sandboxFile('keychain'), JSON.stringify({ hash: (await hashesFor('something else', 1000)).pbkdf2 }));
    await expect(h.service.confirm('chg_fail1', PREVIOUS, NEXT)).rejects.toMatchObject({ data: { step: 'keychain' } });
    for (let i = 0; i < 50 && d.results.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(d.results).toEqual([{ changeId: 'chg_fail1', outcome: 'failed', failedStep: 'keychain', reason: 'The login keychain is not on the previous password', at: expect.any(String) }]);
    expect(JSON.stringify(d.results)).not.toContain(NEXT);
  });

  it('a device that was offline during the change gets it at its next check-in', async () => {
    const { h, d } = await setUp(300);
    await until(h, (s) => s.directory.state === 'online');
    await d.goOffline();
    d.set({ change: await change('chg_late') });
    await until(h, (s) => s.directory.state === 'offline');
    expect(h.service.status().pendingChange).toBeNull();
    await d.goOnline();
    await until(h, (s) => s.pendingChange?.id === 'chg_late', 3000);
  });

  it('a change made while the stream was down arrives with the new stream\'s hello, even when the check-in after it fails', async () => {
    // A long interval: only the reconnect can bring the change within the test.
    const { h, d } = await setUp();
    await until(h, (s) => s.directory.state === 'online' && s.directory.lastCheckIn !== null);
    await d.goOffline();
    d.set({ change: await change('chg_hello') });
    d.failCheckins = 503;
    const checkinsBefore = d.checkins;
    await until(h, (s) => s.directory.state === 'offline');
    await d.goOnline();
    // The stream comes back within the agent's back-off (1 s or less after its first failure).
    await until(h, (s) => s.pendingChange?.id === 'chg_hello', 5000);
    expect(d.streamRequests).toBeGreaterThan(1);
    // The check-in that follows the stream's opening was refused, and the change came anyway.
    await expect.poll(() => d.checkins).toBeGreaterThan(checkinsBefore);
  });

  it('withdraws the pending change when the administrator turns sync off, and says so', async () => {
    const { h, d } = await setUp();
    d.set({ change: await change('chg_off') });
    await until(h, (s) => s.pendingChange?.id === 'chg_off');
    d.set({ change: null, device: { deviceId: 'dev_1', syncEnabled: false } });
    const status = await until(h, (s) => s.pendingChange === null);
    expect(status.directory.syncEnabled).toBe(false);
  });

  it('names the person as the identity provider knows them, as the directory says at each check-in', async () => {
    const { h, d } = await setUp();
    await until(h, (s) => s.directory.userName === 'alex');
    d.set({ user: { userName: 'alex@example.com', active: true, syncEnabled: true } });
    await h.service.checkIn();
    expect(h.service.status().directory.userName).toBe('alex@example.com');
  });

  it('tells the tray when the account is deactivated', async () => {
    const { h, d } = await setUp();
    d.set({ change: null, user: { userName: 'alex', active: false, syncEnabled: true } });
    await until(h, (s) => s.directory.account === 'deactivated');
  });

  it('a newer change supersedes the pending one', async () => {
    const { h, d } = await setUp();
    d.set({ change: await change('chg_a') });
    await until(h, (s) => s.pendingChange?.id === 'chg_a');
    d.set({ change: await change('chg_b', 'newer 3') });
    await until(h, (s) => s.pendingChange?.id === 'chg_b');
  });

  it('reports again a change it synced that the directory still offers', async () => {
    const { h, d } = await setUp();
    d.set({ change: await change('chg_again') });
    await until(h, (s) => s.pendingChange?.id === 'chg_again');
    await h.service.confirm('chg_again', PREVIOUS, NEXT);
    d.results.length = 0;
    d.set({ serverTime: new Date().toISOString() });
    await h.service.checkIn();
    expect(d.results.map((r) => r.changeId)).toContain('chg_again');
    expect(h.service.status().pendingChange).toBeNull();
  });

  it('refuses a hash of a cost or shape it does not accept, at once and without hashing', async () => {
    const { h, d } = await setUp();
    await until(h, (s) => s.directory.state === 'online');
    const good = await change('chg_fine');
    const digest = good.hashes.sha512crypt.slice(good.hashes.sha512crypt.lastIndexOf('$') + 1);
    for (const hashes of [
      { sha512crypt: `$6$rounds=999999999$abcdefgh$${digest}` },
      { pbkdf2: good.hashes.pbkdf2.replace('$1000$', '$999999999$') },
      { pbkdf2: '$pbkdf2-sha512$1000$AA$AA' },
      {},
    ]) {
      d.set({ change: { ...good, id: 'chg_costly', hashes } as never });
      const started = performance.now();
      expect(await client!.checkIn()).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(h.service.status().pendingChange).toBeNull();
    // The same change with hashes it accepts is taken.
    d.set({ change: good });
    await until(h, (s) => s.pendingChange?.id === 'chg_fine');
  });

  it('keeps only the hash its backend verifies with', async () => {
    const { h, d } = await setUp();
    d.set({ change: await change('chg_one_hash') });
    await until(h, (s) => s.pendingChange?.id === 'chg_one_hash');
    const pending = JSON.parse(await fs.readFile(path.join(h.stateDir, 'users', USER, 'pending.json'), 'utf8'));
    expect(Object.keys(pending.current.hashes)).toEqual(['pbkdf2']);
  });

  it('where the agent applies changes itself (Linux), reports the device synced at once and keeps the change for the optional keyring update', async () => {
    harness = await startHarness({ previous: PREVIOUS, next: NEXT });
    await harness.service.withdrawChange();
    // The sandbox, made to behave as the Linux backend does: mode 'applied', hash set on arrival.
    const backend = harness.service.backend as SandboxBackend & { mode: string; applyDirectoryHash?: (user: string, hashes: { sha512crypt: string }) => Promise<void> };
    Object.assign(backend, {
      mode: 'applied',
      newPasswordHash: 'sha512crypt',
      applyDirectoryHash: async (user: string, hashes: { sha512crypt: string }) => {
        await fs.writeFile(path.join(SandboxBackend.folder(harness!.stateDir, user), 'account.json'), JSON.stringify({ hash: hashes.sha512crypt }));
      },
    });
    directory = await startFakeDirectory();
    const logger = silentLogger;
    client = new DirectoryClient({ url: directory.url, deviceToken: DEVICE_TOKEN, logger });
    connectDirectory(harness.service, client, logger);
    client.start();
    const h = harness;
    const d = directory;
    d.set({ change: await change('chg_linux') });
    const status = await until(h, (s) => s.pendingChange?.id === 'chg_linux');
    expect(status.pendingChange?.mode).toBe('applied');
    expect(await h.service.backend.accountPasswordIs(USER, NEXT)).toBe(true);
    // Reported at once; a check-in that crosses it may report it again (the directory takes it idempotently).
    await expect.poll(() => [...new Set(d.results.map((r) => `${r.changeId} ${r.outcome}`))]).toEqual(['chg_linux synced']);
    // The directory stops offering it; the change stays for the person's optional update.
    d.set({ change: null });
    await h.service.checkIn();
    expect(h.service.status().pendingChange?.id).toBe('chg_linux');
  });
});
