/**
 * pwsync-agent serve, enroll and status as an administrator runs them (the built
 * bundle, as the package ships it), against the real directory on loopback. `serve`
 * here reads this machine's own account database, so its rule maps only an account
 * that does not exist: it serves nobody, and changes nothing.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot } from '@pwsync/testing/as-user';
import { createCode, createCodeForAnyUser, type Directory, call, oktaUser, startDirectory } from '@pwsync/testing/directory-harness';
import { BUILT, makeTempDir } from '@pwsync/testing/processes';

const run = promisify(execFile);
let work: string;
let directory: Directory;
const secrets: string[] = [];

async function agent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BUILT.agent, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A computer's folders in a throw-away place: etc/pwsync/agent.json, the state, the sockets. */
async function computer(config: Record<string, unknown> = {}): Promise<{ config: string; state: string; sockets: string }> {
  const base = await fs.mkdtemp(path.join(work, 'c'));
  await fs.chmod(base, 0o755);
  const state = path.join(base, 'state');
  const sockets = path.join(base, 'run');
  const file = path.join(base, 'etc', 'agent.json');
  await fs.mkdir(path.dirname(file), { mode: 0o755 });
  // Nobody on this machine is called that: serve follows the real /etc/passwd.
  const people = { userNameFrom: 'map', map: { 'pwsync-test-none': 'none@example.com' } };
  // A file with an enrolment code is root's alone, as install.md says.
  const holdsCode = (config.directory as { enrolmentCode?: string } | undefined)?.enrolmentCode !== undefined;
  await fs.writeFile(file, JSON.stringify({ folders: { state, sockets }, people, ...config }), { mode: holdsCode ? 0o600 : 0o644 });
  return { config: file, state, sockets };
}

beforeAll(async () => {
  work = makeTempDir('pwcmd-');
  await fs.chmod(work, 0o755);
  directory = await startDirectory();
  expect((await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('ana@example.com'))).status).toBe(201);
}, 30_000);

