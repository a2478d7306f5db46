/**
 * Every limit on what a stranger (or a stolen device token) can make the directory
 * hold, seen to bite: dripped headers and bodies, idle sockets, too many connections,
 * oversized headers, too many event streams for one device, too many result reports.
 * The directory runs in-process here with small figures so each bites in well under a
 * second; the defaults are the figures docs/directory.md gives, checked against it.
 */
import { readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { silentLogger } from '@pwsync/node-kit/log';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ROOT, TOKEN, call, enrol, oktaReplace, oktaUser, openEvents, storeFor, tempDir } from '@pwsync/testing/directory-harness';
import { DEFAULT_LIMITS, type Limits } from '../src/limits';
import { type RunningDirectory, startDirectory } from '../src/server';

let directory: RunningDirectory | undefined;
let dir: string | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await directory?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  directory = undefined;
});

async function start(limits: Partial<Limits>): Promise<RunningDirectory> {
  dir = tempDir();
  directory = await startDirectory({
    ...(await storeFor(dir)),
    scimToken: TOKEN,
    adminToken: ADMIN_TOKEN,
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    provider: 'Okta',
    pbkdf2Iterations: 1000,
    cryptRounds: 5000,
    hashRetentionMs: 86_400_000,
    heartbeatMs: 15_000,
    limits: { timeoutCheckIntervalMs: 50, ...limits },
  });
  return directory;
}

/** A raw connection; resolves when the directory closes it, with what it wrote and how long it stayed open. */
function connect(url: string): { socket: net.Socket; closed: Promise<{ ms: number; text: string }> } {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  const opened = performance.now();
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<{ ms: number; text: string }>((resolve) => socket.on('close', () => resolve({ ms: performance.now() - opened, text })));
  return { socket, closed };
}

/** Writes `bytes` one at a time, `everyMs` apart, until the socket closes. */
function drip(socket: net.Socket, bytes: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) return clearInterval(timer);
    socket.write(bytes[i++]!);
  }, everyMs);
}

