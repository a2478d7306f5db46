/**
 * Every hash a password PATCH makes (sha512-crypt for a Linux device, PBKDF2 for a Mac,
 * the scrypt resend check) is handed to the hashing threads, none is made on the event
 * loop: the jobs the PATCH posts to the pool are exactly those three.
 */
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '@pwsync/node-kit/log';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, TOKEN, call, enrol, oktaReplace, oktaUser, storeFor, tempDir } from '@pwsync/testing/directory-harness';
import { type RunningDirectory, startDirectory } from '../src/server';

const dir = tempDir();
let directory: RunningDirectory;
beforeAll(async () => {
  directory = await startDirectory({
    ...(await storeFor(dir)), scimToken: TOKEN, adminToken: ADMIN_TOKEN, host: '127.0.0.1', port: 0, logger: silentLogger,
    provider: 'Okta', pbkdf2Iterations: 1000, cryptRounds: 5000, hashRetentionMs: 86_400_000, heartbeatMs: 15_000,
  });
});
afterAll(async () => {
  await directory.close();
  rmSync(dir, { recursive: true, force: true });
});

it("a password PATCH's hashes are all made on the hashing threads", async () => {
  const userId = (await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('pool@example.com'))).body.id as string;
  await enrol(directory.url, 'pool@example.com', 'Box', 'linux');
  await enrol(directory.url, 'pool@example.com', 'Mac', 'darwin');
  const posted = vi.spyOn(Worker.prototype, 'postMessage');
  try {
    expect((await call(directory.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Pool-Pass-1' }))).status).toBe(200);
    const ops = posted.mock.calls.map(([message]) => (message as { op: string }).op).sort();
    expect(ops).toEqual(['hash', 'pbkdf2', 'scrypt']);
    // A resend of the same password is recognised by its check, also on a thread, and makes nothing new.
    posted.mockClear();
    expect((await call(directory.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Pool-Pass-1' }))).status).toBe(200);
    expect(posted.mock.calls.map(([message]) => (message as { op: string }).op)).toEqual(['scrypt']);
  } finally {
    posted.mockRestore();
  }
  const store = directory.context.store;
  const change = (await store.q.latestChange(userId))!;
  expect(change.sha512crypt).toMatch(/^\$6\$/);
  expect(change.pbkdf2).toMatch(/^\$pbkdf2-sha512\$1000\$/);
});
