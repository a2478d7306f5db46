/**
 * Runs the real directory CLI (under tsx) on 127.0.0.1 with port 0, and talks to it
 * as Okta, as the administrator and as agents do, over plain HTTP or (given a CA) TLS.
 * Every byte the process prints is kept, so tests can search the output for the test
 * passwords and tokens.
 *
 * On SQLite by default; with PWSYNC_TEST_ENGINE=postgres (the vitest project
 * `directory-postgres`), each directory folder gets a PostgreSQL database of its own on
 * the run's throw-away server, named in the folder's `database.url` (0600), so a
 * directory restarted on the same folder finds the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type PostgresServer, createDatabase, databaseBytes, writeUrlFile } from './postgres';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The identity provider's SCIM token. */
export const TOKEN = 'scim-test-token-4f1c9a7b2e';
export const ADMIN_TOKEN = 'admin-test-token-9d3e57c1aa';
export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type Engine = 'sqlite' | 'postgres';
/** The engine this test run's directories use. */
export const ENGINE: Engine = process.env.PWSYNC_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

export interface Directory {
  url: string;
  dir: string;
  /** The SQLite file (on SQLite). */
  dbFile: string;
  /** The PostgreSQL database's name (on PostgreSQL). */
  database?: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(): string {
  return mkdtempSync(path.join('/tmp', 'pwsd-'));
}

/** Writes the two token files into `dir` (0600) and returns their paths. */
export function writeTokenFiles(dir: string): { scim: string; admin: string } {
  const files = { scim: path.join(dir, 'scim.token'), admin: path.join(dir, 'admin.token') };
  writeFileSync(files.scim, `${TOKEN}\n`, { mode: 0o600 });
  writeFileSync(files.admin, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  return files;
}

/** This run's PostgreSQL server (vitest project `directory-postgres`). */
export async function testPostgres(): Promise<PostgresServer> {
  const { inject } = await import('vitest');
  return inject('postgres');
}

/**
 * Where the directory in `dir` keeps its data: the SQLite file, or on PostgreSQL a
 * database made for this folder (once; `database.url` names it afterwards).
 */
export async function databaseFor(dir: string): Promise<{ args: string[]; dbFile: string; database?: string; urlFile?: string }> {
  const dbFile = path.join(dir, 'directory.db');
  if (ENGINE === 'sqlite') return { args: ['--db', dbFile], dbFile };
  const urlFile = path.join(dir, 'database.url');
  if (!existsSync(urlFile)) writeUrlFile(await createDatabase(await testPostgres()), urlFile);
  const database = new URL(readFileSync(urlFile, 'utf8').trim()).pathname.slice(1);
  return { args: ['--database-url-file', urlFile], dbFile, database, urlFile };
}

/** For a directory started in-process: the store config for `dir`, on this run's engine. */
export async function storeFor(dir: string): Promise<{ dbFile: string } | { database: { engine: 'postgres'; url: string } }> {
  const found = await databaseFor(dir);
  return found.urlFile ? { database: { engine: 'postgres', url: readFileSync(found.urlFile, 'utf8').trim() } } : { dbFile: found.dbFile };
}

/**
 * Every byte the directory's database holds on disk now: on SQLite its file, WAL and
 * shared memory; on PostgreSQL its tables' and indexes' files after a CHECKPOINT.
 */
export async function storedBytes(directory: { dbFile: string; database?: string }): Promise<string> {
  if (directory.database) return databaseBytes(await testPostgres(), directory.database);
  return [directory.dbFile, `${directory.dbFile}-wal`, `${directory.dbFile}-shm`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

/** The directory's CLI flags for a test run: fast hashes, debug logs; `extra` adds or overrides. */
export function directoryArgs(dir: string, extra: string[] = [], database = ['--db', path.join(dir, 'directory.db')]): string[] {
  const tokens = writeTokenFiles(dir);
  return [
    path.join(ROOT, 'packages/directory/src/cli.ts'), '--listen', '127.0.0.1:0', ...database,
    '--scim-token-file', tokens.scim, '--admin-token-file', tokens.admin, '--pbkdf2-iterations', '1000', '--crypt-rounds', '5000', '--log-level', 'debug', ...extra,
  ];
}

/** `dir` reuses a folder (and its database) from an earlier run; `extra` may name a database of its own. */
export async function startDirectory(dir = tempDir(), extra: string[] = []): Promise<Directory> {
  const named = extra.some((flag) => ['--db', '--database', '--database-url-file'].includes(flag));
  const { args, dbFile, database } = named ? { args: [], dbFile: path.join(dir, 'directory.db'), database: undefined } : await databaseFor(dir);
  const child = spawn(process.execPath, ['--import', 'tsx', ...directoryArgs(dir, extra, args)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
    ...(database ? { database } : {}),
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

/** The CA a test's https directory is signed by (see tls-fixtures.ts); plain http needs none. */
export interface TlsTrust {
  ca: string;
}

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined; // not JSON: the test reads `text`
  }
}

/** Checks the certificate against the URL's host, never a Host header a test forges (SNI only for names: RFC 6066). */
function serverIdentity(hostname: string): { servername?: string; checkServerIdentity: (host: string, cert: tls.PeerCertificate) => Error | undefined } {
  const name = hostname.replace(/^\[|\]$/g, '');
  return { ...(isIP(name) ? {} : { servername: name }), checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert) };
}

/** Over https, node:https with the test's CA (fetch cannot be given one); over http, fetch as clients use it. */
function httpsCall(target: URL, method: string, headers: Record<string, string>, body: string | undefined, trust: TlsTrust): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = https.request(target, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, ca: trust.ca, ...serverIdentity(target.hostname), agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) replyHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        resolve({ status: response.statusCode ?? 0, headers: replyHeaders, body: parsed(text), text });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

export async function call(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}, token: string | null = TOKEN, trust?: TlsTrust): Promise<Reply> {
  const allHeaders: Record<string, string> = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(body !== undefined ? { 'content-type': 'application/scim+json; charset=utf-8' } : {}),
    ...headers,
  };
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (base.startsWith('https:')) {
    if (!trust) throw new Error('an https directory needs the test CA: pass it as `trust`');
    return httpsCall(new URL(`${base}${url}`), method, allHeaders, text, trust);
  }
  const response = await fetch(`${base}${url}`, { method, headers: allHeaders, body: text });
  const replyText = await response.text();
  return { status: response.status, headers: response.headers, body: parsed(replyText), text: replyText };
}

/** A call with the admin token. */
export function admin(base: string, method: string, url: string, body?: unknown, trust?: TlsTrust): Promise<Reply> {
  return call(base, method, `/api/v1${url}`, body, {}, ADMIN_TOKEN, trust);
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
  /** The directory ended the stream (or the connection went). */
  readonly ended: boolean;
  next(event?: string, timeoutMs?: number): Promise<{ event: string; data: any; at: number }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): void;
}

/** An agent's event stream, parsed as Server-Sent Events (over https with the test's CA). */
export async function openEvents(base: string, deviceToken: string, trust?: TlsTrust): Promise<EventStream & { socket(): import('node:net').Socket | undefined }> {
  const target = new URL(`${base}/api/v1/device/events`);
  const events: EventStream['events'] = [];
  let read = 0;
  let wake: (() => void) | undefined;
  const options = { headers: { authorization: `Bearer ${deviceToken}` }, agent: false as const, ...(trust ? { ca: trust.ca } : {}) };
  const request = (target.protocol === 'https:' ? https : http).get(target, options);
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  if (response.statusCode !== 200) {
    response.resume();
    throw new Error(`events: ${response.statusCode}`);
  }
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event) events.push({ event, data: data ? JSON.parse(data) : undefined, at: performance.now() });
      wake?.();
    }
  });
  let ended = false;
  const finish = () => {
    ended = true;
    wake?.();
  };
  response.on('end', finish);
  response.on('close', finish);
  response.on('error', finish);
  return {
    events,
    get ended() {
      return ended;
    },
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
    close: () => request.destroy(),
    socket: () => request.socket ?? undefined,
  };
}