describe('limits', () => {
  it('headers dripped slower than the header timeout allows are cut off with 408', async () => {
    const d = await start({ headersTimeoutMs: 400, requestTimeoutMs: 2000 });
    const { socket, closed } = connect(d.url);
    socket.write('GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n');
    drip(socket, `X-Slow: ${'a'.repeat(500)}`, 20);
    const { ms, text } = await closed;
    expect(ms).toBeLessThan(1500);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a body dripped slower than the request timeout allows is cut off', async () => {
    const d = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const { socket, closed } = connect(d.url);
    socket.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n{`);
    drip(socket, ' '.repeat(999), 20);
    const { ms } = await closed;
    expect(ms).toBeLessThan(1800);
    expect(ms).toBeGreaterThan(500);
  });

  it('a connection that sends nothing is closed, and so is one idle after its request', async () => {
    const d = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 });
    const silent = connect(d.url);
    expect((await silent.closed).ms).toBeLessThan(1200);
    const idle = connect(d.url);
    idle.socket.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
    const { ms, text } = await idle.closed;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    // Node gives a keep-alive connection one second's grace past keepAliveTimeout.
    expect(ms).toBeLessThan(200 + 1000 + 500);
  });

  it('headers over the size limit are 431', async () => {
    const d = await start({ maxHeaderBytes: 4096 });
    const { socket, closed } = connect(d.url);
    socket.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(8000)}\r\n\r\n`);
    expect((await closed).text).toMatch(/^HTTP\/1\.1 431/);
  });

  it('connections over the cap are closed at once; the ones inside it are served', async () => {
    const d = await start({ maxConnections: 4 });
    const held = Array.from({ length: 4 }, () => connect(d.url));
    await Promise.all(held.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));
    // Give the server a moment to count them (it accepts asynchronously).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = connect(d.url);
    const { ms, text } = await extra.closed;
    expect(text).toBe('');
    expect(ms).toBeLessThan(500);
    held[0]!.socket.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`);
    expect((await held[0]!.closed).text).toMatch(/^HTTP\/1\.1 200/);
  });

  it('a device holds a few event streams at most: one more ends its oldest', async () => {
    const d = await start({ streamsPerDevice: 2 });
    await call(d.url, 'POST', '/scim/v2/Users', oktaUser('streams@example.com'));
    const device = await enrol(d.url, 'streams@example.com');
    const first = await openEvents(d.url, device.deviceToken);
    const second = await openEvents(d.url, device.deviceToken);
    await first.next('hello');
    await second.next('hello');
    const third = await openEvents(d.url, device.deviceToken);
    await third.next('hello');
    await expect.poll(() => first.ended).toBe(true);
    expect(second.ended).toBe(false);
    const userId = (await call(d.url, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "streams@example.com"')}`)).body.Resources[0].id;
    await call(d.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Streams-Pass-1' }));
    for (const s of [second, third]) expect((await s.next('changed')).data.change).not.toBeNull();
    for (const s of [first, second, third]) s.close();
  });

  it('result reports are rate-limited per device (429 with Retry-After) and only the newest are kept', async () => {
    const d = await start({ reportBurst: 3, reportIntervalMs: 60_000, reportsKept: 2 });
    const userId = (await call(d.url, 'POST', '/scim/v2/Users', oktaUser('reports@example.com'))).body.id as string;
    const device = await enrol(d.url, 'reports@example.com');
    const other = await enrol(d.url, 'reports@example.com', 'Other');
    await call(d.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Reports-Pass-1' }));
    const changeId = (await call(d.url, 'GET', '/api/v1/device/checkin', undefined, {}, device.deviceToken)).body.change.id;
    const report = (token: string) => call(d.url, 'POST', '/api/v1/device/results', { changeId, outcome: 'failed', failedStep: 'account', at: new Date().toISOString() }, {}, token);
    for (let i = 0; i < 3; i += 1) expect((await report(device.deviceToken)).status).toBe(204);
    const refused = await report(device.deviceToken);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.detail).toMatch(/^Too many reports from this device; try again in \d+ s\.$/);
    // Another device has its own allowance.
    expect((await report(other.deviceToken)).status).toBe(204);
    const kept = await d.context.store.q.db.selectFrom('results').select('seq').where('device_id', '=', device.deviceId).execute();
    expect(kept).toHaveLength(2);
  });

  it('the defaults are the figures docs/directory.md gives', () => {
    const docs = readFileSync(path.join(ROOT, 'docs/directory.md'), 'utf8');
    const rows: Array<[string, string]> = [
      ['Header timeout', `${DEFAULT_LIMITS.headersTimeoutMs / 1000} s`],
      ['Request timeout', `${DEFAULT_LIMITS.requestTimeoutMs / 1000} s`],
      ['Idle keep-alive connection', `${DEFAULT_LIMITS.keepAliveTimeoutMs / 1000} s`],
      ['Silent connection during a request', `${DEFAULT_LIMITS.socketTimeoutMs / 1000} s`],
      ['TLS handshake', `${DEFAULT_LIMITS.tlsHandshakeTimeoutMs / 1000} s`],
      ['Request headers', `${DEFAULT_LIMITS.maxHeaderBytes / 1024} KiB`],
      ['Request body', `${DEFAULT_LIMITS.maxBodyBytes / 1024} KiB`],
      ['Open connections', DEFAULT_LIMITS.maxConnections.toLocaleString('en')],
      ['Event streams per device', String(DEFAULT_LIMITS.streamsPerDevice)],
      ['Result reports per device', `${DEFAULT_LIMITS.reportBurst} at once, then 1 per ${DEFAULT_LIMITS.reportIntervalMs / 1000} s`],
      ['Reports kept per device', String(DEFAULT_LIMITS.reportsKept)],
    ];
    for (const [name, figure] of rows) expect(docs, name).toMatch(new RegExp(`^\\| ${name} \\| ${figure.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|`, 'm'));
  });
});
