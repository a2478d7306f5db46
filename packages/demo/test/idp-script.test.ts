/**
 * scripts/idp.ts (npm run idp) against the real directory: the password comes in on
 * standard input, reaches an enrolled device as a change, and is printed nowhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@pwsync/passwords';
import { writeDemoState } from '@pwsync/agent-protocol/demo-state';
import { ROOT, type Directory, call, enrol, startDirectory, tempDir } from '@pwsync/testing/directory-harness';

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

/** npm run idp as someone runs it beside the demo: no --directory, no variables, the runtime folder `runtime`. */
const idpBesideDemo = (runtime: string, args: string[], input = '') => {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtime };
  delete env.PWSYNC_DIRECTORY_URL;
  delete env.PWSYNC_TOKEN_FILE;
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'packages/demo/src/idp.ts'), ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 15_000, env });
};

/** A process number that no process has any more. */
async function goneProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('npm run idp beside the demo', () => {
  it("finds the demo's directory in the record npm start keeps in the demo's folder, and says which it used", async () => {
    const runtime = tempDir();
    const folder = path.join(runtime, 'pwsync-demo');
    mkdirSync(folder, { mode: 0o700 });
    // As npm start writes it: this process stands in for npm start, so the demo counts as running.
    writeDemoState(folder, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      folder,
      directory: { url: directory.url, scimTokenFile: path.join(directory.dir, 'scim.token') },
    });
    try {
      const device = await enrol(directory.url, 'tess@example.com', 'Laptop', 'linux');
      const set = idpBesideDemo(runtime, ['set-password', 'tess@example.com'], 'Idp-Third-Pass-3\n');
      expect(set.stderr).toBe('');
      expect(set.status).toBe(0);
      expect(set.stdout).toContain(`Using the demo's directory at ${directory.url} (from ${path.join(folder, 'demo.json')}).`);
      const answer = (await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).body;
      expect(await verifyPassword('Idp-Third-Pass-3', answer.change.hashes.sha512crypt)).toBe(true);
      expect(set.stdout + set.stderr + directory.output()).not.toContain('Idp-Third-Pass-3');
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });

  it('says clearly when no demo is running: none started, or one that stopped without cleaning up', async () => {
    const runtime = tempDir();
    try {
      const none = idpBesideDemo(runtime, ['set-password', 'tess@example.com'], 'x-password\n');
      expect(none.status).toBe(2);
      expect(none.stderr).toContain(`idp: no demo is running (there is no ${path.join(runtime, 'pwsync-demo', 'demo.json')}). Start the demo with npm start`);
      const folder = path.join(runtime, 'pwsync-demo');
      mkdirSync(folder, { mode: 0o700 });
      const pid = await goneProcess();
      writeDemoState(folder, { pid, startedAt: new Date().toISOString(), folder, directory: { url: directory.url, scimTokenFile: path.join(directory.dir, 'scim.token') } });
      const stale = idpBesideDemo(runtime, ['set-password', 'tess@example.com'], 'x-password\n');
      expect(stale.status).toBe(2);
      expect(stale.stderr).toContain(`no demo is running: the one that wrote ${path.join(folder, 'demo.json')} (npm start, process ${pid}) has stopped. Start the demo with npm start`);
      for (const run of [none, stale]) expect(run.stdout + run.stderr).not.toContain('x-password');
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});