export interface EnrolmentCode {
  id: string;
  code: string;
  usesLeft: number;
  expiresAt: string;
  state: string;
}

/** An enrolment code for `userName`, made as an administrator makes one. */
export async function createCode(base: string, userName: string, options: { uses?: number; expiresAt?: string; label?: string } = {}, trust?: TlsTrust): Promise<EnrolmentCode> {
  const reply = await admin(base, 'POST', '/enrolment-codes', { userName, ...options }, trust);
  if (reply.status !== 201) throw new Error(`enrolment code: ${reply.status} ${reply.text}`);
  return reply.body as EnrolmentCode;
}

/** A device exchanging its code, as an agent does. */
export function exchangeCode(base: string, code: string, deviceName = 'MacBook', platform = 'darwin', trust?: TlsTrust): Promise<Reply> {
  return call(base, 'POST', '/api/v1/device/enrol', { code, deviceName, platform }, {}, null, trust);
}

/** Enrols a device for `userName` the one way there is: a single-use code from the administrator, exchanged by the device. */
export async function enrol(base: string, userName: string, deviceName = 'MacBook', platform = 'darwin', trust?: TlsTrust): Promise<{ deviceId: string; deviceToken: string }> {
  const { code } = await createCode(base, userName, {}, trust);
  const reply = await exchangeCode(base, code, deviceName, platform, trust);
  if (reply.status !== 201) throw new Error(`enrol: ${reply.status} ${reply.text}`);
  return reply.body as { deviceId: string; deviceToken: string };
}

export interface FollowedEvents {
  /** Every event of every connection, in the order they came. */
  events: Array<{ event: string; data: any; at: number }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** How many times the stream was opened. */
  readonly connections: number;
  /** A stream is open now (the directory has not ended the last one). */
  readonly open: boolean;
  /** Waits for an event after the `seen`-th one that `match` accepts. */
  until(match: (e: { event: string; data: any }) => boolean, timeoutMs?: number): Promise<{ event: string; data: any; at: number }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): void;
}

/**
 * An agent's event stream as the agent holds it: opened again `retryMs` after it ends
 * or cannot be opened (through a balancer, it may land on another instance).
 */
export function followEvents(base: string, deviceToken: string, retryMs = 100): FollowedEvents {
  const events: FollowedEvents['events'] = [];
  let stopped = false;
  let connections = 0;
  let current: EventStream | undefined;
  void (async () => {
    while (!stopped) {
      try {
        const stream = await openEvents(base, deviceToken);
        current = stream;
        connections += 1;
        while (!stopped) {
          const event = await stream.next(undefined, 200).catch(() => undefined);
          if (event) events.push(event);
          else if (stream.ended) break;
        }
        stream.close();
      } catch {
        // refused or reset: try again
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();
  return {
    events,
    get connections() {
      return connections;
    },
    get open() {
      return current !== undefined && !current.ended;
    },
    async until(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (let from = 0; ; ) {
        for (; from < events.length; from += 1) if (match(events[from]!)) return events[from]!;
        if (Date.now() > deadline) throw new Error(`no such event within ${timeoutMs} ms; had: ${events.map((e) => `${e.event} ${e.data?.change?.id ?? 'none'}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => {
      stopped = true;
      current?.close();
    },
  };
}
