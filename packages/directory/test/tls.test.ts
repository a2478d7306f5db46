/**
 * The directory over TLS, with a CA and certificates openssl makes in the test: Okta's
 * SCIM requests (the create flow, a password PATCH) over https, SCIM's Location from
 * --public-url and never from the Host header, a certificate renewed with SIGHUP while
 * an event stream stays up, a handshake that never comes cut off. Behind a named TLS
 * proxy: only the proxy may connect, and only with X-Forwarded-Proto: https.
 */
import { X509Certificate } from 'node:crypto';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { silentLogger } from '@pwsync/node-kit/log';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Directory, TOKEN, call, enrol, oktaReplace, oktaUser, openEvents, startDirectory, storeFor, tempDir } from '@pwsync/testing/directory-harness';
import { type Ca, issue, makeCa } from '@pwsync/testing/tls-fixtures';
import { type RunningDirectory, startDirectory as startInProcess } from '../src/server';

const pki = tempDir();
const ca: Ca = makeCa(pki);
const first = issue(ca, pki, 'first');
const renewed = issue(ca, pki, 'renewed');
const stray = issue(makeCa(pki, 'stray'), pki, 'stray');
const trust = { ca: ca.pem };
const running: Directory[] = [];
const inProcess: RunningDirectory[] = [];
afterAll(async () => {
  for (const d of running) await d.stop();
  for (const d of inProcess) await d.close();
  for (const d of [pki, ...running.map((r) => r.dir)]) rmSync(d, { recursive: true, force: true });
});

/** The directory over TLS, its certificate and key copied into its own folder (so a test can renew them there). */
async function startTls(extra: string[] = []): Promise<Directory & { certFile: string; keyFile: string }> {
  const dir = tempDir();
  const certFile = path.join(dir, 'tls.pem');
  const keyFile = path.join(dir, 'tls.key');
  copyFileSync(first.certFile, certFile);
  writeFileSync(keyFile, first.key, { mode: 0o600 });
  const d = await startDirectory(dir, ['--tls-cert', certFile, '--tls-key', keyFile, ...extra]);
  running.push(d);
  return { ...d, certFile, keyFile };
}

/** The serial number of the certificate a new connection is shown. */
function servedSerial(url: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: Number(port), ca: ca.pem }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on('error', reject);
  });
}

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;

