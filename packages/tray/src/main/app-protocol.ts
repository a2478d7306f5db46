/**
 * Serves the renderer from the app's own files under `app://pwsync/…` rather than
 * `file://` (where every file on disk shares one origin). The scheme is privileged
 * as standard + secure so the page gets a real origin, relative URLs and a secure
 * context; every response carries the page's security headers (core/security-headers.ts),
 * the same as the browser demo's. https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Protocol } from 'electron';
import { SECURITY_HEADERS } from '../core/security-headers';

export const APP_SCHEME = 'app';
export const APP_HOST = 'pwsync';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Must run before the app is ready: Electron reads privileges only at startup.
 * No `corsEnabled`: the page loads its module scripts from its own origin, which
 * needs no CORS, and leaving it unset keeps the scheme unreadable from any other
 * origin (https://github.com/electron/electron/pull/52912). No `bypassCSP` either.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** After ready: answer `app://pwsync/…` from files inside `rendererDir` only. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
}

export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
  const file = fileFor(request.url, path.resolve(rendererDir));
  if (file === null) return refuse(404);
  let body: Buffer;
  try {
    // Read whole: the renderer's files are small, and reading ourselves (rather than
    // net.fetch of a file: URL) keeps the checks above the only way to a file.
    // Electron's fs reads inside app.asar transparently.
    body = await fs.readFile(file);
  } catch {
    return refuse(404);
  }
  const headers = baseHeaders();
  headers.set('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

/** The file a URL names inside root, or null for another host, a traversal, or anything odd. */
export function fileFor(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  // Encoded separators or NULs have no business in an asset path; refuse rather than interpret.
  if (relative.includes('\0') || relative.includes('\\')) return null;
  relative = relative.replace(/^\/+/, '');
  if (relative === '') relative = 'index.html';
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}

function baseHeaders(): Headers {
  return new Headers(SECURITY_HEADERS);
}

function refuse(status: number): Response {
  return new Response(null, { status, headers: baseHeaders() });
}
