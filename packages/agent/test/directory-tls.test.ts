/**
 * The agent and a directory over TLS, with a CA openssl makes in the test: the agent
 * pins that CA (--directory-ca), checks in and holds the event stream over https, and
 * a change pushed by the real directory is pending within a second. A certificate from
 * another CA, an expired one and one for another host name are refused, each with a
 * sentence that says what is wrong.
 */
import { rmSync } from 'node:fs';
import https from 'node:https';
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@pwsync/node-kit/logger';
import { DirectoryClient } from '../src/directory-client';
import { connectDirectory } from '../src/directory-sync';
import { type Harness, startHarness, statusUntil as until } from '@pwsync/testing/agent-harness';
import { ADMIN_TOKEN, type Directory, TOKEN, call, enrol, oktaReplace, oktaUser, startDirectory, tempDir } from '@pwsync/testing/directory-harness';
import { issue, makeCa } from '@pwsync/testing/tls-fixtures';

const pki = tempDir();
const ca = makeCa(pki);
const otherCa = makeCa(pki, 'other');
const good = issue(ca, pki, 'good');
const expired = issue(ca, pki, 'expired', { expired: true });
const elsewhere = issue(ca, pki, 'elsewhere', { hosts: ['directory.example.com'] });
const stranger = issue(otherCa, pki, 'stranger');

let directory: Directory | undefined;
let harness: Harness | undefined;
const clients: DirectoryClient[] = [];
const servers: https.Server[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  await harness?.remove();
  harness = undefined;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});
afterAll(async () => {
  await directory?.stop();
  for (const dir of [pki, directory?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function logged() {
  let text = '';
  const logger = createLogger({ name: 'pwsync-agent', level: 'debug', destination: new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) }) });
  return { logger, text: () => text };
}


/** An https server showing `cert` that answers everything with 200: what matters is whether the client gets that far. */
async function serving(cert: { cert: string; key: string }): Promise<string> {
  const server = https.createServer({ cert: cert.cert, key: cert.key }, (_request, response) => response.end('{}'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('the agent and a directory over TLS', () => {
  it('checks in and holds the event stream over https with the pinned CA; a change arrives within a second', async () => {
    directory = await startDirectory(undefined, ['--tls-cert', good.certFile, '--tls-key', good.keyFile]);
    const trust = { ca: ca.pem };
    const userId = (await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('agent-tls@example.com'), {}, TOKEN, trust)).body.id as string;
    const device = await enrol(directory.url, 'agent-tls@example.com', 'Mac', 'darwin', trust);
    harness = await startHarness({ previous: 'tls-prev 1', next: 'Tls-Next-Pass-2' });
    await harness.service.withdrawChange();
    const { logger, text } = logged();
    const client = new DirectoryClient({ url: directory.url, deviceToken: device.deviceToken, ca: ca.pem, logger });
    clients.push(client);
    connectDirectory(harness.service, client, logger);
    client.start();
    await until(harness, (s) => s.directory.state === 'online' && s.directory.lastCheckIn !== null);
    // The stream is open when the directory counts the device online.
    await expect.poll(async () => (await call(directory!.url, 'GET', '/api/v1/users/agent-tls@example.com/devices', undefined, {}, ADMIN_TOKEN, trust)).body.devices[0].online).toBe(true);
    const sent = performance.now();
    await call(directory.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Tls-Next-Pass-2' }), {}, TOKEN, trust);
    await until(harness, (s) => s.pendingChange !== null, 1000);
    expect(performance.now() - sent).toBeLessThan(1000);
    expect(text()).not.toContain('Tls-Next-Pass-2');
    expect(text()).not.toContain(device.deviceToken);
  });

  it.each([
    ['signed by another CA', () => stranger, "the directory's TLS certificate is not signed by a trusted CA"],
    ['expired', () => expired, "the directory's TLS certificate has expired or is not yet valid"],
    ['for another host name', () => elsewhere, "the directory's TLS certificate is not for this host name"],
  ])('refuses a certificate %s, saying so', async (_label, cert, message) => {
    const url = await serving(cert());
    const { logger, text } = logged();
    const client = new DirectoryClient({ url, deviceToken: 'a-device-token-for-tls', ca: ca.pem, logger });
    clients.push(client);
    expect(await client.checkIn()).toBeUndefined();
    expect(text()).toContain(`cannot check in: ${message}`);
    expect(text()).not.toContain('a-device-token-for-tls');
  });

  it('trusts only the pinned CA, not the certificate a stranger shows with a CA of its own', async () => {
    const url = await serving(stranger);
    const { logger, text } = logged();
    const pinned = new DirectoryClient({ url, deviceToken: 'a-device-token-for-tls', ca: ca.pem, logger });
    clients.push(pinned);
    expect(await pinned.checkIn()).toBeUndefined();
    const right = new DirectoryClient({ url, deviceToken: 'a-device-token-for-tls', ca: otherCa.pem, logger });
    clients.push(right);
    // The same server is accepted by a client that pins its CA: the refusal above was the pin.
    await right.checkIn();
    expect(text()).toContain('the directory sent an answer that does not match its API');
  });

  it('refuses a plain-http directory anywhere but on this computer', () => {
    const { logger } = logged();
    expect(() => new DirectoryClient({ url: 'http://directory.example.com', deviceToken: 'x', logger })).toThrow('must be https');
    expect(() => new DirectoryClient({ url: 'http://127.0.0.1:1', deviceToken: 'x', logger })).not.toThrow();
  });
});
