/**
 * The support console's server side (docs/directory.md, "The support console"): its
 * JSON API and sign-in routes, registered from the contract's one route table
 * (@pwsync/console-contract), so a route cannot be served that the page does not know,
 * nor lack a handler. Each request goes through the same gate before its body is read:
 * the automation token is refused (it is for /api/v1), then the session, then for a
 * change the CSRF token, then the role.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AccountView,
  type AnswerOf,
  LocalSignIn,
  ROUTES,
  type RouteName,
  type RouteSpec,
  roleAllows,
} from '@pwsync/console-contract';
import type { z } from 'zod';
import type { DirectoryContext } from '../context';
import { deleteDevice, turnDeviceSync, turnUserSync } from '../device-api';
import { CodeRequest, codeFacts, codeList, describeCode, makeCode, revokeCodeById } from '../enrolment';
import { JSON_CONTENT_TYPE, queryOf, readJsonObject, requireToken, sendJson } from '../http-io';
import { ScimError } from '../scim-error';
import { newId } from '../store';
import { type Actor, AuditLog } from './audit';
import { type AccountRow, type ConsoleStore, consoleStore } from './console-store';
import { ConsoleError, forbidden, fromScimError, invalid, notFoundError } from './console-error';
import { type DeviceReads, deviceReads } from './device-reads';
import { LivePages } from './live-pages';
import { ACCOUNT_LOCK_AFTER, ACCOUNT_LOCK_MS, AddressTries, dummyHash, hashPassword, verifyPassword } from './local-accounts';
import { NoRoleError, type OidcOptions, OidcSignIn, safeReturnTo } from './oidc';
import { FleetCounts, fleetCsv, fleetPage, findPeople, personPage } from './people-views';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions, type SignedIn, Sessions, checkSameOrigin, describeSession } from './sessions';
import { registerConsolePage, securityHeaders } from './static-page';

export interface ConsoleOptions {
  sessions?: Partial<SessionOptions>;
  oidc?: OidcOptions;
  /** Sign-in with console accounts kept here (default true); OpenID Connect alone when false. */
  localAccounts?: boolean;
  /** The console's built page (packages/console/dist). */
  pageDir?: string;
  /** scrypt's cost for new local passwords (tests lower it); see local-accounts.ts. */
  passwordCost?: { ln: number; r: number; p: number };
}

export interface Console {
  store: ConsoleStore;
  audit: AuditLog;
  live: LivePages;
  close(): void;
}

/** The page's build, wherever this file runs from (the source tree, or the bundle in packages/directory/dist). */
export function defaultPageDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../console/dist'), path.resolve(here, '../../console/dist')];
  return candidates.find((c) => existsSync(path.join(c, 'index.html'))) ?? candidates[0]!;
}

interface Call {
  request: FastifyRequest;
  reply: FastifyReply;
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  signedIn: SignedIn | undefined;
  actor: Actor;
}
type Handler<N extends RouteName> = (call: Call & { signedIn: (typeof ROUTES)[N]['role'] extends 'public' ? SignedIn | undefined : SignedIn }) => Promise<AnswerOf<N> | void>;

