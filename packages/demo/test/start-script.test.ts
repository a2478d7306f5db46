import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_PASSWORD_CYCLE } from '../src/demo-identity-provider';
import { BUILT, makeTempDir, readAllFiles, ROOT } from '@pwsync/testing/processes';

/** The practice account's passwords, and the next one `npm run idp` sets below: no output may hold any. */
const PRACTICE = ['autumn-leaves-42', ...DEMO_PASSWORD_CYCLE];
const IDP_PASSWORD = 'Idp-Typed-Pass-7';

interface Demo {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** The window's address, once printed. */
  url: Promise<string>;
  exit: Promise<number | null>;
}

/** A fresh runtime folder (0700, as a real one is), removed when the test ends. */
async function runtimeFolder(): Promise<string> {
  const runtime = makeTempDir('pwr-');
  await fs.chmod(runtime, 0o700);
  onTestFinished(() => fs.rm(runtime, { recursive: true, force: true }));
  return runtime;
}

/** npm start with this runtime folder; however the test ends, it and everything it started end with it. */
function npmStart(runtime: string): Demo {
  const child = spawn(process.execPath, [path.join(ROOT, 'packages/demo/start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, XDG_RUNTIME_DIR: runtime, PWSYNC_SKIP_BUILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exit;
    }
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const url = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      output += `${line}\n`;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exit.then(() => reject(new Error(output)));
  });
  url.catch(() => undefined);
  return { child, output: () => output, url, exit };
}

/** What npm start printed, less the one line that gives the practice account's passwords on purpose (README.md). */
function printedBesidesPractice(demo: Demo): string {
  const printed = demo.output();
  expect(printed).toMatch(/^Practice account: the previous password is "autumn-leaves-42"/m);
  return printed.replace(/^Practice account: .*$/m, '');
}

/** A call to the demo's page API, as the page makes it. */
async function invoke(url: string, name: string, args: unknown[] = []): Promise<Record<string, unknown>> {
  const [base, token] = url.split('?token=') as [string, string];
  const response = await fetch(`${base}api/invoke/${name}`, { method: 'POST', headers: { 'X-Pwsync-Token': token, 'Content-Type': 'application/json' }, body: JSON.stringify(args) });
  return (await response.json()) as Record<string, unknown>;
}