afterAll(async () => {
  await directory?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
  if (directory) await fs.rm(directory.dir, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('pwsync-agent serve, enroll and status', () => {
  it.each([
    ['an unknown key', { logLevl: 'debug' }, /is not a valid configuration: "logLevl" is not a setting the agent knows; remove it or check its spelling; fix this, then start the agent again\.$/],
    ['plain http to another computer', { directory: { url: 'http://pwsync.example.com' } }, /"directory.url" must be https: plain http is accepted only to a directory on this computer/],
    ['a backend for another system', { backend: { name: 'darwin' } }, /"backend.name" is darwin, but this computer runs linux; remove the setting or set it to linux$/],
  ])('serve refuses %s with one sentence and exit 2, and leaves no socket', async (_what, config, sentence) => {
    const paths = await computer(config);
    const result = await agent(['serve', '--config', paths.config]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^pwsync-agent: /);
    expect(result.stderr.trim()).toMatch(sentence);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(paths.sockets)).toBe(false);
  });

  it('serve refuses a configuration others can write, naming the fix', async () => {
    const paths = await computer();
    await fs.chmod(paths.config, 0o666);
    const result = await agent(['serve', '--config', paths.config]);
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
      code: 2,
      stderr: `pwsync-agent: group or others can write the configuration file ${paths.config}; make it writable by root alone (chmod go-w ${paths.config}), then start the agent again.`,
    });
  });

  it('serve refuses to start when the computer is not enrolled and no code is configured', async () => {
    const paths = await computer({ directory: { url: directory.url } });
    const result = await agent(['serve', '--config', paths.config]);
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'pwsync-agent: this computer is not enrolled: run pwsync-agent enroll --directory URL --code CODE, or set "directory.url" and "directory.enrolmentCode" in agent.json (docs/install.md, "Enrol")',
    });
    expect(existsSync(path.join(paths.sockets, 'control.sock'))).toBe(false);
  });

  it('status says the agent is not running, and whether the computer is enrolled, with exit 3', async () => {
    const paths = await computer();
    const result = await agent(['status', '--config', paths.config]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(
      `the pwsync agent is not running: nothing answers on ${paths.sockets}/control.sock; start it with systemctl start pwsync-agent, and see why it stopped with journalctl -u pwsync-agent\nEnrolled: no (pwsync-agent enroll --directory URL --code CODE)\n`,
    );
    const json = await agent(['status', '--json', '--config', paths.config]);
    expect(JSON.parse(json.stdout)).toEqual({ running: false, reason: expect.stringContaining('nothing answers'), enrolment: null });
  });

  it('enroll registers the computer once with a code, keeps the token root\'s alone, and refuses to do it twice', async () => {
    const paths = await computer();
    const made = await createCode(directory.url, 'ana@example.com');
    secrets.push(made.code);
    const result = await agent(['enroll', '--directory', directory.url, '--code', made.code, '--name', 'ana-laptop', '--config', paths.config]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Enrolled this computer with ${directory.url}/ as ana-laptop \\(mch_[\\w-]+\\), for ana@example.com only\\.\nStart the agent, or restart it if it runs: systemctl restart pwsync-agent\n$`));
    const record = path.join(paths.state, 'machine.json');
    const stats = await fs.lstat(record);
    expect({ uid: stats.uid, mode: stats.mode & 0o777, folder: (await fs.stat(paths.state)).mode & 0o777 }).toEqual({ uid: 0, mode: 0o600, folder: 0o700 });
    secrets.push(JSON.parse(await fs.readFile(record, 'utf8')).machineToken);
    const again = await agent(['enroll', '--directory', directory.url, '--code', made.code, '--config', paths.config]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^pwsync-agent: this computer is already enrolled with .* as mch_.*; to enrol it again, have the directory's administrator remove that machine/);
    for (const secret of secrets) expect(result.stdout + again.stderr).not.toContain(secret.slice(4));
  });

  it('enroll says so when the directory refuses the code, or cannot be reached', async () => {
    const paths = await computer();
    const refused = await agent(['enroll', '--directory', directory.url, '--code', 'enr_not-a-code-anyone-made', '--config', paths.config]);
    expect({ code: refused.code, stderr: refused.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'pwsync-agent: the directory refused the enrolment code (the directory answered 403: This enrolment code cannot be used: it is unknown, used up, expired or revoked. Ask your administrator for a new one.); ask its administrator for a new one',
    });
    const unreachable = await agent(['enroll', '--directory', 'http://127.0.0.1:1', '--code', 'enr_not-a-code-anyone-made', '--config', paths.config]);
    expect({ code: unreachable.code, stderr: unreachable.stderr.trim() }).toEqual({ code: 1, stderr: 'pwsync-agent: cannot enrol: the directory cannot be reached' });
    expect(existsSync(path.join(paths.state, 'machine.json'))).toBe(false);
  });

  it('serve enrols with the configured code, and status reports it from the running daemon: enrolled, reachable, whom it serves', async () => {
    const made = await createCodeForAnyUser(directory.url);
    secrets.push(made.code);
    const paths = await computer({ directory: { url: directory.url, enrolmentCode: made.code } });
    const daemon = spawn(process.execPath, [BUILT.agent, 'serve', '--config', paths.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    daemon.stdout.on('data', (d: Buffer) => (output += d.toString()));
    daemon.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (!output.includes('serving the people of this computer')) {
        if (daemon.exitCode !== null || Date.now() > deadline) throw new Error(`the daemon did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const json = await agent(['status', '--json', '--config', paths.config]);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        running: true,
        enrolment: { directory: `${directory.url}/`, machineId: expect.stringMatching(/^mch_/), userName: null },
        directory: { reachable: true, reason: null },
        people: [],
        notServed: [],
      });
      const text = await agent(['status', '--config', paths.config]);
      expect(text.stdout).toMatch(/^pwsync agent \S+, running since \S+\nEnrolled: yes, as \S+ \(mch_[\w-]+\) with http:\/\/127\.0\.0\.1:\d+\/, for any user, since \S+\nDirectory: reachable \(checked \S+\)\nPeople served: 0\n$/);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(existsSync(path.join(paths.sockets, 'control.sock'))).toBe(false);
    for (const secret of secrets) expect(output).not.toContain(secret);
  }, 40_000);
});
