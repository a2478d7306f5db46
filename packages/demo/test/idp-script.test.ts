/**
 * scripts/idp.ts (npm run idp) against the real directory: the password comes in on
 * standard input, reaches an enrolled device as a change, and is printed nowhere.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@pwsync/passwords';
import { ROOT, type Directory, call, enrol, startDirectory } from '@pwsync/testing/directory-harness';

let directory: Directory;
beforeAll(async () => {
  directory = await startDirectory();
});
afterAll(async () => {
  await directory.stop();
  rmSync(directory.dir, { recursive: true, force: true });
});

const idp = (args: string[], input = '') =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'packages/demo/src/idp.ts'), ...args, '--directory', directory.url, '--token-file', path.join(directory.dir, 'scim.token')], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 15_000,
  });

describe('npm run idp', () => {
  it('create-user, set-password from stdin, deactivate, activate', async () => {
    const created = idp(['create-user', 'tess@example.com', '--password'], 'Idp-First-Pass-1\n');
    expect(created.status).toBe(0);
    const device = await enrol(directory.url, 'tess@example.com', 'Laptop', 'linux');
    // A device is offered the changes made after it enrolled.
    expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).body.change).toBeNull();
    expect(idp(['set-password', 'tess@example.com'], 'Idp-Between-Pass-1\n').status).toBe(0);
    const first = (await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).body.change;

    const set = idp(['set-password', 'TESS@example.com'], 'Idp-Second-Pass-2\n');
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    const answer = (await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).body;
    expect(answer.change.id).not.toBe(first.id);
    expect(await verifyPassword('Idp-Second-Pass-2', answer.change.hashes.sha512crypt)).toBe(true);

    expect(idp(['deactivate', 'tess@example.com']).status).toBe(0);
    expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).body.user.active).toBe(false);
    expect(idp(['activate', 'tess@example.com']).status).toBe(0);
    expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).body.user.active).toBe(true);

    const printed = [created, set].map((r) => r.stdout + r.stderr).join('') + directory.output();
    expect(printed).not.toContain('Idp-First-Pass-1');
    expect(printed).not.toContain('Idp-Second-Pass-2');
    expect(printed).not.toContain('Idp-Between-Pass-1');
  });

  it('says clearly what went wrong', () => {
    const unknown = idp(['set-password', 'nobody@example.com'], 'x-password\n');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no user nobody@example.com');
    expect(idp(['set-password', 'tess@example.com'], '').stderr).toContain('no password on standard input');
    const usage = idp(['rename', 'tess@example.com']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage:');
    const duplicate = idp(['create-user', 'tess@example.com']);
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
  });
});
