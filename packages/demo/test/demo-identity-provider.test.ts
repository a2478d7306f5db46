import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '@pwsync/passwords';
import { createUser } from '../src/idp-client';
import { DEMO_PASSWORD_CYCLE, demoIdentityProvider } from '../src/demo-identity-provider';
import { enrollDevice, startDirectory } from '../src/stack';
import { makeTempDir, ROOT } from '@pwsync/testing/processes';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("the demo's simulated identity provider", () => {
  it('is only there in demo mode with a directory', () => {
    expect(demoIdentityProvider({})).toBeUndefined();
    expect(demoIdentityProvider({ PWSYNC_DEMO_DIRECTORY: 'http://127.0.0.1:1', PWSYNC_DEMO_TOKEN_FILE: '/x' })).toBeUndefined();
  });

  it('sends a real SCIM PATCH, and each one moves to the next practice password', async () => {
    const dir = makeTempDir('pwi-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const directory = await startDirectory(ROOT, dir);
    cleanups.push(() => directory.stop());
    const idp = { directory: directory.url, token: readFileSync(directory.tokenFile, 'utf8').trim() };
    await createUser(idp, 'sam@example.com');
    const deviceTokenFile = path.join(dir, 'device.token');
    await enrollDevice({ directory: directory.url, token: readFileSync(directory.adminTokenFile, 'utf8').trim() }, 'sam@example.com', 'Test Mac', deviceTokenFile);
    const simulate = demoIdentityProvider({ PWSYNC_DEMO_DIRECTORY: directory.url, PWSYNC_DEMO_TOKEN_FILE: directory.tokenFile, PWSYNC_DEMO_USER: 'sam@example.com' })!;
    const offered = async () => {
      const response = await fetch(new URL('/api/v1/device/checkin', directory.url), { headers: { authorization: `Bearer ${readFileSync(deviceTokenFile, 'utf8').trim()}` } });
      return ((await response.json()) as { change: { id: string; hashes: { pbkdf2: string } } | null }).change;
    };
    await simulate();
    const first = await offered();
    expect(await verifyPassword(DEMO_PASSWORD_CYCLE[1], first!.hashes.pbkdf2)).toBe(true);
    await simulate();
    const second = await offered();
    expect(second!.id).not.toBe(first!.id);
    expect(await verifyPassword(DEMO_PASSWORD_CYCLE[2], second!.hashes.pbkdf2)).toBe(true);
  });
});
