/**
 * Signing in to the support console: local accounts (scrypt, limits on tries), OpenID
 * Connect against a real provider (oidc-provider) with the role from the groups claim,
 * the session cookie's flags, idle and absolute expiry on a held clock, sign-out, and the
 * automation token refused at the console while it keeps working for /api/v1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '@pwsync/console-contract';
import { ADMIN_PASSWORD, ADMIN_TOKEN, ConsoleBrowser, type ConsoleDirectory, adminBrowser, startConsoleDirectory, supportBrowser } from '@pwsync/testing/console-harness';
import { OIDC_CLIENT_SECRET, type RunningProvider, startOidcProvider } from '@pwsync/testing/oidc-provider';
import { admin, call } from '@pwsync/testing/directory-harness';

let directory: ConsoleDirectory | undefined;
let provider: RunningProvider | undefined;
afterEach(async () => {
  await directory?.close();
  await provider?.close();
  directory = provider = undefined;
});

describe('local console accounts', () => {
  it('sign in with a password kept as scrypt, in an HttpOnly, Secure, SameSite=Strict cookie', async () => {
    directory = await startConsoleDirectory();
    const made = await admin(directory.url, 'POST', '/console-accounts', { userName: 'ada-admin', displayName: 'Ada Admin', role: 'admin', password: ADMIN_PASSWORD });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ userName: 'ada-admin', role: 'admin', via: 'local', disabled: false });
    expect(JSON.stringify(made.body)).not.toContain('scrypt');

    const browser = new ConsoleBrowser(directory.url);
    const reply = await browser.api('POST', '/console/api/sign-in/local', { userName: 'Ada-Admin', password: ADMIN_PASSWORD });
    expect(reply.status).toBe(200);
    const session = Session.parse(reply.body);
    expect(session.account).toMatchObject({ userName: 'ada-admin', role: 'admin', via: 'local' });
    expect(reply.setCookies).toHaveLength(1);
    const cookie = reply.setCookies[0]!;
    expect(cookie).toMatch(/^pwsync-console=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    // The cookie is the session; the database holds only its hash.
    expect((await browser.api('GET', '/console/api/session')).status).toBe(200);
    expect((await new ConsoleBrowser(directory.url).api('GET', '/console/api/session')).body).toMatchObject({ code: 'signedOut' });
  });

  it('refuses a wrong password with the same answer as an unknown name, and locks the account after five', async () => {
    directory = await startConsoleDirectory();
    await adminBrowser(directory.url);
    const browser = new ConsoleBrowser(directory.url);
    const unknown = await browser.api('POST', '/console/api/sign-in/local', { userName: 'nobody', password: 'wrong-password-123' });
    const wrong = await browser.api('POST', '/console/api/sign-in/local', { userName: 'ada-admin', password: 'wrong-password-123' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body).toMatchObject({ code: 'badCredentials' });
    for (let i = 0; i < 4; i++) await browser.api('POST', '/console/api/sign-in/local', { userName: 'ada-admin', password: 'wrong-password-123' });
    // Locked now: the right password waits too.
    const locked = await browser.api('POST', '/console/api/sign-in/local', { userName: 'ada-admin', password: ADMIN_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'tooManyTries' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('limits the tries from one address whatever the names', async () => {
    directory = await startConsoleDirectory();
    const browser = new ConsoleBrowser(directory.url);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await browser.api('POST', '/console/api/sign-in/local', { userName: `guess${i}`, password: 'guess-password-1' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('refuses a sign-in posted from another site', async () => {
    directory = await startConsoleDirectory();
    await adminBrowser(directory.url);
    const reply = await new ConsoleBrowser(directory.url).api('POST', '/console/api/sign-in/local', { userName: 'ada-admin', password: ADMIN_PASSWORD }, { headers: { origin: 'https://evil.example' } });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ code: 'csrf' });
  });
});

describe('the automation token', () => {
  it('keeps working for the admin API and is refused at the console, as a bearer and as a password', async () => {
    directory = await startConsoleDirectory();
    await adminBrowser(directory.url);
    expect((await admin(directory.url, 'GET', '/enrolment-codes')).status).toBe(200);
    const asBearer = await call(directory.url, 'GET', '/console/api/people', undefined, {}, ADMIN_TOKEN);
    expect(asBearer.status).toBe(401);
    expect(asBearer.body).toMatchObject({ code: 'tokenNotAccepted' });
    const signIn = await call(directory.url, 'POST', '/console/api/sign-in/local', { userName: 'ada-admin', password: ADMIN_TOKEN }, { 'content-type': 'application/json' }, ADMIN_TOKEN);
    expect(signIn.status).toBe(401);
    const asPassword = await new ConsoleBrowser(directory.url).api('POST', '/console/api/sign-in/local', { userName: 'admin', password: ADMIN_TOKEN });
    expect(asPassword.status).toBe(401);
    expect(asPassword.body).toMatchObject({ code: 'badCredentials' });
    // And the other way round: an admin's console session is no credential for the admin API, SCIM or the device API.
    const browser = new ConsoleBrowser(directory.url);
    await browser.signInLocal('ada-admin', ADMIN_PASSWORD);
    for (const path of ['/api/v1/enrolment-codes', '/scim/v2/Users', '/api/v1/device/checkin']) expect((await browser.api('GET', path)).status, path).toBe(401);
  });
});

describe('sessions', () => {
  it('end after the idle timeout and after the absolute lifetime, by the directory\'s clock', async () => {
    directory = await startConsoleDirectory({ heldClock: true, console: { sessions: { idleTimeoutMs: 10 * 60_000, lifetimeMs: 60 * 60_000 } } });
    const browser = await adminBrowser(directory.url);
    // Active every 9 minutes: alive past the idle timeout…
    for (let i = 0; i < 6; i++) {
      directory.clock.now += 9 * 60_000;
      expect((await browser.api('GET', '/console/api/people')).status).toBe(200);
    }
    // …but not past the absolute lifetime (54 minutes so far, then 7 more).
    directory.clock.now += 7 * 60_000;
    const expired = await browser.api('GET', '/console/api/people');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'signedOut' });

    const again = new ConsoleBrowser(directory.url);
    await again.signInLocal('ada-admin', ADMIN_PASSWORD);
    directory.clock.now += 10 * 60_000 + 1;
    expect((await again.api('GET', '/console/api/session')).status).toBe(401);
  });

  it('end at sign-out, and a removed cookie signs nobody in', async () => {
    directory = await startConsoleDirectory();
    const browser = await adminBrowser(directory.url);
    const cookies = new Map(browser.jar);
    const out = await browser.api('DELETE', '/console/api/session');
    expect(out.status).toBe(204);
    expect(out.setCookies[0]).toMatch(/pwsync-console=;/);
    // The old cookie, replayed, is no session any more.
    const replay = new ConsoleBrowser(directory.url);
    for (const [host, jar] of cookies) replay.jar.set(host, new Map(jar));
    expect((await replay.api('GET', '/console/api/session')).status).toBe(401);
  });

  it('end when the account is disabled', async () => {
    directory = await startConsoleDirectory();
    const adminB = await adminBrowser(directory.url);
    const support = await supportBrowser(directory.url, adminB);
    const accounts = await adminB.api('GET', '/console/api/accounts');
    const sam = (accounts.body as { accounts: Array<{ id: string; userName: string }> }).accounts.find((a) => a.userName === 'sam-support')!;
    expect((await adminB.api('PATCH', `/console/api/accounts/${sam.id}`, { disabled: true })).status).toBe(200);
    expect((await support.api('GET', '/console/api/people')).status).toBe(401);
  });
});

describe('OpenID Connect', () => {
  async function withProvider(groups: Record<string, string[]>) {
    // The directory's address is known once it listens; the provider needs the redirect URI first.
    directory = await startConsoleDirectory();
    const redirect = `${directory.url}/console/auth/callback`;
    await directory.close();
    provider = await startOidcProvider(
      redirect,
      Object.entries(groups).map(([sub, g]) => ({ sub, preferred_username: `${sub}@example.com`, name: `${sub[0]!.toUpperCase()}${sub.slice(1)} Example`, email: `${sub}@example.com`, groups: g })),
    );
    const port = Number(new URL(directory.url).port);
    directory = await startConsoleDirectoryOn(port, provider);
  }

  async function startConsoleDirectoryOn(port: number, p: RunningProvider): Promise<ConsoleDirectory> {
    const { startDirectory } = await import('@pwsync/directory/server');
    const { recordingLogger } = await import('@pwsync/testing/recording-logger');
    const { tempDir } = await import('@pwsync/testing/directory-harness');
    const logger = recordingLogger();
    const dir = tempDir();
    const running = await startDirectory({
      dbFile: `${dir}/directory.db`,
      scimToken: 'scim-test-token-4f1c9a7b2e',
      adminToken: ADMIN_TOKEN,
      host: '127.0.0.1',
      port,
      logger,
      provider: 'Okta',
      pbkdf2Iterations: 1000,
      cryptRounds: 5000,
      hashRetentionMs: 30 * 24 * 3600_000,
      heartbeatMs: 1000,
      console: {
        oidc: { issuer: p.issuer, clientId: p.clientId, clientSecret: OIDC_CLIENT_SECRET, name: 'Okta', roleClaim: 'groups', adminValues: ['pwsync-admins'], supportValues: ['helpdesk'] },
      },
    });
    return { url: running.url, directory: running, logger, dir, clock: { now: 0 }, close: () => running.close() };
  }

  it('signs a person in with the authorization code flow, PKCE, state and nonce, with the role from their groups', async () => {
    await withProvider({ grace: ['helpdesk'], alan: ['pwsync-admins', 'helpdesk'] });
    const methods = await new ConsoleBrowser(directory!.url).api('GET', '/console/api/sign-in');
    expect(methods.body).toEqual({ oidc: { name: 'Okta' }, local: true });

    provider!.signInAs = 'grace';
    const grace = new ConsoleBrowser(directory!.url);
    const done = await grace.signInOidc('/console/#/people/ada');
    expect(done.location).toBe(`${directory!.url}/console/#/people/ada`);
    expect(done.hops[0]).toMatch(new RegExp(`^${provider!.issuer}/auth\\?`));
    expect(provider!.authorizations.at(-1)).toMatchObject({ codeChallengeMethod: 'S256', hasState: true, hasNonce: true });
    const session = Session.parse((await grace.api('GET', '/console/api/session')).body);
    expect(session.account).toMatchObject({ userName: 'grace@example.com', displayName: 'Grace Example', role: 'support', via: 'oidc' });
    expect((await grace.api('GET', '/console/api/enrolment-codes')).status).toBe(403);

    provider!.signInAs = 'alan';
    const alan = new ConsoleBrowser(directory!.url);
    await alan.signInOidc();
    expect(Session.parse((await alan.api('GET', '/console/api/session')).body).account.role).toBe('admin');
    expect((await alan.api('GET', '/console/api/enrolment-codes')).status).toBe(200);
  });

  it('takes the role anew at each sign-in, and refuses a person without a console group', async () => {
    await withProvider({ grace: ['helpdesk'], eve: ['marketing'] });
    provider!.signInAs = 'eve';
    const eve = new ConsoleBrowser(directory!.url);
    const refused = await eve.signInOidc();
    expect(refused.location).toBe(`${directory!.url}/console/?signInError=noRole`);
    expect((await eve.api('GET', '/console/api/session')).status).toBe(401);

    provider!.signInAs = 'grace';
    const grace = new ConsoleBrowser(directory!.url);
    await grace.signInOidc();
    provider!.people.get('grace')!.groups = ['pwsync-admins'];
    const again = new ConsoleBrowser(directory!.url);
    await again.signInOidc();
    expect(Session.parse((await again.api('GET', '/console/api/session')).body).account.role).toBe('admin');
    const accounts = await again.api('GET', '/console/api/accounts');
    expect((accounts.body as { accounts: unknown[] }).accounts).toHaveLength(1);
  });

  it('refuses a callback whose state it did not make, or that was used once already', async () => {
    await withProvider({ grace: ['helpdesk'] });
    const forged = await new ConsoleBrowser(directory!.url).fetch('/console/auth/callback?code=abc&state=made-up-state');
    expect(forged.status).toBe(302);
    expect(forged.headers.get('location')).toBe('/console/?signInError=signInFailed');

    // Replay the provider's real answer: the state is good once.
    const browser = new ConsoleBrowser(directory!.url);
    const done = await browser.signInOidc();
    const callback = done.hops.find((h) => h.includes('/console/auth/callback'))!;
    const replayed = await new ConsoleBrowser(directory!.url).fetch(callback);
    expect(replayed.headers.get('location')).toBe('/console/?signInError=signInFailed');
  });
});
