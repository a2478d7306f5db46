/**
 * The browser demo's host: serves the renderer on 127.0.0.1 and provides the same
 * bridge the preload gives Electron's window, over HTTP (calls, by their names in the
 * contract) and Server-Sent Events (pushes, named as in the contract), answered by the
 * same handlers and validated against the same contract as in main (core/bridge-calls.ts).
 * Used where no Electron binary is installed, and by the end-to-end tests in Chromium.
 *
 * Only this page may call it: requests must name this exact host (no DNS
 * rebinding), come from this origin, and carry the per-run token the page got in
 * its address's query (which the page takes out of the address bar at once, and
 * never sends in a Referer). The page's security headers are the tray app's own
 * (@pwsync/tray/core/security-headers), so both hosts serve it alike.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type AppState, type BridgeErrorCode, type EventName, type EventPayload, INVOKE_NAMES, type InvokeName } from '@pwsync/tray/contract';
import { answerCall, coreHandlers } from '@pwsync/tray/core/bridge-calls';
import type { Logger } from '@pwsync/node-kit/log';
import { SECURITY_HEADERS } from '@pwsync/tray/core/security-headers';
import type { TrayCore } from '@pwsync/tray/core/tray-core';

const MAX_BODY_BYTES = 16 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface DemoServerOptions {
  core: TrayCore;
  rendererDir: string;
  logger: Logger;
  port?: number;
  token?: string;
}

export interface DemoServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const token = Buffer.from(options.token ?? randomBytes(24).toString('base64url'));
  const streams = new Set<http.ServerResponse>();
  let host = '';

  const tokenMatches = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const candidate = Buffer.from(given);
    return candidate.length === token.length && timingSafeEqual(candidate, token);
  };

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    baseHeaders(response);
    if (request.headers.host !== host) return send(response, 421, { error: 'forbiddenSender' });
    // The target as sent, split by hand: `new URL` throws on targets such as `//`.
    const url = targetOf(request.url ?? '/');
    if (url.pathname.startsWith('/api/')) {
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) return send(response, 403, { error: 'forbiddenSender' });
      if (url.pathname === '/api/events' && request.method === 'GET') {
        if (!tokenMatches(url.searchParams.get('token'))) return send(response, 403, { error: 'forbiddenSender' });
        return openEvents(response);
      }
      const name = callNamed(/^\/api\/invoke\/([A-Za-z]+)$/.exec(url.pathname)?.[1]);
      if (!name || request.method !== 'POST') return send(response, 404, { error: 'invalidPayload' });
      if (!tokenMatches(headerValue(request.headers['x-pwsync-token']))) return send(response, 403, { error: 'forbiddenSender' });
      return invoke(name, request, response);
    }
    if (request.method !== 'GET') return send(response, 405, { error: 'invalidPayload' });
    return serveFile(url.pathname === '/' ? '/index.html' : url.pathname, request, response);
  };

  // Loopback only, but any page in the browser can send here: timeouts bound what a request may hold.
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 }, (request, response) => {
    // No request stops the demo: whatever fails inside becomes a 500 and a log line.
    handle(request, response).catch((error: unknown) => {
      options.logger.error('a request to the demo host failed', { error: error instanceof Error ? error.name : 'unknown' });
      if (response.headersSent) response.destroy();
      else send(response, 500, { error: 'internal' });
    });
  });

  const openEvents = (response: http.ServerResponse): void => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    streams.add(response);
    pushEvent(response, 'stateChanged', options.core.getState());
    response.on('close', () => streams.delete(response));
  };

  const onState = (state: AppState): void => {
    for (const stream of streams) pushEvent(stream, 'stateChanged', state);
  };
  options.core.on('stateChanged', onState);
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  // The same handlers as Electron's main, without a shell: a server cannot reach the
  // browser's clipboard, open its tabs or close it. The page does these itself, and a
  // call here says it was not done.
  const handlers = coreHandlers(options.core, {});
  const invoke = async (name: InvokeName, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const body = await readBody(request);
    if (body === undefined) return send(response, 413, { error: 'invalidPayload' });
    let args: unknown;
    try {
      args = JSON.parse(body.toString('utf8'));
    } catch {
      args = undefined;
    } finally {
      body.fill(0);
    }
    const answer = await answerCall(handlers, name, args, options.logger, 'page');
    if (answer.ok) return send(response, 200, answer.result);
    send(response, ERROR_STATUS[answer.error], { error: answer.error });
  };

  const root = path.resolve(options.rendererDir);
  // Compressed once per file and version: the page is the same for every load.
  const gzipped = new Map<string, { mtimeMs: number; body: Buffer }>();
  const serveFile = async (pathname: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    let relative: string;
    try {
      relative = decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      return send(response, 404, { error: 'invalidPayload' });
    }
    const file = path.resolve(root, relative);
    if (!file.startsWith(root + path.sep)) return send(response, 404, { error: 'invalidPayload' });
    let stat;
    try {
      stat = await fs.stat(file);
      if (!stat.isFile()) throw new Error('not a file');
    } catch {
      return send(response, 404, { error: 'invalidPayload' });
    }
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', Vary: 'Accept-Encoding' };
    // Vite names every asset by its content hash, so a cached copy can never be stale.
    if (relative.startsWith('assets/')) headers['Cache-Control'] = 'public, max-age=31536000, immutable';
    const compressible = /\.(js|css|html|json|svg)$/.test(file);
    if (!compressible || !/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      response.writeHead(200, headers);
      // A file that goes between stat and read ends the answer, not the process.
      return void createReadStream(file).on('error', () => response.destroy()).pipe(response);
    }
    let cached = gzipped.get(file);
    if (!cached || cached.mtimeMs !== stat.mtimeMs) {
      cached = { mtimeMs: stat.mtimeMs, body: gzipSync(await fs.readFile(file), { level: 9 }) };
      gzipped.set(file, cached);
    }
    response.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': cached.body.length });
    response.end(cached.body);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  host = `127.0.0.1:${port}`;
  return {
    port,
    url: `http://${host}/?token=${token.toString()}`,
    close: async () => {
      clearInterval(heartbeat);
      options.core.off('stateChanged', onState);
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The contract's call of that name, if there is one (never a property inherited by every object). */
function callNamed(name: string | undefined): InvokeName | undefined {
  return INVOKE_NAMES.find((known) => known === name);
}

const ERROR_STATUS: Record<BridgeErrorCode, number> = { forbiddenSender: 403, invalidPayload: 400, internal: 500 };

function baseHeaders(response: http.ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A push as a server-sent event named as in the contract, which is what the page's HTTP bridge listens for. */
function pushEvent<E extends EventName>(response: http.ServerResponse, event: E, payload: EventPayload<E>): void {
  response.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
}

interface Target {
  pathname: string;
  searchParams: URLSearchParams;
}

function targetOf(raw: string): Target {
  const end = raw.indexOf('?');
  return { pathname: end === -1 ? raw : raw.slice(0, end), searchParams: new URLSearchParams(end === -1 ? '' : raw.slice(end + 1)) };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        for (const c of chunks) c.fill(0);
        chunk.fill(0);
        request.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      for (const c of chunks) c.fill(0);
      resolve(body);
    });
    request.on('error', () => resolve(undefined));
  });
}
