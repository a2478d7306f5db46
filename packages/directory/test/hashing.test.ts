/**
 * The directory hashes off its event loop: while a password change at a high cost is
 * being hashed, other requests are answered at once. And it makes only the hashes the
 * user's devices need: none for a user without devices, one kind per platform.
 */
import { rmSync } from 'node:fs';
import { silentLogger } from '@pwsync/node-kit/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, TOKEN, call, enrol, oktaReplace, oktaUser, storeFor, tempDir } from '@pwsync/testing/directory-harness';
import { type RunningDirectory, startDirectory } from '../src/server';

const dir = tempDir();
let directory: RunningDirectory;
beforeAll(async () => {
  directory = await startDirectory({
    ...(await storeFor(dir)), scimToken: TOKEN, adminToken: ADMIN_TOKEN, host: '127.0.0.1', port: 0, logger: silentLogger,
    // About half a second of JavaScript per Linux hash.
    provider: 'Okta', pbkdf2Iterations: 1000, cryptRounds: 300_000, hashRetentionMs: 86_400_000, heartbeatMs: 15_000,
  });
});
afterAll(async () => {
  await directory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hashing at the directory', () => {
  it('answers other requests while a slow hash is made', async () => {
    const userId = (await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('slow@example.com'))).body.id as string;
    const linux = await enrol(directory.url, 'slow@example.com', 'Box', 'linux');
    // A server in its stride: on PostgreSQL, the pool holds a few open connections by now.
    await Promise.all(Array.from({ length: 4 }, () => call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, linux.deviceToken)));
    const started = performance.now();
    const patch = call(directory.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Slow-Hash-Pass-1' }));
    const latencies: number[] = [];
    let patched = false;
    void patch.then(() => (patched = true));
    while (!patched) {
      const asked = performance.now();
      expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, linux.deviceToken)).status).toBe(200);
      latencies.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await patch).status).toBe(200);
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(250);
    expect(latencies.length).toBeGreaterThan(3);
    // Hashed on the loop, one check-in would wait for the whole hash; off it, none waits for more than a fraction (a busy machine stretches both alike).
    expect(Math.max(...latencies)).toBeLessThan(took / 2);
    const change = (await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, linux.deviceToken)).body.change;
    expect(change.hashes.sha512crypt).toMatch(/^\$6\$rounds=300000\$/);
  });

  it('makes no hash for a user without devices, and only the kinds their devices need', async () => {
    await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('none@example.com', 'No-Device-Pass-1'));
    const store = directory.context.store;
    const none = (await store.q.latestChange((await store.q.userByName('none@example.com'))!.id))!;
    expect([none.sha512crypt, none.pbkdf2]).toEqual([null, null]);
    const userId = (await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('mac@example.com'))).body.id as string;
    await enrol(directory.url, 'mac@example.com', 'Mac', 'darwin');
    await call(directory.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Mac-Only-Pass-1' }));
    const mac = (await store.q.latestChange(userId))!;
    expect(mac.sha512crypt).toBeNull();
    expect(mac.pbkdf2).toMatch(/^\$pbkdf2-sha512\$1000\$/);
  });
});