async function stateWhen(url: string, wanted: (state: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  let state: Record<string, unknown> = {};
  for (let i = 0; i < 100; i += 1) {
    state = await invoke(url, 'getState');
    if (wanted(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the state never matched: ${JSON.stringify(state)}`);
}

/** A program run as someone beside the demo runs it: the runtime folder is all it is told. */
function run(runtime: string, args: string[], input = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtime };
    delete env.PWSYNC_DIRECTORY_URL;
    delete env.PWSYNC_TOKEN_FILE;
    delete env.PWSYNC_SOCKET;
    const child = execFile(process.execPath, args, { cwd: ROOT, env }, (_error, stdout, stderr) => resolve({ code: child.exitCode, out: stdout + stderr }));
    child.stdin!.end(input);
  });
}

describe('npm start without an Electron binary', () => {
  it('says so, serves the demo on 127.0.0.1 with a change waiting, says where it runs, and Ctrl-C leaves nothing behind', async () => {
    const runtime = await runtimeFolder();
    const demo = npmStart(runtime);
    const url = await demo.url;
    expect(demo.output()).toContain("Electron's binary is not installed here");
    const folder = path.join(runtime, 'pwsync-demo');
    const socketPath = path.join(folder, 'agent.sock');
    expect(existsSync(socketPath)).toBe(true);
    // Where it runs, printed and kept for npm run idp and the doctor, readable by this user only.
    expect(demo.output()).toContain(`pwsync demo: running in ${folder}; what runs where is in ${folder}/demo.json`);
    expect(demo.output()).toMatch(/pwsync demo: the directory is at http:\/\/127\.0\.0\.1:\d+ \(its SCIM token in \S+directory\.token\)/);
    expect(statSync(path.join(folder, 'demo.json')).mode & 0o777).toBe(0o600);
    const record = JSON.parse(await fs.readFile(path.join(folder, 'demo.json'), 'utf8'));
    expect(record).toMatchObject({ pid: demo.child.pid, folder, socketPath, tray: 'browser', window: url, appLog: path.join(folder, 'logs', 'main.log') });
    expect(record.directory.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // It names the token's file and holds no token of the directory's.
    const scimToken = (await fs.readFile(record.directory.scimTokenFile, 'utf8')).trim();
    expect(JSON.stringify(record)).not.toContain(scimToken);

    const [base, token] = url.split('?token=') as [string, string];
    expect((await fetch(base)).status).toBe(200);
    expect(await stateWhen(url, (s) => s.phase === 'pending')).toMatchObject({ phase: 'pending', demo: true });
    // The page is the window as built, whatever the address: its state comes only through the API, with the token.
    const page = await (await fetch(url)).text();
    expect(page).toContain('<div id="root"></div>');
    expect(await (await fetch(base)).text()).toBe(page);
    // Without the token, the page's API answers nothing.
    expect((await fetch(`${base}api/invoke/getState`, { method: 'POST', body: '[]' })).status).toBe(403);
    void token;

    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
    expect(existsSync(folder)).toBe(false);
    await expect(fetch(base)).rejects.toThrow();
  }, 60_000);

  it("a second npm start refuses, saying which demo runs and where, and leaves the first one's folder alone: the first still confirms a change", async () => {
    const runtime = await runtimeFolder();
    const first = npmStart(runtime);
    const url = await first.url;
    const folder = path.join(runtime, 'pwsync-demo');
    const before = (await fs.readdir(folder)).sort();

    const second = npmStart(runtime);
    // Bounded, so a second demo that starts instead of refusing fails here, saying so.
    const stillRunning = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000).unref());
    expect(await Promise.race([second.exit, stillRunning])).toBe(1);
    expect(second.output()).toContain(`pwsync: a demo is already running (npm start, process ${first.child.pid}, since `);
    expect(second.output()).toContain(`), in ${folder}.\nIts window: ${url}\n`);
    expect(second.output()).toContain('Use that one, or stop it with Ctrl-C in its terminal and run npm start again.');
    // It started nothing and removed nothing.
    expect(second.output()).not.toContain('the directory is at');
    expect(await fs.readdir(folder)).toEqual(expect.arrayContaining(before));
    expect(existsSync(path.join(folder, 'agent.sock'))).toBe(true);
    expect(JSON.parse(await fs.readFile(path.join(folder, 'demo.json'), 'utf8'))).toMatchObject({ pid: first.child.pid, window: url });

    // The first demo still works: the change waiting confirms with the practice passwords.
    const pending = await stateWhen(url, (s) => s.phase === 'pending');
    const change = pending.change as { id: string };
    const answer = await invoke(url, 'confirmChange', [{ changeId: change.id, newPassword: DEMO_PASSWORD_CYCLE[0], previousPassword: 'autumn-leaves-42' }]);
    expect(answer).toMatchObject({ ok: true, result: { outcome: 'synced' } });
    for (const text of [printedBesidesPractice(first), second.output(), await readAllFiles(folder)]) for (const secret of PRACTICE) expect(text).not.toContain(secret);
  }, 60_000);

  it("npm run idp and pwsync doctor --demo find the demo from its folder alone: the change arrives, the doctor reports the demo's policy, log and support code", async () => {
    const runtime = await runtimeFolder();
    const demo = npmStart(runtime);
    const url = await demo.url;
    const folder = path.join(runtime, 'pwsync-demo');
    const first = (await stateWhen(url, (s) => s.phase === 'pending')).change as { id: string };

    const idp = await run(runtime, ['--import', 'tsx', 'packages/demo/src/idp.ts', 'set-password', 'alex@example.com'], `${IDP_PASSWORD}\n`);
    expect(idp.out).toContain(`Using the demo's directory at http://127.0.0.1:`);
    expect(idp.code).toBe(0);
    const next = (await stateWhen(url, (s) => s.phase === 'pending' && (s.change as { id: string }).id !== first.id)).change as { id: string };
    expect(next.id).not.toBe(first.id);

    // The support code of the report the page gets is the one the app logged and the doctor shows.
    const report = await invoke(url, 'getDiagnostics');
    expect(await invoke(url, 'getDiagnostics')).toMatchObject({ supportCode: report.supportCode });
    const doctor = await run(runtime, [BUILT.doctor, '--demo']);
    expect(doctor.code).toBe(0);
    expect(doctor.out).toContain(`Demo:       npm start, process ${demo.child.pid}, since `);
    expect(doctor.out).toMatch(/reachable: +yes\n/);
    expect(doctor.out).toContain(`pending:    ${next.id} from Okta`);
    expect(doctor.out).toContain('Policy:     from demo policy');
    expect(doctor.out).toContain('  organization: "Example Corp"');
    expect(doctor.out).toContain(`  app:    ${path.join(folder, 'logs', 'main.log')}\n`);
    expect(doctor.out).toContain(`Support:    code ${report.supportCode as string}, of the app's latest diagnostics report`);
    expect(report.text).toContain(`Log: ${path.join(folder, 'logs', 'main.log')}`);

    // No password anywhere: what npm start, the idp command and the doctor printed, every file the demo wrote.
    const everything = [printedBesidesPractice(demo), idp.out, doctor.out, JSON.stringify(report), await readAllFiles(folder)].join('\n');
    for (const secret of [...PRACTICE, IDP_PASSWORD]) expect(everything.includes(secret), 'a password leaked').toBe(false);
  }, 60_000);
});
