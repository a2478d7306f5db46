/**
 * The support console's tests: a real directory in this process (so a test may hold its
 * clock), a browser-like client with a cookie jar that sends the CSRF token the way the
 * console's page does, and devices speaking the real device API (enrol, check in, hold
 * the event stream, report).
 */
import path from 'node:path';
import { CSRF_HEADER, type Session } from '@pwsync/console-contract';
import { type RunningDirectory, startDirectory } from '@pwsync/directory/server';
import type { ConsoleOptions } from '@pwsync/directory/console/console-api';
import { ADMIN_TOKEN, TOKEN, type Reply, admin, call, oktaUser, openEvents, tempDir, writeTokenFiles } from './directory-harness';
import { type RecordingLogger, recordingLogger } from './recording-logger';

export { ADMIN_TOKEN, TOKEN };

/** Test passwords of console accounts: searched for in every log and in the audit log. */
export const ADMIN_PASSWORD = 'console-admin-pass-7Hq2vX9m';
export const SUPPORT_PASSWORD = 'console-support-pass-K4w8zR1t';

export interface ConsoleDirectory {
  url: string;
  directory: RunningDirectory;
  logger: RecordingLogger;
  dir: string;
  /** The directory's clock, when the test holds it. */
  clock: { now: number };
  close(): Promise<void>;
}

export async function startConsoleDirectory(options: { console?: ConsoleOptions; heldClock?: boolean } = {}): Promise<ConsoleDirectory> {
  const dir = tempDir();
  writeTokenFiles(dir);
  const logger = recordingLogger();
  const clock = { now: Date.now() };
  const directory = await startDirectory({
    database: { engine: 'sqlite', file: path.join(dir, 'directory.db') },
    scimToken: TOKEN,
    adminToken: ADMIN_TOKEN,
    host: '127.0.0.1',
    port: 0,
    logger,
    provider: 'Okta',
    pbkdf2Iterations: 1000,
    cryptRounds: 5000,
    hashRetentionMs: 30 * 24 * 3600_000,
    heartbeatMs: 200,
    console: { passwordCost: { ln: 10, r: 8, p: 1 }, ...options.console },
    ...(options.heldClock ? { now: () => new Date(clock.now) } : {}),
  } as Parameters<typeof startDirectory>[0]);
  return { url: directory.url, directory, logger, dir, clock, close: () => directory.close() };
}

/** A browser, as far as the console needs one: cookies per host, redirects followed by hand, the CSRF header on changes. */
export class ConsoleBrowser {
  readonly jar = new Map<string, Map<string, string>>();
  csrf: string | undefined;

  constructor(readonly base: string) {}

  private cookieHeader(url: URL): string | undefined {
    const cookies = this.jar.get(url.host);
    return cookies?.size ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  /** Keeps (or, when expired or emptied, drops) each cookie the answer sets; returns the raw Set-Cookie lines. */
  private keep(url: URL, headers: Headers): string[] {
    const lines = headers.getSetCookie();
    for (const line of lines) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const cookies = this.jar.get(url.host) ?? new Map<string, string>();
      this.jar.set(url.host, cookies);
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return lines;
  }

  async fetch(target: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<Reply & { setCookies: string[] }> {
    const url = new URL(target, this.base);
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (method !== 'GET' && init.csrf !== false && this.csrf) headers[CSRF_HEADER] = this.csrf;
    const response = await fetch(url, { method, headers, body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body), redirect: 'manual' });
    const setCookies = this.keep(url, response.headers);
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text, setCookies };
  }

  api(method: string, target: string, body?: unknown, extra: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    return this.fetch(target, { method, body, ...extra });
  }

  async signInLocal(userName: string, password: string): Promise<Session> {
    const reply = await this.api('POST', '/console/api/sign-in/local', { userName, password });
    if (reply.status !== 200) throw new Error(`sign-in failed: ${reply.status} ${reply.text}`);
    this.csrf = (reply.body as Session).csrfToken;
    return reply.body as Session;
  }

  /** The whole round trip through the identity provider, as a browser follows it; the last answer (back at the console). */
  async signInOidc(returnTo?: string): Promise<{ location: string; hops: string[] }> {
    let next = `/console/auth/oidc${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`;
    const hops: string[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await this.fetch(next);
      const location = reply.headers.get('location');
      if (reply.status < 300 || reply.status >= 400 || !location) throw new Error(`sign-in stopped at ${next}: ${reply.status} ${reply.text}`);
      const resolved = new URL(location, new URL(next, this.base)).href;
      hops.push(resolved);
      if (resolved.startsWith(this.base) && !resolved.startsWith(`${this.base}/console/auth/`)) {
        const session = await this.api('GET', '/console/api/session');
        if (session.status === 200) this.csrf = (session.body as Session).csrfToken;
        return { location: resolved, hops };
      }
      next = resolved;
    }
    throw new Error('too many redirects');
  }
}