function accountView(row: AccountRow): AccountView {
  return {
    id: row.id,
    userName: row.user_name,
    displayName: row.display_name,
    role: row.role,
    via: row.via,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid([...new Set(result.error.issues.map((i) => i.path.join('.') || '(body)'))]);
  return result.data;
}

export function sendConsoleError(reply: FastifyReply, error: ConsoleError | ScimError): void {
  const known = error instanceof ConsoleError ? error : fromScimError(error);
  if (reply.raw.headersSent) return void reply.raw.destroy();
  sendJson(reply, known.status, known, JSON_CONTENT_TYPE, { ...securityHeaders(reply.request, 'api'), ...known.headers });
}

export async function registerConsole(app: FastifyInstance, ctx: DirectoryContext, options: ConsoleOptions, heartbeatMs: number): Promise<Console> {
  const store = consoleStore(ctx.store);
  const audit = new AuditLog(ctx, store);
  ctx.audit = audit;
  const sessions = new Sessions(ctx, store, { ...DEFAULT_SESSION_OPTIONS, ...options.sessions });
  const reads: DeviceReads = deviceReads(ctx);
  const oidc = options.oidc ? new OidcSignIn(ctx, store, options.oidc) : undefined;
  const localAccounts = options.localAccounts ?? true;
  const tries = new AddressTries(() => ctx.now().getTime());
  const fleetCounts = new FleetCounts(reads, () => ctx.now().getTime());
  const buildPage = async (userId: string) => {
    const user = await reads.userById(userId);
    return user ? personPage(ctx, reads, audit, user) : undefined;
  };
  const live = new LivePages(ctx, sessions, buildPage, heartbeatMs);
  const sweep = setInterval(() => void store.deleteEnded(ctx.now().toISOString()).catch(() => undefined), 10 * 60 * 1000);
  sweep.unref();

  await app.register(cookie);
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/console/api/')) reply.headers(securityHeaders(request, 'api'));
  });

  const consoleActor = (signedIn: SignedIn): Actor => ({ kind: 'console', accountId: signedIn.account.id, name: signedIn.account.user_name });
  const userNamed = async (userName: string) => {
    const user = await reads.userByName(userName);
    if (!user) throw notFoundError('No person with this userName.');
    return user;
  };

  async function refuseSignIn(request: FastifyRequest, target: string | null, reason: string, via: 'local' | 'oidc'): Promise<void> {
    await audit.record(request, { kind: 'console', accountId: null, name: target ?? '(unknown)' }, 'signInRefused', target, { reason, via });
  }

  const handlers: { [N in RouteName]: Handler<N> } = {
    signInMethods: async () => ({ oidc: oidc ? { name: oidc.options.name } : null, local: localAccounts }),

    signInLocal: async ({ request, reply, body }) => {
      checkSameOrigin(request, ctx.publicUrl);
      if (!localAccounts) throw notFoundError('Sign-in with console accounts is switched off here.');
      const { userName, password } = body as z.infer<typeof LocalSignIn>;
      const wait = tries.take(request.ip);
      if (wait > 0) {
        await refuseSignIn(request, null, 'addressLimit', 'local');
        throw new ConsoleError(429, 'tooManyTries', 'Too many sign-in tries from this address.', { retryAfterSeconds: wait }, { 'retry-after': String(wait) });
      }
      const account = await store.accountByName(userName.toLowerCase());
      const now = ctx.now().getTime();
      if (!account || account.via !== 'local' || !account.password_hash) {
        await verifyPassword(password, await dummyHash(options.passwordCost));
        // The name typed is not an account's: it is not kept (it could be a password typed in the wrong field).
        await refuseSignIn(request, null, 'unknownAccount', 'local');
        throw new ConsoleError(401, 'badCredentials', 'Wrong user name or password.');
      }
      if (account.locked_until && Date.parse(account.locked_until) > now) {
        const wait = Math.ceil((Date.parse(account.locked_until) - now) / 1000);
        await refuseSignIn(request, account.user_name, 'locked', 'local');
        throw new ConsoleError(429, 'tooManyTries', 'Too many wrong passwords for this account.', { retryAfterSeconds: wait }, { 'retry-after': String(wait) });
      }
      const ok = await verifyPassword(password, account.password_hash);
      if (!ok || account.disabled) {
        if (!ok) await store.failedTry(account.id, account.failed_tries + 1 >= ACCOUNT_LOCK_AFTER ? new Date(now + ACCOUNT_LOCK_MS).toISOString() : null);
        await refuseSignIn(request, account.user_name, ok ? 'disabled' : 'badPassword', 'local');
        throw new ConsoleError(401, 'badCredentials', 'Wrong user name or password.');
      }
      const session = await sessions.start(request, reply, account);
      await audit.record(request, { kind: 'console', accountId: account.id, name: account.user_name }, 'signIn', account.user_name, { via: 'local', role: account.role });
      return session;
    },

    signInOidc: async ({ request, reply }) => {
      if (!oidc) throw notFoundError('Sign-in through an identity provider is not set up here.');
      const url = await oidc.start(safeReturnTo(queryOf(request.url).get('returnTo')));
      reply.code(302).header('location', url).header('cache-control', 'no-store').send();
    },

    oidcCallback: async ({ request, reply }) => {
      if (!oidc) throw notFoundError('Sign-in through an identity provider is not set up here.');
      const url = new URL(request.url, ctx.publicUrl);
      const back = (code: string) => reply.code(302).header('location', `/console/?signInError=${code}`).header('cache-control', 'no-store').send();
      if (url.searchParams.has('error')) {
        await refuseSignIn(request, null, 'providerRefused', 'oidc');
        return void back('signInFailed');
      }
      try {
        const { account, returnTo } = await oidc.finish(url);
        await sessions.start(request, reply, account);
        await audit.record(request, { kind: 'console', accountId: account.id, name: account.user_name }, 'signIn', account.user_name, { via: 'oidc', role: account.role });
        reply.code(302).header('location', returnTo).header('cache-control', 'no-store').send();
      } catch (error) {
        if (!(error instanceof ConsoleError)) throw error;
        await refuseSignIn(request, error instanceof NoRoleError ? error.userName : null, error.code, 'oidc');
        back(error.code);
      }
    },

    session: async ({ signedIn }) => describeSession(signedIn.session, signedIn.account),

    signOut: async ({ request, reply, signedIn, actor }) => {
      await sessions.end(request, reply, signedIn);
      live.endSession(signedIn.idHash, 'signedOut');
      await audit.record(request, actor, 'signOut', signedIn.account.user_name);
    },

    people: async ({ query }) => {
      const q = query as { q: string; cursor?: string; limit: number };
      return findPeople(reads, q.q, q.cursor, q.limit);
    },

    person: async ({ params }) => personPage(ctx, reads, audit, await userNamed(params.userName!)),

    personSync: async ({ request, params, body, actor }) => {
      const { syncEnabled } = body as { syncEnabled: boolean };
      const { user, told } = await turnUserSync(ctx, (await userNamed(params.userName!)).user_name, syncEnabled);
      await audit.record(request, actor, 'personSyncSet', user.user_name, { syncEnabled });
      return { userName: user.user_name, syncEnabled, devicesTold: told };
    },

    deviceSync: async ({ request, params, body, actor }) => {
      const { syncEnabled } = body as { syncEnabled: boolean };
      if (!(await reads.device(params.deviceId!))) throw notFoundError('No device with this id.');
      const { device, told } = await turnDeviceSync(ctx, params.deviceId!, syncEnabled);
      await audit.record(request, actor, 'deviceSyncSet', device.id, { syncEnabled, deviceName: device.device_name, userName: (await reads.userById(device.user_id))?.user_name });
      return { deviceId: device.id, syncEnabled, told };
    },

    deviceRemove: async ({ request, reply, params, actor }) => {
      if (!(await reads.device(params.deviceId!))) throw notFoundError('No device with this id.');
      const { device, userName } = await deleteDevice(ctx, params.deviceId!);
      await audit.record(request, actor, 'deviceRemoved', device.id, { deviceName: device.device_name, platform: device.platform, userName });
      reply.code(204);
    },

    events: async ({ reply, query, signedIn }) => {
      const user = await userNamed((query as { userName: string }).userName);
      if (live.full()) throw new ConsoleError(503, 'unavailable', 'Too many live pages are open on this directory; try again soon.', {}, { 'retry-after': '30' });
      reply.hijack();
      await live.attach(reply.raw, user.id, user.user_name, signedIn.idHash);
    },

    fleet: async ({ query }) => {
      const q = query as { staleHours: number; cursor?: string; limit: number };
      return fleetPage(ctx, reads, fleetCounts, q.staleHours, q.cursor, q.limit);
    },

    fleetCsv: async ({ reply, query }) => {
      const q = query as { staleHours: number };
      sendCsv(reply, `pwsync-fleet-${q.staleHours}h.csv`, fleetCsv(ctx, reads, q.staleHours));
    },

    codes: async () => ({ codes: await codeList(ctx, null) }),

    codeCreate: async ({ request, reply, body, actor }) => {
      const b = body as { userName?: string; label: string; uses: number; expiresAt?: string };
      // Without a person the code is for any user the computers it enrols map (`pwsync-agent enroll`, docs/install.md).
      const asked = b.userName === undefined ? { ...b, forAnyUser: true as const } : b;
      const { row, code } = await makeCode(ctx, parse(CodeRequest, asked));
      await audit.record(request, actor, 'codeCreated', row.id, await codeFacts(ctx, row));
      reply.code(201);
      return { ...(await describeCode(ctx, row)), code };
    },

    codeRevoke: async ({ request, params, actor }) => {
      const row = await revokeCodeById(ctx, params.codeId!);
      await audit.record(request, actor, 'codeRevoked', row.id, await codeFacts(ctx, row));
      return describeCode(ctx, row);
    },

    accounts: async () => ({ accounts: (await store.accounts()).map(accountView) }),

    accountCreate: async ({ request, reply, body, actor }) => {
      const account = await createLocalAccount(body as { userName: string; displayName: string; role: 'support' | 'admin'; password: string });
      await audit.record(request, actor, 'accountCreated', account.user_name, { role: account.role, displayName: account.display_name, via: 'local' });
      reply.code(201);
      return accountView(account);
    },

    accountUpdate: async ({ request, params, body, signedIn, actor }) => {
      const change = body as { displayName?: string; role?: 'support' | 'admin'; disabled?: boolean; password?: string };
      const account = await store.account(params.accountId!);
      if (!account) throw notFoundError('No console account with this id.');
      if (account.id === signedIn.account.id && ((change.role && change.role !== 'admin') || change.disabled)) {
        throw new ConsoleError(409, 'conflict', 'You cannot take the admin role from your own account, or disable it.');
      }
      if (change.password !== undefined && account.via !== 'local') throw invalid(['password']);
      const updated = await store.updateAccount(
        {
          ...account,
          display_name: change.displayName ?? account.display_name,
          role: change.role ?? account.role,
          disabled: change.disabled === undefined ? account.disabled : change.disabled ? 1 : 0,
          password_hash: change.password !== undefined ? await hashPassword(change.password, options.passwordCost) : account.password_hash,
        },
        change.disabled === true || change.password !== undefined,
      );
      await audit.record(request, actor, 'accountUpdated', updated.user_name, {
        role: change.role,
        displayName: change.displayName,
        disabled: change.disabled,
        passwordChanged: change.password !== undefined ? true : undefined,
      });
      return accountView(updated);
    },

    accountRemove: async ({ request, reply, params, signedIn, actor }) => {
      if (params.accountId === signedIn.account.id) throw new ConsoleError(409, 'conflict', 'You cannot remove your own account.');
      const account = await store.account(params.accountId!);
      if (!account || !(await store.deleteAccount(account.id))) throw notFoundError('No console account with this id.');
      await audit.record(request, actor, 'accountRemoved', account.user_name, { role: account.role, via: account.via });
      reply.code(204);
    },

    audit: async ({ query }) => {
      const q = query as { cursor?: string; limit: number };
      return audit.page(q.cursor, q.limit);
    },

    auditCsv: async ({ reply }) => sendCsv(reply, 'pwsync-audit.csv', audit.csv()),
  };

  async function createLocalAccount(input: { userName: string; displayName: string; role: 'support' | 'admin'; password: string }): Promise<AccountRow> {
    if (await store.accountByName(input.userName.toLowerCase())) throw new ConsoleError(409, 'conflict', 'A console account with this user name exists.');
    const passwordHash = await hashPassword(input.password, options.passwordCost);
    try {
      return await store.insertAccount({
        id: newId('acc'),
        user_name: input.userName,
        user_name_key: input.userName.toLowerCase(),
        display_name: input.displayName,
        role: input.role,
        via: 'local',
        subject: null,
        password_hash: passwordHash,
        created_at: ctx.now().toISOString(),
      });
    } catch (error) {
      // SQLite's and PostgreSQL's words for a unique constraint (a second request with the same name a moment ago).
      if (['SQLITE_CONSTRAINT_UNIQUE', '23505'].includes(String((error as { code?: string }).code))) throw new ConsoleError(409, 'conflict', 'A console account with this user name exists.');
      throw error;
    }
  }

  function sendCsv(reply: FastifyReply, filename: string, rows: Iterable<string> | AsyncIterable<string>): void {
    reply
      .code(200)
      .headers({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' })
      // Pulled as the client reads, with back-pressure: a large export is never held as one string.
      .send(Readable.from(rows, { objectMode: false }));
  }

  for (const [name, route] of Object.entries(ROUTES) as Array<[RouteName, RouteSpec]>) {
    const state = new WeakMap<FastifyRequest, SignedIn | undefined>();
    app.route({
      method: route.method,
      url: route.path,
      // Before the body is read: a stranger cannot make the directory buffer one.
      onRequest: async (request) => {
        // The automation token is for /api/v1: the console takes people, signed in.
        if (request.headers.authorization !== undefined) throw new ConsoleError(401, 'tokenNotAccepted', 'The console does not take bearer tokens: sign in as a person. Tokens work for /api/v1 only.');
        if (route.role === 'public') return;
        const signedIn = await sessions.current(request);
        if (!signedIn) throw new ConsoleError(401, 'signedOut', 'Sign in to the console first.');
        if (route.method !== 'GET') sessions.checkCsrf(request, signedIn);
        if (!roleAllows(signedIn.account.role, route.role)) throw forbidden();
        state.set(request, signedIn);
      },
      handler: async (request, reply) => {
        const signedIn = state.get(request);
        const call: Call = {
          request,
          reply,
          params: request.params as Record<string, string>,
          query: route.query ? parse(route.query, Object.fromEntries(queryOf(request.url))) : undefined,
          body: route.body ? parse(route.body, readJsonObject(request)) : undefined,
          signedIn,
          actor: signedIn ? consoleActor(signedIn) : { kind: 'console', accountId: null, name: '(signing in)' },
        };
        const answer = await (handlers[name] as Handler<RouteName>)(call as never);
        if (reply.sent || reply.raw.headersSent) return reply;
        if (route.answer === 'empty') return reply.code(204).headers(securityHeaders(request, 'api')).send();
        if (answer !== undefined) sendJson(reply, reply.statusCode === 201 ? 201 : 200, answer, JSON_CONTENT_TYPE);
        return reply;
      },
    });
  }

  // The admin API's way to the first console account (with the automation token): it cannot sign in itself, but may make people who can.
  app.route({
    method: 'POST',
    url: '/api/v1/console-accounts',
    onRequest: async (request) => requireToken(request, ctx.credentials.admin),
    handler: async (request, reply) => {
      const body = parse(ROUTES.accountCreate.body, readJsonObject(request));
      const account = await createLocalAccount(body);
      await audit.record(request, { kind: 'adminToken', accountId: null, name: 'admin token' }, 'accountCreated', account.user_name, { role: account.role, displayName: account.display_name, via: 'local' });
      sendJson(reply, 201, accountView(account), JSON_CONTENT_TYPE);
      return reply;
    },
  });
  app.route({
    method: 'GET',
    url: '/api/v1/console-accounts',
    onRequest: async (request) => requireToken(request, ctx.credentials.admin),
    handler: async (_request, reply) => {
      sendJson(reply, 200, { accounts: (await store.accounts()).map(accountView) }, JSON_CONTENT_TYPE);
      return reply;
    },
  });

  registerConsolePage(app, options.pageDir ?? defaultPageDir());

  return {
    store,
    audit,
    live,
    close: () => {
      clearInterval(sweep);
      live.close();
    },
  };
}

