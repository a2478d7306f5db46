import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir, ROOT } from '@pwsync/testing/processes';

describe('npm start without an Electron binary', () => {
  it('says so, serves the demo on 127.0.0.1 with a change waiting, and Ctrl-C leaves nothing behind', async () => {
    const runtime = makeTempDir('pwr-');
    await fs.chmod(runtime, 0o700);
    const child = spawn(process.execPath, [path.join(ROOT, 'packages/demo/start.mjs')], {
      cwd: ROOT,
      env: { ...process.env, XDG_RUNTIME_DIR: runtime, PWSYNC_SKIP_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // However the test ends, npm start and everything it started end with it.
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
      await fs.rm(runtime, { recursive: true, force: true });
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const lines = readline.createInterface({ input: child.stdout });
    const url = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        output += `${line}\n`;
        const match = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(line);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(output)));
    });
    expect(output).toContain("Electron's binary is not installed here");
    const socketPath = path.join(runtime, 'pwsync-demo', 'agent.sock');
    expect(existsSync(socketPath)).toBe(true);

    const [base, token] = url.split('?token=') as [string, string];
    expect((await fetch(base)).status).toBe(200);
    let state: { phase: string; demo: boolean } = { phase: 'connecting', demo: false };
    for (let i = 0; i < 50 && state.phase !== 'pending'; i += 1) {
      const response = await fetch(`${base}api/invoke/getState`, { method: 'POST', headers: { 'X-Pwsync-Token': token, 'Content-Type': 'application/json' }, body: '[]' });
      state = (await response.json()) as typeof state;
      if (state.phase !== 'pending') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toMatchObject({ phase: 'pending', demo: true });
    // The page is the window as built, whatever the address: its state comes only through the API, with the token.
    const page = await (await fetch(url)).text();
    expect(page).toContain('<div id="root"></div>');
    expect(await (await fetch(base)).text()).toBe(page);
    // Without the token, the page's API answers nothing.
    expect((await fetch(`${base}api/invoke/getState`, { method: 'POST', body: '[]' })).status).toBe(403);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
    expect(existsSync(path.join(runtime, 'pwsync-demo'))).toBe(false);
    await expect(fetch(base)).rejects.toThrow();
  }, 60_000);
});