/** Makes an admin console account through the admin API (the automation token's one way in) and signs it in. */
export async function adminBrowser(url: string, userName = 'ada-admin', password = ADMIN_PASSWORD): Promise<ConsoleBrowser> {
  const made = await admin(url, 'POST', '/console-accounts', { userName, displayName: 'Ada Admin', role: 'admin', password });
  if (made.status !== 201) throw new Error(`could not make the admin account: ${made.status} ${made.text}`);
  const browser = new ConsoleBrowser(url);
  await browser.signInLocal(userName, password);
  return browser;
}

export async function supportBrowser(url: string, by: ConsoleBrowser, userName = 'sam-support', password = SUPPORT_PASSWORD): Promise<ConsoleBrowser> {
  const made = await by.api('POST', '/console/api/accounts', { userName, displayName: 'Sam Support', role: 'support', password });
  if (made.status !== 201) throw new Error(`could not make the support account: ${made.status} ${made.text}`);
  const browser = new ConsoleBrowser(url);
  await browser.signInLocal(userName, password);
  return browser;
}

export interface TestDevice {
  deviceId: string;
  token: string;
  platform: 'darwin' | 'linux' | 'win32';
}

/** A person at the identity provider (SCIM), with names and an email the console searches. */
export async function addPerson(url: string, userName: string, extra: Record<string, unknown> = {}, password?: string): Promise<string> {
  const reply = await call(url, 'POST', '/scim/v2/Users', { ...oktaUser(userName, password), ...extra });
  if (reply.status !== 201) throw new Error(`could not add ${userName}: ${reply.status} ${reply.text}`);
  return (reply.body as { id: string }).id;
}

export async function setPassword(url: string, userId: string, password: string): Promise<void> {
  const reply = await call(url, 'PATCH', `/scim/v2/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'password', value: password }] });
  if (reply.status !== 200) throw new Error(`could not set the password: ${reply.status} ${reply.text}`);
}

/** Enrols a device for the person with a code the admin API makes, as an agent does. */
export async function enrolDevice(url: string, userName: string, platform: TestDevice['platform'], deviceName = `${userName}'s ${platform}`): Promise<TestDevice> {
  const code = await admin(url, 'POST', '/enrolment-codes', { userName });
  const enrolled = await call(url, 'POST', '/api/v1/device/enrol', { code: code.body.code, deviceName, platform }, {}, null);
  if (enrolled.status !== 201) throw new Error(`enrolment failed: ${enrolled.status} ${enrolled.text}`);
  return { deviceId: enrolled.body.deviceId, token: enrolled.body.deviceToken, platform };
}

export function checkIn(url: string, device: TestDevice): Promise<Reply> {
  return call(url, 'GET', '/api/v1/device/checkin', undefined, {}, device.token);
}

export function report(url: string, device: TestDevice, changeId: string, outcome: 'synced' | 'failed', failedStep: string | null = null, reason: string | null = null): Promise<Reply> {
  return call(url, 'POST', '/api/v1/device/results', { changeId, outcome, failedStep, reason, at: new Date().toISOString() }, {}, device.token);
}

export { openEvents };

/** Reads a console event stream: resolves each named event as it arrives. */
export async function openConsoleEvents(browser: ConsoleBrowser, userName: string) {
  const url = new URL(`/console/api/events?userName=${encodeURIComponent(userName)}`, browser.base);
  const controller = new AbortController();
  const cookie = [...(browser.jar.get(url.host) ?? [])].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  const events: Array<{ event: string; data: unknown; at: number }> = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  void (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
          for (const w of waiters.splice(0)) w();
        }
      }
    } catch {
      // aborted
    }
    ended = true;
    for (const w of waiters.splice(0)) w();
  })();
  return {
    status: response.status,
    headers: response.headers,
    events,
    get ended() {
      return ended;
    },
    /** The next event matching, among those after `from` (an index into events). */
    async next(match: (e: { event: string; data: unknown }) => boolean, from = 0, timeoutMs = 3000): Promise<{ event: string; data: unknown; at: number }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found;
        if (ended) throw new Error(`the stream ended; events: ${events.map((e) => e.event).join(', ')}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no such event within ${timeoutMs} ms; events: ${events.map((e) => e.event).join(', ')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => controller.abort(),
  };
}

/**
 * A real agent (sandbox backend, in this process) enrolled at the directory as `device`,
 * holding its event stream and reporting its results: for the states only an agent
 * makes (a step that fails, with the backend's own reason).
 */
export async function connectSandboxAgent(url: string, device: TestDevice, passwords: { previous: string; next: string }) {
  const { startHarness } = await import('./agent-harness');
  const { DirectoryClient } = await import('@pwsync/agent/directory-client');
  const { connectDirectory } = await import('@pwsync/agent/directory-sync');
  const { silentLogger } = await import('@pwsync/node-kit/log');
  const harness = await startHarness(passwords);
  // The harness seeds a local change; with a directory, changes come from it instead.
  await harness.service.withdrawChange();
  const client = new DirectoryClient({ url, deviceToken: device.token, logger: silentLogger, intervalMs: 60_000 });
  connectDirectory(harness.service, client, silentLogger);
  client.start();
  return {
    harness,
    stop: async () => {
      client.stop();
      await harness.remove();
    },
  };
}
