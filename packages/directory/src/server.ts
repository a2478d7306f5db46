/**
 * The directory's HTTP server: SCIM 2.0 under /scim/v2, the device API and the admin
 * API under /api/v1, on Fastify.
 *
 * Why Fastify rather than more hand-written node:http: it gives, well kept and tested
 * by others, what this server must get right against strangers on the internet —
 * routing that no odd target can crash (`GET //`, bad percent-encoding, absolute
 * forms), body limits enforced while reading, every failure inside a handler turned
 * into an answer through one error handler, TLS with the server's timeouts and
 * connection limits, and trust of X-Forwarded-* only from the proxies named — and the
 * console that follows needs what its plugins bring (cookies, CSRF, static files). It
 * logs through pino, as the directory already does. Fastify's own body parsing and
 * logging are switched off: bodies are read raw and parsed here, so SCIM's errors stay
 * exactly as clients know them, and the log keeps its one line per request by method,
 * path (never the query, body or headers) and status.
 *
 * Each route names the one credential it takes (SCIM token, admin token, a device's
 * token, a machine's token, or none for enrolment), checked before its body is read.
 */
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import Fastify, { type FastifyReply, type FastifyRequest, type HTTPMethods } from 'fastify';
import type { Logger } from '@pwsync/node-kit/log';
import { isLoopback, proxyList, trusted } from './addresses';
import { type ConsoleOptions, registerConsole, sendConsoleError } from './console/console-api';
import { ConsoleError } from './console/console-error';
import { DirectoryContext, type DirectoryOptions } from './context';
import { type AuthenticatedDevice, authenticateDevice, checkIn, listDevices, openEvents, removeDevice, reportResult, setDeviceSync, setUserSync } from './device-api';
import { createCode, enrolDevice, listCodes, revokeCode } from './enrolment';
import { authenticateMachine, bindPerson, enrolMachine, listMachines, machineInfo, removeMachine, unbindPerson } from './machines';
import { contentTypeFor, pathOf, requireToken, sendError, sendJson, sha256 } from './http-io';
import { fitToFileLimit, kernelBacklogCap, openFileLimit } from './fd-limit';
import { LimitWarning } from './limit-warning';
import { DEFAULT_LIMITS, type Limits } from './limits';
import { listOf, schemas, serviceProviderConfig, userResourceType } from './scim-discovery';
import { ERROR_SCHEMA, ScimError, badRequest, notFound } from './scim-error';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './scim-users';
import { type MachineRow, type StoreConfig, openStore } from './store';
import { StoreBusyError } from './store-transactions';

type Auth = 'scim' | 'admin' | 'device' | 'machine' | 'none';
type Params = Record<string, string>;
interface Route {
  method: HTTPMethods;
  url: string;
  auth: Auth;
  handler: (ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply, params: Params, caller: Caller) => void | Promise<void>;
}

/** Who a device or machine route was called by, authenticated before its body is read. */
interface Caller {
  device: AuthenticatedDevice;
  machine: MachineRow;
}

