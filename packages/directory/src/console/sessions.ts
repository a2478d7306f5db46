/**
 * Console sessions, kept in the database (so every directory instance sharing it
 * knows them) by the SHA-256 of the cookie's value, which is 32 random bytes the
 * browser alone holds. A session ends at the first of: its idle timeout since the last
 * request, its absolute lifetime, sign-out, or its account being disabled, removed or
 * given a new password.
 *
 * The cookie is HttpOnly, Secure and SameSite=Strict, Path=/console. Secure also when
 * the directory speaks plain HTTP on loopback: browsers treat http://127.0.0.1 and
 * http://localhost as secure contexts and keep Secure cookies there, so one rule holds
 * everywhere and a cookie set over loopback can never leave over plain HTTP elsewhere.
 * Over https it is named with the __Host- prefix (no Domain, so no sibling host can
 * set or shadow it); the prefix needs Path=/, so the name then carries the path rule.
 *
 * CSRF: the synchronizer-token pattern. Each session has its own random token, given to
 * the page in the session answer and required (compared in constant time) in the
 * x-csrf-token header of every change; changes must also come from our own origin
 * (Origin and Sec-Fetch-Site, when the browser sends them). Chosen over
 * @fastify/csrf-protection's double-submit cookie because the session is already
 * server-side: the token lives and ends with it, and needs no second cookie or secret.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
// Its types add cookies to requests and replies; the plugin is registered in console-api.ts.
import type {} from '@fastify/cookie';
import { CSRF_HEADER, type Role, type Session } from '@pwsync/console-contract';
import type { DirectoryContext } from '../context';
import { sha256 } from '../http-io';
import type { AccountRow, ConsoleStore, SessionRow } from './console-store';
import { csrfRefused, signedOut } from './console-error';

export interface SessionOptions {
  idleTimeoutMs: number;
  lifetimeMs: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = { idleTimeoutMs: 30 * 60 * 1000, lifetimeMs: 12 * 60 * 60 * 1000 };

/** How often at most a session's idle deadline is written again (each request moves it). */
const TOUCH_EVERY_MS = 30 * 1000;

export interface SignedIn {
  session: SessionRow;
  account: AccountRow;
  idHash: Buffer;
}

export class Sessions {
  constructor(
    private readonly ctx: DirectoryContext,
    private readonly store: ConsoleStore,
    private readonly options: SessionOptions,
  ) {}

  cookieName(request: FastifyRequest): string {
    return request.protocol === 'https' ? '__Host-pwsync-console' : 'pwsync-console';
  }

  private cookieOptions(request: FastifyRequest) {
    const https = request.protocol === 'https';
    return { httpOnly: true, secure: true, sameSite: 'strict' as const, path: https ? '/' : '/console' };
  }

  /** A new session for the account: the cookie is set on the reply, the row stored. */
  async start(request: FastifyRequest, reply: FastifyReply, account: AccountRow): Promise<Session> {
    const id = randomBytes(32).toString('base64url');
    const now = this.ctx.now().getTime();
    const row: SessionRow = {
      id_hash: sha256(id),
      account_id: account.id,
      csrf_token: randomBytes(32).toString('base64url'),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.options.lifetimeMs).toISOString(),
      idle_expires_at: new Date(now + Math.min(this.options.idleTimeoutMs, this.options.lifetimeMs)).toISOString(),
    };
    await this.store.insertSession(row);
    await this.store.signedIn(account.id, row.created_at);
    reply.setCookie(this.cookieName(request), id, this.cookieOptions(request));
    return describeSession(row, account);
  }

  /** The request's session, still alive (its idle deadline moved on), or undefined. */
  async current(request: FastifyRequest): Promise<SignedIn | undefined> {
    const value = request.cookies[this.cookieName(request)];
    if (!value || value.length > 100) return undefined;
    const idHash = sha256(value);
    const session = await this.store.session(idHash);
    if (!session) return undefined;
    const now = this.ctx.now().getTime();
    if (Date.parse(session.expires_at) <= now || Date.parse(session.idle_expires_at) <= now) {
      await this.store.deleteSession(idHash);
      return undefined;
    }
    const account = await this.store.account(session.account_id);
    if (!account || account.disabled) {
      await this.store.deleteSession(idHash);
      return undefined;
    }
    const idle = Math.min(now + this.options.idleTimeoutMs, Date.parse(session.expires_at));
    if (idle - Date.parse(session.idle_expires_at) >= TOUCH_EVERY_MS) {
      session.idle_expires_at = new Date(idle).toISOString();
      await this.store.touchSession(idHash, session.idle_expires_at);
    }
    return { session, account, idHash };
  }

  /** Whether a session (by its stored hash) is still alive now: for open event streams. */
  async alive(idHash: Buffer): Promise<'alive' | 'idle' | 'expired' | 'signedOut' | 'disabled'> {
    const session = await this.store.session(idHash);
    if (!session) return 'signedOut';
    const now = this.ctx.now().getTime();
    if (Date.parse(session.expires_at) <= now) return 'expired';
    if (Date.parse(session.idle_expires_at) <= now) return 'idle';
    const account = await this.store.account(session.account_id);
    return !account || account.disabled ? 'disabled' : 'alive';
  }

  async end(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn): Promise<void> {
    await this.store.deleteSession(signedIn.idHash);
    reply.clearCookie(this.cookieName(request), this.cookieOptions(request));
  }

  /** Refuses a change without the session's token, or from another site. */
  checkCsrf(request: FastifyRequest, signedIn: SignedIn): void {
    checkSameOrigin(request, this.ctx.publicUrl);
    const sent = request.headers[CSRF_HEADER];
    const token = typeof sent === 'string' ? Buffer.from(sent) : Buffer.alloc(0);
    const expected = Buffer.from(signedIn.session.csrf_token);
    if (token.length !== expected.length || !timingSafeEqual(token, expected)) throw csrfRefused();
  }
}

/** A browser says where a request comes from; one from another site is refused (clients that say nothing are not browsers). */
export function checkSameOrigin(request: FastifyRequest, publicUrl: string): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw csrfRefused();
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== publicUrl) throw csrfRefused();
}

export function describeSession(row: SessionRow, account: AccountRow): Session {
  return {
    account: { id: account.id, userName: account.user_name, displayName: account.display_name, role: account.role, via: account.via },
    csrfToken: row.csrf_token,
    idleExpiresAt: row.idle_expires_at,
    expiresAt: row.expires_at,
  };
}

export function requireSession(signedIn: SignedIn | undefined): SignedIn {
  if (!signedIn) throw signedOut();
  return signedIn;
}

export type { Role };
