/**
 * The directory's HTTP server: SCIM 2.0 under /scim/v2 and the device API under
 * /api/v1, on node:http. Routing is a short table; each request is logged by method,
 * path (never the query, body or headers) and status.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@pwsync/node-kit/log';
import { DirectoryContext, type DirectoryOptions } from './context';
import { authenticateDevice, checkIn, enrolDevice, listDevices, openEvents, removeDevice, reportResult, setDeviceSync, setUserSync } from './device-api';
import { SCIM_CONTENT_TYPE, bearerToken, requireToken, sendError, sendJson, sha256 } from './http-io';
import { listOf, schemas, serviceProviderConfig, userResourceType } from './scim-discovery';
import { ScimError, badRequest, notFound } from './scim-error';
import { baseUrl } from './scim-resource';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './scim-users';
import { openStore } from './store';

type Handler = (ctx: DirectoryContext, request: IncomingMessage, response: ServerResponse, params: string[], url: URL) => void | Promise<void>;
interface Route {
  method: string;
  pattern: RegExp;
  auth: 'admin' | 'device';
  handler: Handler;
}

const SEGMENT = '([^/]+)';
const scim = (path: string) => new RegExp(`^/scim/v2${path}$`);
const api = (path: string) => new RegExp(`^/api/v1${path}$`);

/** Device handlers receive the authenticated device and user instead of raw params. */
const device =
  (fn: (ctx: DirectoryContext, d: ReturnType<typeof authenticateDevice>, request: IncomingMessage, response: ServerResponse) => void | Promise<void>): Handler =>
  (ctx, request, response) =>
    fn(ctx, authenticateDevice(ctx, bearerToken(request)), request, response);

const ROUTES: Route[] = [
  { method: 'GET', pattern: scim('/Users'), auth: 'admin', handler: (ctx, req, res, _p, url) => listUsers(ctx, url, req, res) },
  { method: 'POST', pattern: scim('/Users'), auth: 'admin', handler: (ctx, req, res) => createUser(ctx, req, res) },
  { method: 'GET', pattern: scim(`/Users/${SEGMENT}`), auth: 'admin', handler: (ctx, req, res, [id]) => getUser(ctx, id!, req, res) },
  { method: 'PUT', pattern: scim(`/Users/${SEGMENT}`), auth: 'admin', handler: (ctx, req, res, [id]) => replaceUser(ctx, id!, req, res) },
  { method: 'PATCH', pattern: scim(`/Users/${SEGMENT}`), auth: 'admin', handler: (ctx, req, res, [id]) => patchUser(ctx, id!, req, res) },
  { method: 'DELETE', pattern: scim(`/Users/${SEGMENT}`), auth: 'admin', handler: (ctx, _req, res, [id]) => deleteUser(ctx, id!, res) },
  { method: 'GET', pattern: scim('/ServiceProviderConfigs?'), auth: 'admin', handler: (_ctx, req, res) => sendJson(res, 200, serviceProviderConfig(baseUrl(req))) },
  { method: 'GET', pattern: scim('/ResourceTypes'), auth: 'admin', handler: (_ctx, req, res) => sendJson(res, 200, listOf([userResourceType(baseUrl(req))])) },
  { method: 'GET', pattern: scim('/ResourceTypes/User'), auth: 'admin', handler: (_ctx, req, res) => sendJson(res, 200, userResourceType(baseUrl(req))) },
  { method: 'GET', pattern: scim('/Schemas'), auth: 'admin', handler: (_ctx, req, res) => sendJson(res, 200, listOf(schemas(baseUrl(req)))) },
  {
    method: 'GET',
    pattern: scim(`/Schemas/${SEGMENT}`),
    auth: 'admin',
    handler: (_ctx, req, res, [id]) => {
      const found = schemas(baseUrl(req)).find((s) => s.id === id);
      if (!found) throw notFound('No schema with this id.');
      sendJson(res, 200, found);
    },
  },
  { method: 'POST', pattern: api('/devices'), auth: 'admin', handler: (ctx, req, res) => enrolDevice(ctx, req, res) },
  { method: 'PATCH', pattern: api(`/devices/${SEGMENT}`), auth: 'admin', handler: (ctx, req, res, [id]) => setDeviceSync(ctx, id!, req, res) },
  { method: 'DELETE', pattern: api(`/devices/${SEGMENT}`), auth: 'admin', handler: (ctx, _req, res, [id]) => removeDevice(ctx, id!, res) },
  { method: 'GET', pattern: api(`/users/${SEGMENT}/devices`), auth: 'admin', handler: (ctx, _req, res, [name]) => listDevices(ctx, name!, res) },
  { method: 'PATCH', pattern: api(`/users/${SEGMENT}`), auth: 'admin', handler: (ctx, req, res, [name]) => setUserSync(ctx, name!, req, res) },
  { method: 'GET', pattern: api('/device/checkin'), auth: 'device', handler: device((ctx, d, _req, res) => checkIn(ctx, d.device, d.user, res)) },
  { method: 'GET', pattern: api('/device/events'), auth: 'device', handler: device((ctx, d, _req, res) => openEvents(ctx, d.device, d.user, res)) },
  { method: 'POST', pattern: api('/device/results'), auth: 'device', handler: device((ctx, d, req, res) => reportResult(ctx, d.device, req, res)) },
];

function decodeParams(match: RegExpExecArray): string[] {
  try {
    return match.slice(1).map((p) => decodeURIComponent(p));
  } catch {
    throw badRequest('The path is not validly encoded.', 'invalidSyntax');
  }
}

async function route(ctx: DirectoryContext, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  let pathMatched = false;
  for (const r of ROUTES) {
    const match = r.pattern.exec(url.pathname);
    if (!match) continue;
    pathMatched = true;
    if (r.method !== request.method) continue;
    if (r.auth === 'admin') requireToken(request, ctx.adminDigest);
    await r.handler(ctx, request, response, decodeParams(match), url);
    return;
  }
  if (pathMatched) throw new ScimError(405, 'This method is not supported here.');
  throw notFound('No such endpoint.');
}

export interface StartOptions extends DirectoryOptions {
  dbFile: string;
  token: string;
  host: string;
  port: number;
  logger: Logger;
}

export interface RunningDirectory {
  url: string;
  context: DirectoryContext;
  close(): Promise<void>;
}

export async function startDirectory(options: StartOptions): Promise<RunningDirectory> {
  const store = openStore(options.dbFile);
  const ctx = new DirectoryContext(store, options, options.logger, sha256(options.token));
  const server = http.createServer({ noDelay: true }, (request, response) => {
    const started = process.hrtime.bigint();
    const url = new URL(request.url ?? '/', 'http://directory');
    const contentType = url.pathname.startsWith('/scim/') ? SCIM_CONTENT_TYPE : 'application/json';
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.logger.debug('request', { method: request.method, path: url.pathname, status: response.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    route(ctx, request, response, url).catch((error: unknown) => {
      if (error instanceof ScimError) return sendError(response, error, contentType);
      ctx.logger.error('request failed', { err: { name: (error as Error).name, message: (error as Error).message }, path: url.pathname });
      sendError(response, new ScimError(500, 'The directory could not complete this request.'), contentType);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    context: ctx,
    close: async () => {
      ctx.hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
