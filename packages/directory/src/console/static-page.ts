/**
 * Serving the console's page: the files the console's build leaves in
 * packages/console/dist, at /console/, by @fastify/static (ranges, ETags, no path
 * escaping the folder, no directory listings), each with the console's own strict
 * Content Security Policy and the tray window's other security headers. Before the page
 * is built, /console/ answers a plain 404 saying so: never a stand-in page.
 *
 * The policy: everything from the directory's own origin only, no inline script or
 * style, no plugins, no framing, forms only to itself (the sign-in round trip is a
 * navigation), connections (fetch, EventSource) only to itself. The JSON API's answers
 * carry `default-src 'none'` (nothing in them is ever a page).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleError } from './console-error';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(request: FastifyRequest, kind: 'page' | 'api'): Record<string, string> {
  return {
    'content-security-policy': kind === 'page' ? CONSOLE_CSP : API_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    // Over https (directly or through the named proxy) the browser keeps to it for a year.
    ...(request.protocol === 'https' ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/** Hashed file names (Vite's assets/) never go stale; everything else is asked for again each time. */
function cacheControl(file: string): string {
  return /[/\\]assets[/\\]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-store';
}

export function registerConsolePage(app: FastifyInstance, dir: string): void {
  const index = path.join(dir, 'index.html');
  const notBuilt = (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/console/api/')) throw new ConsoleError(404, 'notFound', 'No such endpoint.');
    return reply
      .code(404)
      .headers({ ...securityHeaders(request, 'page'), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      .send('The support console is not built on this directory: run `npm run build` (docs/directory.md, "The support console").\n');
  };
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/console') && !request.url.startsWith('/console/api/')) reply.headers(securityHeaders(request, 'page'));
  });
  app.get('/console', async (_request, reply) => reply.code(301).header('location', '/console/').send());
  if (!existsSync(index)) {
    app.get('/console/', async (request, reply) => notBuilt(request, reply));
    app.get('/console/*', async (request, reply) => notBuilt(request, reply));
    return;
  }
  void app.register(fastifyStatic, {
    root: dir,
    prefix: '/console/',
    index: ['index.html'],
    list: false,
    dotfiles: 'deny',
    // The page's routes live after the hash: every other unknown path under /console/ is a 404.
    wildcard: true,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, file) => void reply.header('cache-control', cacheControl(file)),
  });
}