describe('the directory over TLS', () => {
  let shared: (Directory & { certFile: string; keyFile: string }) | undefined;
  const sharedTls = async () => (shared ??= await startTls());

  it("serves Okta's SCIM requests over https, with Locations under its own https URL", async () => {
    const d = await sharedTls();
    expect(d.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const scim = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => call(d.url, method, `/scim/v2${url}`, body, headers, TOKEN, trust);
    const find = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "tls@example.com"')}&startIndex=1&count=100`);
    expect(find.status).toBe(200);
    expect(find.body.totalResults).toBe(0);
    const created = await scim('POST', '/Users', oktaUser('tls@example.com', 'Tls-Pass-First-1'), { host: 'evil.example' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${d.url}/scim/v2/Users/${created.body.id}`);
    expect(created.body.meta.location).toBe(`${d.url}/scim/v2/Users/${created.body.id}`);
    const patched = await scim('PATCH', `/Users/${created.body.id}`, oktaReplace({ password: 'Tls-Pass-Second-2' }));
    expect(patched.status).toBe(200);
    expect((await scim('GET', `/Users/${created.body.id}`)).body.meta.version).toBe('W/"2"');
    expect(d.output()).not.toContain('Tls-Pass-');
  });

  it('answers no plain HTTP on its TLS port', async () => {
    const d = await sharedTls();
    const socket = net.connect(Number(new URL(d.url).port), '127.0.0.1');
    let text = '';
    socket.on('data', (c) => (text += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
    await new Promise((resolve) => socket.on('close', resolve));
    expect(text).not.toContain('HTTP/1.1 200');
  });

  it('takes a renewed certificate on SIGHUP for new connections, while an open event stream stays up', async () => {
    const d = await startTls();
    const userId = (await call(d.url, 'POST', '/scim/v2/Users', oktaUser('renew@example.com'), {}, TOKEN, trust)).body.id as string;
    const device = await enrol(d.url, 'renew@example.com', 'Mac', 'darwin', trust);
    const stream = await openEvents(d.url, device.deviceToken, trust);
    await stream.next('hello');
    expect(await servedSerial(d.url)).toBe(serialOf(first.cert));

    copyFileSync(renewed.certFile, d.certFile);
    writeFileSync(d.keyFile, renewed.key, { mode: 0o600 });
    d.child.kill('SIGHUP');
    await expect.poll(() => servedSerial(d.url)).toBe(serialOf(renewed.cert));
    await expect.poll(() => d.output()).toContain('TLS certificate and key reloaded');

    // A bad renewal (a key that is not the certificate's) keeps the working pair.
    copyFileSync(stray.certFile, d.certFile);
    d.child.kill('SIGHUP');
    await expect.poll(() => d.output()).toContain('could not reload the TLS certificate; the previous one stays in use');
    expect(await servedSerial(d.url)).toBe(serialOf(renewed.cert));

    await call(d.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Renew-Pass-1' }), {}, TOKEN, trust);
    expect((await stream.next('changed')).data.change).not.toBeNull();
    expect(stream.ended).toBe(false);
    expect(d.child.exitCode).toBeNull();
    stream.close();
  });

  it('cuts off a connection that never finishes its TLS handshake', async () => {
    const dir = tempDir();
    const d = await startInProcess({
      ...(await storeFor(dir)), scimToken: TOKEN, adminToken: ADMIN_TOKEN, host: '127.0.0.1', port: 0, logger: silentLogger,
      provider: 'Okta', pbkdf2Iterations: 1000, cryptRounds: 5000, hashRetentionMs: 86_400_000, heartbeatMs: 15_000,
      tls: { cert: first.cert, key: first.key }, limits: { tlsHandshakeTimeoutMs: 300 },
    });
    inProcess.push(d);
    const socket = net.connect(Number(new URL(d.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    const opened = performance.now();
    await new Promise((resolve) => socket.on('close', resolve));
    expect(performance.now() - opened).toBeLessThan(1500);
  });
});

describe('behind a TLS proxy', () => {
  async function startBehindProxy(): Promise<RunningDirectory> {
    const dir = tempDir();
    const d = await startInProcess({
      ...(await storeFor(dir)), scimToken: TOKEN, adminToken: ADMIN_TOKEN, host: '127.0.0.1', port: 0, logger: silentLogger,
      provider: 'Okta', pbkdf2Iterations: 1000, cryptRounds: 5000, hashRetentionMs: 86_400_000, heartbeatMs: 15_000,
      // The proxy's address: 127.0.0.2 (this test connects from it); 127.0.0.1 plays someone going around it.
      trustedProxies: ['127.0.0.2'], publicUrl: 'https://directory.example.com',
    });
    inProcess.push(d);
    return d;
  }

  function rawRequest(url: string, from: string, headers: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect({ port: Number(new URL(url).port), host: '127.0.0.1', localAddress: from });
      let text = '';
      socket.on('data', (c) => (text += c.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
      socket.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: directory.example.com\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/scim+json\r\nConnection: close\r\n${headers}`);
    });
  }

  it('serves the proxy when it says the client came over https, and uses the public URL', async () => {
    const d = await startBehindProxy();
    const body = JSON.stringify(oktaUser('proxied@example.com'));
    const reply = await rawRequest(d.url, '127.0.0.2', `X-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.9\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(reply).toMatch(/^HTTP\/1\.1 201/);
    expect(reply).toMatch(/\r\nlocation: https:\/\/directory\.example\.com\/scim\/v2\/Users\//i);
  });

  it('refuses what reached the proxy in plain text', async () => {
    const d = await startBehindProxy();
    const reply = await rawRequest(d.url, '127.0.0.2', 'X-Forwarded-Proto: http\r\nContent-Length: 2\r\n\r\n{}');
    expect(reply).toMatch(/^HTTP\/1\.1 403/);
    expect(reply).toContain('This directory is served over https only, through its TLS proxy.');
  });

  it('lets nobody but the proxy connect, whatever headers they send', async () => {
    const d = await startBehindProxy();
    const body = JSON.stringify(oktaUser('around@example.com'));
    const reply = await rawRequest(d.url, '127.0.0.1', `X-Forwarded-Proto: https\r\nX-Forwarded-For: 127.0.0.2\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(reply).toBe('');
    expect(await d.context.store.q.userByName('around@example.com')).toBeUndefined();
  });
});