const ROUTES: Route[] = [
  { method: 'GET', url: '/scim/v2/Users', auth: 'scim', handler: (ctx, req, rep) => listUsers(ctx, req, rep) },
  { method: 'POST', url: '/scim/v2/Users', auth: 'scim', handler: (ctx, req, rep) => createUser(ctx, req, rep) },
  { method: 'GET', url: '/scim/v2/Users/:id', auth: 'scim', handler: (ctx, _req, rep, p) => getUser(ctx, p.id!, rep) },
  { method: 'PUT', url: '/scim/v2/Users/:id', auth: 'scim', handler: (ctx, req, rep, p) => replaceUser(ctx, p.id!, req, rep) },
  { method: 'PATCH', url: '/scim/v2/Users/:id', auth: 'scim', handler: (ctx, req, rep, p) => patchUser(ctx, p.id!, req, rep) },
  { method: 'DELETE', url: '/scim/v2/Users/:id', auth: 'scim', handler: (ctx, _req, rep, p) => deleteUser(ctx, p.id!, rep) },
  ...['/scim/v2/ServiceProviderConfig', '/scim/v2/ServiceProviderConfigs'].map(
    (url): Route => ({ method: 'GET', url, auth: 'scim', handler: (ctx, _req, rep) => sendJson(rep, 200, serviceProviderConfig(ctx.publicUrl)) }),
  ),
  { method: 'GET', url: '/scim/v2/ResourceTypes', auth: 'scim', handler: (ctx, _req, rep) => sendJson(rep, 200, listOf([userResourceType(ctx.publicUrl)])) },
  { method: 'GET', url: '/scim/v2/ResourceTypes/User', auth: 'scim', handler: (ctx, _req, rep) => sendJson(rep, 200, userResourceType(ctx.publicUrl)) },
  { method: 'GET', url: '/scim/v2/Schemas', auth: 'scim', handler: (ctx, _req, rep) => sendJson(rep, 200, listOf(schemas(ctx.publicUrl))) },
  {
    method: 'GET',
    url: '/scim/v2/Schemas/:id',
    auth: 'scim',
    handler: (ctx, _req, rep, p) => {
      const found = schemas(ctx.publicUrl).find((s) => s.id === p.id);
      if (!found) throw notFound('No schema with this id.');
      sendJson(rep, 200, found);
    },
  },
  { method: 'POST', url: '/api/v1/enrolment-codes', auth: 'admin', handler: (ctx, req, rep) => createCode(ctx, req, rep) },
  { method: 'GET', url: '/api/v1/enrolment-codes', auth: 'admin', handler: (ctx, req, rep) => listCodes(ctx, req, rep) },
  { method: 'DELETE', url: '/api/v1/enrolment-codes/:id', auth: 'admin', handler: (ctx, req, rep, p) => revokeCode(ctx, p.id!, req, rep) },
  { method: 'PATCH', url: '/api/v1/devices/:id', auth: 'admin', handler: (ctx, req, rep, p) => setDeviceSync(ctx, p.id!, req, rep) },
  { method: 'DELETE', url: '/api/v1/devices/:id', auth: 'admin', handler: (ctx, req, rep, p) => removeDevice(ctx, p.id!, req, rep) },
  { method: 'GET', url: '/api/v1/users/:name/devices', auth: 'admin', handler: (ctx, _req, rep, p) => listDevices(ctx, p.name!, rep) },
  { method: 'PATCH', url: '/api/v1/users/:name', auth: 'admin', handler: (ctx, req, rep, p) => setUserSync(ctx, p.name!, req, rep) },
  { method: 'POST', url: '/api/v1/device/enrol', auth: 'none', handler: (ctx, req, rep) => enrolDevice(ctx, req, rep) },
  { method: 'GET', url: '/api/v1/device/checkin', auth: 'device', handler: (ctx, _req, rep, _p, c) => checkIn(ctx, c.device, rep) },
  { method: 'GET', url: '/api/v1/device/events', auth: 'device', handler: (ctx, _req, rep, _p, c) => openEvents(ctx, c.device, rep) },
  { method: 'POST', url: '/api/v1/device/results', auth: 'device', handler: (ctx, req, rep, _p, c) => reportResult(ctx, c.device, req, rep) },
  { method: 'GET', url: '/api/v1/machines', auth: 'admin', handler: (ctx, _req, rep) => listMachines(ctx, rep) },
  { method: 'DELETE', url: '/api/v1/machines/:id', auth: 'admin', handler: (ctx, _req, rep, p) => removeMachine(ctx, p.id!, rep) },
  { method: 'POST', url: '/api/v1/machine/enrol', auth: 'none', handler: (ctx, req, rep) => enrolMachine(ctx, req, rep) },
  { method: 'GET', url: '/api/v1/machine', auth: 'machine', handler: (ctx, _req, rep, _p, c) => machineInfo(ctx, c.machine, rep) },
  { method: 'PUT', url: '/api/v1/machine/people/:account', auth: 'machine', handler: (ctx, req, rep, p, c) => bindPerson(ctx, c.machine, p.account!, req, rep) },
  { method: 'DELETE', url: '/api/v1/machine/people/:account', auth: 'machine', handler: (ctx, _req, rep, p, c) => unbindPerson(ctx, c.machine, p.account!, rep) },
];

