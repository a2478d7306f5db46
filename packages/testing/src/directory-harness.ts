/**
 * Runs the real directory CLI (under tsx) on 127.0.0.1 with port 0, and talks to it
 * as Okta and as agents do. Every byte the process prints is kept, so tests can
 * search the output for the test passwords.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TOKEN = 'scim-test-token-4f1c9a7b2e';
export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Directory {
  url: string;
  dir: string;
  dbFile: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(): string {
  return mkdtempSync(path.join('/tmp', 'pwsd-'));
}

/** `dir` reuses a folder (and its database) from an earlier run. */
export async function startDirectory(dir = tempDir(), extra: string[] = []): Promise<Directory> {
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const dbFile = path.join(dir, 'directory.db');
  const args = ['--import', 'tsx', path.join(ROOT, 'packages/directory/src/cli.ts'), '--listen', '127.0.0.1:0', '--db', dbFile, '--token-file', tokenFile, '--pbkdf2-iterations', '1000', '--log-level', 'debug', ...extra];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', () => reject(new Error(`the directory exited: ${output}`)));
  });
  return {
    url,
    dir,
    dbFile,
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read any field
  text: string;
}

export async function call(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}, token: string | null = TOKEN): Promise<Reply> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/scim+json; charset=utf-8' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the test reads `text`
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** A user as Okta's SCIM 2.0 reference creates one (POST /Users). */
export function oktaUser(userName: string, password?: string): Record<string, unknown> {
  return {
    schemas: [CORE],
    userName,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: `00u${Math.random().toString(36).slice(2, 12)}`,
    groups: [],
    ...(password !== undefined ? { password } : {}),
    active: true,
  };
}

/** Okta's PATCH forms: a replace with a value object and no path. */
export function oktaReplace(value: Record<string, unknown>): Record<string, unknown> {
  return { schemas: [PATCH_OP], Operations: [{ op: 'replace', value }] };
}

export interface EventStream {
  events: Array<{ event: string; data: any; at: number }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  next(event?: string, timeoutMs?: number): Promise<{ event: string; data: any; at: number }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): void;
}

/** An agent's event stream, parsed as Server-Sent Events. */
export async function openEvents(base: string, deviceToken: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/v1/device/events`, { headers: { authorization: `Bearer ${deviceToken}` }, signal: controller.signal });
  if (response.status !== 200) throw new Error(`events: ${response.status}`);
  const events: EventStream['events'] = [];
  let read = 0;
  let wake: (() => void) | undefined;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: data ? JSON.parse(data) : undefined, at: performance.now() });
          wake?.();
        }
      }
    } catch {
      // aborted or the server went away
    }
    wake?.();
  })();
  return {
    events,
    async next(event, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        while (read < events.length) {
          const e = events[read++]!;
          if (!event || e.event === event) return e;
        }
        if (Date.now() > until) throw new Error(`no ${event ?? 'event'} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}

export async function enrol(base: string, userName: string, deviceName = 'MacBook', platform = 'darwin'): Promise<{ deviceId: string; deviceToken: string }> {
  const reply = await call(base, 'POST', '/api/v1/devices', { userName, deviceName, platform });
  if (reply.status !== 201) throw new Error(`enrol: ${reply.status} ${reply.text}`);
  return reply.body as { deviceId: string; deviceToken: string };
}
