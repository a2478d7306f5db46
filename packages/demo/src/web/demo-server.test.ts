import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@pwsync/testing/processes';
import type { AppState } from '@pwsync/tray/contract';
import type { TrayCore } from '@pwsync/tray/core/tray-core';
import type { Logger } from '@pwsync/node-kit/log';
import { EventEmitter } from 'node:events';
import { type DemoServer, startDemoServer } from './demo-server';

const TOKEN = 'test-token-0123456789abcdef';

class FakeCore extends EventEmitter {
  calls: Array<{ name: string; args: unknown[] }> = [];
  state = { phase: 'idle' } as AppState;
  getState() {
    return this.state;
  }
  async confirmChange(request: unknown) {
    this.calls.push({ name: 'confirmChange', args: [request] });
    return { ok: false, problem: { code: 'previousPasswordWrong', attemptsLeft: 4 } };
  }
  dismissProblem() {
    return { ok: true };
  }
}

let server: DemoServer | undefined;
let dir: string;
let core: FakeCore;
afterEach(async () => {
  await server?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function start(extra: { logger?: Logger } = {}) {
  dir = makeTempDir('pwd-');
  await fs.mkdir(path.join(dir, 'assets'));
  await fs.writeFile(path.join(dir, 'index.html'), '<!doctype html><title>pwsync</title>');
  await fs.writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("x");'.repeat(200));
  core = new FakeCore();
  server = await startDemoServer({ core: core as unknown as TrayCore, rendererDir: dir, logger: extra.logger ?? { debug() {}, info() {}, warn() {}, error() {} }, token: TOKEN });
  return server;
}

/** A raw request, so tests can forge Host and Origin as another page or a rebinding attack would. */
function request(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: { host: `127.0.0.1:${port}`, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the browser demo server', () => {
  it('answers the page with its token, and validates the call against the contract', async () => {
    const { port } = await start();
    const call = (body: string, headers: Record<string, string> = {}) =>
      request(port, { method: 'POST', path: '/api/invoke/confirmChange', headers: { 'x-pwsync-token': TOKEN, 'content-type': 'application/json', ...headers }, body });
    const good = await call(JSON.stringify([{ changeId: 'chg_1', newPassword: 'n-secret', previousPassword: 'p-secret' }]));
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body.toString())).toEqual({ ok: false, problem: { code: 'previousPasswordWrong', attemptsLeft: 4 } });
    expect(core.calls).toHaveLength(1);
    const malformed = await call(JSON.stringify([{ changeId: 'chg_1', newPassword: 42 }]));
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body.toString())).toEqual({ error: 'invalidPayload' });
    expect(core.calls).toHaveLength(1);
  });

  it.each([
    ['no token', { 'x-pwsync-token': '' }],
    ['a wrong token', { 'x-pwsync-token': 'x'.repeat(TOKEN.length) }],
    ['another origin', { 'x-pwsync-token': TOKEN, origin: 'http://evil.example' }],
    ['a rebound host name', { 'x-pwsync-token': TOKEN, host: 'evil.example' }],
  ])('refuses a call with %s, and the core never sees it', async (_name, headers) => {
    const { port } = await start();
    const response = await request(port, { method: 'POST', path: '/api/invoke/getState', headers: headers as Record<string, string>, body: '[]' });
    expect([403, 421]).toContain(response.status);
    expect(JSON.parse(response.body.toString())).toEqual({ error: 'forbiddenSender' });
  });

  it('refuses a body over 16 KB', async () => {
    const { port } = await start();
    const response = await request(port, { method: 'POST', path: '/api/invoke/confirmChange', headers: { 'x-pwsync-token': TOKEN }, body: 'x'.repeat(20_000) }).catch(() => ({ status: 413 }));
    expect(response.status).toBe(413);
    expect(core.calls).toHaveLength(0);
  });

  it('serves only its own files, with a strict Content Security Policy', async () => {
    const { port } = await start();
    const page = await request(port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toBe('<!doctype html><title>pwsync</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    for (const escape of ['/../package.json', '/%2e%2e/package.json', '/assets/%2e%2e/%2e%2e/etc/passwd', '/%E0%A4%A']) {
      expect((await request(port, { path: escape })).status, escape).toBe(404);
    }
  });

  it('sends its hashed assets compressed and cacheable for good', async () => {
    const { port } = await start();
    const asset = await request(port, { path: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(asset.body).toString()).toBe('console.log("x");'.repeat(200));
    const plain = await request(port, { path: '/assets/index-abc123.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe('console.log("x");'.repeat(200));
  });

  it('no request stops it: odd targets and a failing core each become an answer and a log line', async () => {
    const errors: unknown[][] = [];
    const { port } = await start({ logger: { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => void errors.push(args) } });
    for (const target of ['//', '//evil.example/x', '/%', '/?token=%zz', '/api//invoke/getState', 'http://127.0.0.1/api/events', '/index.html?token=a&token=b']) {
      expect((await request(port, { path: target })).status, target).toBeLessThan(500);
    }
    (core as unknown as { getState: () => never }).getState = () => {
      throw new RangeError('a core that fails with secret-ish text');
    };
    expect((await request(port, { method: 'POST', path: '/api/invoke/getState', headers: { 'x-pwsync-token': TOKEN }, body: '[]' })).status).toBe(500);
    expect(JSON.stringify(errors)).toContain('RangeError');
    expect(JSON.stringify(errors)).not.toContain('secret-ish');
    // Still serving.
    expect((await request(port, { path: '/' })).status).toBe(200);
  });

  it('streams every new state to the page', async () => {
    const { port } = await start();
    const chunks: string[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: `/api/events?token=${TOKEN}`, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      res.on('data', (c: Buffer) => chunks.push(c.toString()));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    core.emit('stateChanged', { phase: 'pending' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    const events = chunks.join('').split('\n\n').filter((e) => e.startsWith('event: stateChanged'));
    expect(events.map((e) => JSON.parse(e.split('data: ')[1]!).phase)).toEqual(['idle', 'pending']);
  });
});