/** Methods answered 405 on a known path (anything else there is 404, as on unknown paths). */
const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export interface TlsFiles {
  cert: string;
  key: string;
}

export interface StartOptions extends DirectoryOptions {
  /** The SQLite file (the embedded default), unless `database` names another store. */
  dbFile?: string;
  database?: StoreConfig;
  /** The PostgreSQL password, read when a connection opens (never in the URL given on a command line). */
  password?: () => string;
  scimToken: string;
  adminToken: string;
  host: string;
  port: number;
  logger: Logger;
  /** PEM certificate chain and key; without them the directory speaks plain HTTP, which needs one of the two below. */
  tls?: TlsFiles;
  /** Plain HTTP behind these TLS-terminating proxies (IP or CIDR): only they may connect, and X-Forwarded-* is trusted from them alone. */
  trustedProxies?: string[];
  /** The base of the URLs SCIM hands out; defaults to the listening address (loopback only). */
  publicUrl?: string;
  limits?: Partial<Limits>;
  /** The support console: sign-in (OpenID Connect, local accounts), sessions, its page (docs/directory.md). */
  console?: ConsoleOptions;
  /** How often expired hashes are looked for (default: an hour). */
  sweepIntervalMs?: number;
  now?: () => Date;
}

export interface RunningDirectory {
  url: string;
  context: DirectoryContext;
  /** New certificate and key for new connections; open ones (event streams) keep theirs. Throws if the pair is unusable. */
  reloadTls(tls: TlsFiles): void;
  close(): Promise<void>;
}

