/**
 * No request stops the browser demo's host (any web page can send to it): generated
 * requests against the real process (built, on loopback, without an agent behind it),
 * then the process still runs and serves the page. CI runs a few thousand; the bench
 * runs 50,000.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoHostFuzzTarget } from '@pwsync/testing/fuzz-targets';
import { fuzz } from '@pwsync/testing/http-fuzz';
import { makeTempDir, type Running, startDemoHost } from '@pwsync/testing/processes';

const REQUESTS = Number(process.env.PWSYNC_FUZZ_REQUESTS ?? 1000);
const dir = makeTempDir('pwf-');
let host: (Running & { url: string }) | undefined;
afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo host under fuzzing', () => {
  it(`answers ${REQUESTS} generated requests without stopping, and serves the page afterwards`, async () => {
    host = await startDemoHost(path.join(dir, 'no-agent.sock'));
    const { target, token } = demoHostFuzzTarget(host.url);
    const report = await fuzz(target, { requests: REQUESTS, seed: 7, concurrency: 24, deadlineMs: 60_000 });
    if (process.env.PWSYNC_FUZZ_REPORT) console.log(JSON.stringify(report));
    expect(report.sent).toBeGreaterThanOrEqual(REQUESTS);
    expect(report.answered).toBeGreaterThan(REQUESTS / 2);
    expect(host.child.exitCode).toBeNull();
    expect(host.child.signalCode).toBeNull();
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<');
    // The token is in the one line that hands out the page's address, and nowhere else.
    const logs = host.output().replace(host.url, '');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain('Demo-Fuzz-');
  });
});
