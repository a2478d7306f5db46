/**
 * No request stops the directory: generated requests (packages/testing/src/http-fuzz.ts)
 * against the real process on loopback, with valid credentials among them so they
 * reach the handlers, then: the process is still running, a valid SCIM request and a
 * valid check-in are answered, no request ended in a 500, and no credential reached
 * the output. CI runs a few thousand (PWSYNC_FUZZ_REQUESTS); the bench runs 50,000.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type Directory, call, enrol, oktaUser, startDirectory } from '@pwsync/testing/directory-harness';
import { directoryFuzzTarget } from '@pwsync/testing/fuzz-targets';
import { fuzz } from '@pwsync/testing/http-fuzz';

const REQUESTS = Number(process.env.PWSYNC_FUZZ_REQUESTS ?? 1000);
let directory: Directory | undefined;
afterAll(async () => {
  await directory?.stop();
  if (directory) rmSync(directory.dir, { recursive: true, force: true });
});

describe('the directory under fuzzing', () => {
  it(`answers ${REQUESTS} generated requests without stopping, and a valid request afterwards`, async () => {
    directory = await startDirectory(undefined, ['--log-level', 'info']);
    const { target, device, secrets } = await directoryFuzzTarget(directory);
    const report = await fuzz(target, { requests: REQUESTS, seed: 12, concurrency: 24, deadlineMs: 60_000 });
    if (process.env.PWSYNC_FUZZ_REPORT) console.log(JSON.stringify(report));
    expect(report.sent).toBeGreaterThanOrEqual(REQUESTS);
    expect(report.answered).toBeGreaterThan(REQUESTS / 2);
    expect(report.cutOff + report.slow + report.pipelined).toBeGreaterThan(0);
    expect(report.statuses['500'] ?? 0).toBe(0);
    expect(directory.child.exitCode).toBeNull();
    expect(directory.child.signalCode).toBeNull();
    // Valid requests are answered afterwards: SCIM, the admin API, enrolment and a check-in.
    // (The fuzzed device may be gone: a fuzzed DELETE of its user is a valid request too.)
    expect((await call(directory.url, 'GET', '/scim/v2/Users?count=1')).status).toBe(200);
    expect((await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('after-fuzz@example.com'))).status).toBe(201);
    const after = await enrol(directory.url, 'after-fuzz@example.com');
    expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, after.deviceToken)).status).toBe(200);
    expect([200, 401]).toContain((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).status);
    const output = directory.output();
    expect(output).not.toMatch(/"level":50/);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