/** What Fastify's own errors mean to a client, in SCIM's error shape; never the framework's text. */
function frameworkError(error: { code?: string; statusCode?: number }, limits: Limits): ScimError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError(413, `The request body is larger than ${limits.maxBodyBytes} bytes.`, undefined, { connection: 'close' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('The request body is not as long as its Content-Length says.', 'invalidSyntax');
    case 'FST_ERR_BAD_URL':
      return badRequest('The path is not validly encoded.', 'invalidSyntax');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return notFound('No such resource.');
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return new ScimError(error.statusCode, 'The request could not be read.');
  return undefined;
}

export async function startDirectory(options: StartOptions): Promise<RunningDirectory> {
  // The caps must fit under the file-descriptor limit, or the kernel resets clients silently (fd-limit.ts).
  const fileLimit = openFileLimit();
  const { limits, lowered } = fitToFileLimit({ ...DEFAULT_LIMITS, ...options.limits }, options.limits ?? {}, fileLimit);
  const proxies = options.trustedProxies?.length ? proxyList(options.trustedProxies) : undefined;
  // Secure by default: plain HTTP only where nobody on the path can read it.
  if (!options.tls && !proxies && !isLoopback(options.host)) {
    throw new Error('plain HTTP is allowed only on a loopback address or behind a named TLS proxy');
  }
  const database: StoreConfig | undefined = options.database ?? (options.dbFile !== undefined ? { engine: 'sqlite', file: options.dbFile } : undefined);
  if (!database) throw new Error('the directory needs a database: dbFile or database');
  const store = await openStore(database.engine === 'postgres' && options.password ? { ...database, password: options.password } : database);
  const ctx = new DirectoryContext(store, options, limits, options.logger, { scim: sha256(options.scimToken), admin: sha256(options.adminToken) }, options.now);
  const { logger } = ctx;
  if (lowered) logger.warn('the connection cap was lowered to fit the file-descriptor limit (ulimit -n)', { fileLimit: fileLimit ?? null, maxConnections: lowered.to, default: lowered.from, maxStreams: limits.maxStreams });
  if (store.madePrivate.length) logger.warn('database files were readable by others; made them 0600', { files: store.madePrivate });

  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    maxHeaderSize: limits.maxHeaderBytes,
    noDelay: true,
  };
  const app = Fastify({
    ...(options.tls
      ? { https: { ...serverOptions, cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' as const, handshakeTimeout: limits.tlsHandshakeTimeoutMs } }
      : { http: serverOptions }),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.socketTimeoutMs,
    bodyLimit: limits.maxBodyBytes,
    forceCloseConnections: true,
    return503OnClosing: true,
    exposeHeadRoutes: false,
    logger: false,
    trustProxy: proxies ? (address: string, hop: number) => hop === 0 && trusted(proxies, address) : false,
    routerOptions: { maxParamLength: 1024, caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
    frameworkErrors: (error, request, reply) => {
      const known = frameworkError(error, limits) ?? badRequest('The request could not be read.');
      if (request.url.startsWith('/console')) return sendConsoleError(reply, known);
      sendError(reply, known, contentTypeFor(request.url));
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      // Malformed HTTP, headers over the limit, a request past its timeout: answered on the raw socket.
      logger.debug('bad request from a client', { code: error.code ?? error.name });
      // A TLS handshake that failed or never came has no HTTP to answer in.
      if (!socket.writable || error.code === 'ECONNRESET' || error.code?.startsWith('ERR_TLS') || error.code?.startsWith('ERR_SSL')) return void socket.destroy();
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), detail: 'The request could not be read.' });
      // Answered, then closed for good: a client that keeps its side open must not keep the socket.
      socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`, () => socket.destroy());
    },
  });
  const server = app.server;
  server.maxConnections = limits.maxConnections;
  // Node closes a connection over the cap at once; the log says so, rather than clients seeing only resets.
  const dropped = new LimitWarning(logger, { now: () => Date.now() }, 'connections full: new ones are closed at once (--max-connections)');
  server.on('drop', () => dropped.hit({ maxConnections: limits.maxConnections, streams: ctx.hub.size }));
  if (proxies && !options.tls) {
    // Behind a TLS proxy, plain HTTP is for the proxy alone: nobody else may connect around it.
    server.on('connection', (socket) => {
      if (!trusted(proxies, socket.remoteAddress)) socket.destroy();
    });
  }

  // Bodies are read raw (within bodyLimit) and parsed by the handlers, as SCIM's errors require.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    const contentType = contentTypeFor(request.url);
    // The console's routes answer in the console contract's error shape.
    const send = (e: ScimError | ConsoleError) => (request.url.startsWith('/console') ? sendConsoleError(reply, e) : e instanceof ScimError ? sendError(reply, e, contentType) : sendConsoleError(reply, e));
    if (error instanceof ScimError || error instanceof ConsoleError) return send(error);
    if (error instanceof StoreBusyError) {
      logger.warn('a request collided with others in the database too often; answered 503', { method: request.method, path: pathOf(request.url) });
      return send(new ScimError(503, 'The directory is busy; try again in a moment.', undefined, { 'retry-after': '1' }));
    }
    const known = frameworkError(error as { code?: string; statusCode?: number }, limits);
    if (known) {
      // Read what is still coming rather than reset the connection, so the client reads the answer.
      if (known.status === 413) request.raw.resume();
      return send(known);
    }
    logger.error('request failed', { err: { name: (error as Error).name, code: (error as { code?: string }).code }, method: request.method, path: pathOf(request.url) });
    if (request.url.startsWith('/console')) return sendConsoleError(reply, new ConsoleError(500, 'unavailable', 'The directory could not complete this request.'));
    sendError(reply, new ScimError(500, 'The directory could not complete this request.'), contentType);
  });
  app.setNotFoundHandler((request, reply) =>
    request.url.startsWith('/console/api/') ? sendConsoleError(reply, new ConsoleError(404, 'notFound', 'No such endpoint.')) : sendError(reply, notFound('No such endpoint.'), contentTypeFor(request.url)),
  );

  if (proxies) {
    app.addHook('onRequest', async (request) => {
      // request.protocol is the proxy's X-Forwarded-Proto (trusted from it alone).
      if (!options.tls && request.protocol !== 'https') throw new ScimError(403, 'This directory is served over https only, through its TLS proxy.');
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    logger.debug('request', { method: request.method, path: pathOf(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 });
  });

  const supportConsole = await registerConsole(app, ctx, options.console ?? {}, options.heartbeatMs);

  const callers = new WeakMap<FastifyRequest, Caller>();
  const authenticate = (auth: Auth) => async (request: FastifyRequest) => {
    if (auth === 'scim') requireToken(request, ctx.credentials.scim);
    else if (auth === 'admin') requireToken(request, ctx.credentials.admin);
    else if (auth === 'device') callers.set(request, { device: await authenticateDevice(ctx, request) } as Caller);
    else if (auth === 'machine') callers.set(request, { machine: await authenticateMachine(ctx, request) } as Caller);
  };
  for (const route of ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      // Before the body is read: a stranger cannot make the directory buffer one.
      onRequest: authenticate(route.auth),
      handler: async (request, reply) => {
        await route.handler(ctx, request, reply, request.params as Params, callers.get(request)!);
        return reply;
      },
    });
  }
  for (const url of new Set(ROUTES.map((r) => r.url))) {
    const taken = new Set(ROUTES.filter((r) => r.url === url).map((r) => r.method));
    app.route({
      method: METHODS.filter((m) => !taken.has(m)),
      url,
      handler: async () => {
        throw new ScimError(405, 'This method is not supported here.');
      },
    });
  }

  const sweepOnce = () =>
    ctx.eraseExpiredHashes().catch((error: unknown) => {
      logger.error('could not erase expired hashes', { err: { name: (error as Error).name, code: (error as { code?: string }).code } });
    });
  await sweepOnce();
  const sweep = setInterval(sweepOnce, options.sweepIntervalMs ?? 60 * 60 * 1000);
  sweep.unref();
  const flushCheckIns = () =>
    ctx.flushCheckIns().catch((error: unknown) => {
      logger.error('could not write check-in times', { err: { name: (error as Error).name, code: (error as { code?: string }).code } });
    });
  const checkInWriter = setInterval(flushCheckIns, 5_000);
  checkInWriter.unref();

  try {
    // Room in the accept queue for the devices of a whole instance coming back at once (the kernel caps it at net.core.somaxconn).
    const backlog = Math.min(65_535, Math.max(511, limits.maxStreams));
    const cap = kernelBacklogCap();
    if (cap !== undefined && cap < backlog) logger.info('the kernel caps the listen backlog below the streams this instance holds; raise net.core.somaxconn to match', { backlog, somaxconn: cap });
    await app.listen({ host: options.host, port: options.port, backlog });
  } catch (error) {
    clearInterval(sweep);
    clearInterval(checkInWriter);
    supportConsole.close();
    await store.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  ctx.publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  return {
    url,
    context: ctx,
    reloadTls: (tls) => {
      if (!options.tls) throw new Error('this directory was started without TLS');
      // createSecureContext throws on a key that does not fit the certificate: the old pair stays.
      createSecureContext({ cert: tls.cert, key: tls.key });
      (server as import('node:https').Server).setSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
    },
    close: async () => {
      clearInterval(sweep);
      clearInterval(checkInWriter);
      supportConsole.close();
      ctx.hub.close();
      await app.close();
      await flushCheckIns();
      await store.close();
    },
  };
}
