import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../core/security-headers';
import { APP_INDEX_URL, fileFor, handleAppProtocol, registerAppScheme, serveAppRequest } from './app-protocol';
import { fake, protocol } from '../../test/main/fake-electron';

vi.mock('electron', () => import('../../test/main/fake-electron'));

let base: string;
let rendererDir: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'pwsync-protocol-'));
  rendererDir = path.join(base, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>pwsync</title>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  // A file next to the renderer folder, and one whose name shares its prefix: neither may be served.
  await writeFile(path.join(base, 'secret.txt'), 'not for the page');
  await mkdir(path.join(base, 'renderer-other'));
  await writeFile(path.join(base, 'renderer-other', 'x.js'), 'nope');
});
afterAll(() => rm(base, { recursive: true, force: true }));
beforeEach(() => fake.reset());

const get = (url: string, method = 'GET') => serveAppRequest(new Request(url, { method }), rendererDir);

describe('the app:// scheme', () => {
  it('is privileged as standard, secure and fetch-capable', () => {
    registerAppScheme(protocol);
    expect(fake.called('protocol.registerSchemesAsPrivileged')).toEqual([
      { api: 'protocol.registerSchemesAsPrivileged', args: [[{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]] },
    ]);
  });

  it('registers a handler that serves the renderer', async () => {
    handleAppProtocol(protocol, rendererDir);
    const handler = protocol.handlers.get('app')!;
    const response: Response = await handler(new Request(APP_INDEX_URL));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>pwsync</title>');
  });

  it('serves files inside the renderer folder with their type, the CSP and nosniff', async () => {
    const response = await get('app://pwsync/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('serves index.html for the bare origin, never cached', async () => {
    const response = await get('app://pwsync/');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.text()).toBe('<!doctype html><title>pwsync</title>');
  });

  it.each([
    'app://pwsync/../secret.txt',
    'app://pwsync/%2e%2e/secret.txt',
    'app://pwsync/..%2fsecret.txt',
    'app://pwsync/assets/..%2f..%2fsecret.txt',
    'app://pwsync/..%5csecret.txt',
    'app://pwsync/%2e%2e%2frenderer-other%2fx.js',
    'app://pwsync/index.html%00.js',
    'app://pwsync/%E0%A4%A',
    'app://pwsync/missing.js',
    'app://pwsync/assets',
    'app://evil/index.html',
  ])('refuses %s, still with the CSP', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await response.text()).toBe('');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(405);
    const head = await get(APP_INDEX_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('maps only our host, without credentials, to files strictly inside the root', () => {
    const root = path.resolve('/srv/renderer');
    expect(fileFor('app://pwsync/assets/app.js', root)).toBe(path.join(root, 'assets', 'app.js'));
    expect(fileFor('app://user@pwsync/index.html', root)).toBeNull();
    expect(fileFor('app://pwsync:8080/index.html', root)).toBeNull();
    expect(fileFor('file:///srv/renderer/index.html', root)).toBeNull();
    expect(fileFor('app://pwsync/..%2frenderer-x/a.js', root)).toBeNull();
    expect(fileFor('not a url', root)).toBeNull();
  });
});
