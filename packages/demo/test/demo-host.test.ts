/** The browser demo's host logs as the tray app does: JSON lines as pwsync-app, through the one redaction list. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, type Running, startDemoHost } from '@pwsync/testing/processes';

let dir: string | undefined;
let host: Running | undefined;
afterEach(async () => {
  await host?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  host = dir = undefined;
});

describe('the demo host', () => {
  it('logs JSON lines as pwsync-app, with password pairs censored', async () => {
    const secret = 'Hunter-2-in-a-path';
    dir = makeTempDir('pwh-');
    // The policy loader logs the file it read; a password pair in its name must not reach the log whole.
    const policy = path.join(dir, `token=${secret}.json`);
    await fs.writeFile(policy, JSON.stringify({ identityProvider: 'Okta' }));
    host = await startDemoHost(path.join(dir, 'no-agent.sock'), ['--policy', policy]);
    await vi.waitUntil(() => host!.output().includes('policy loaded'), { timeout: 5000 });
    const lines = host.output().trim().split('\n').filter((line) => line.startsWith('{"level"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.msg === 'policy loaded')).toMatchObject({ level: 30, name: 'pwsync-app', source: path.join(dir, 'token=[redacted]') });
    expect(host.output()).not.toContain(secret);
  });
});
