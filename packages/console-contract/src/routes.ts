/**
 * The console's routes, declared once: method, path, the least role that may call it,
 * what it takes (query or body) and what it answers. The directory registers its
 * handlers from this table (a route missing here cannot be served), and the page
 * builds its calls from it (`pathFor` fills the `:params`).
 *
 * Every path is under /console. The page itself is served at /console/ (its built
 * files); the JSON API under /console/api; the browser's sign-in round trip through the
 * identity provider under /console/auth (navigations, not fetches: they answer
 * redirects). Changes (POST, PATCH, DELETE) carry the session's CSRF token in the
 * `x-csrf-token` header; every route but the ones marked `public` needs a session.
 */
import type { z } from 'zod';
import {
  AccountCreate,
  AccountList,
  AccountUpdate,
  AccountView,
  AuditPage,
  AuditQuery,
  CodeCreate,
  CodeCreated,
  CodeList,
  CodeView,
  DeviceSyncAnswer,
  FleetPage,
  FleetQuery,
  LocalSignIn,
  PeoplePage,
  PeopleQuery,
  PersonPage,
  PersonSyncAnswer,
  type Role,
  Session,
  SignInMethods,
  SyncToggle,
} from './schemas';
import { EventsQuery } from './events';

export const CONSOLE_BASE = '/console';
export const CONSOLE_API = '/console/api';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: Method;
  path: string;
  /** `public`: no session needed (sign-in); otherwise the least role that may call it. */
  role: Role | 'public';
  query?: z.ZodType;
  body?: z.ZodType;
  /** The JSON answer's schema; `csv`, `events` (text/event-stream), `redirect` (302) or `empty` (204) otherwise. */
  answer: z.ZodType | 'csv' | 'events' | 'redirect' | 'empty';
}

export const ROUTES = {
  // Sign-in and the session.
  signInMethods: { method: 'GET', path: '/console/api/sign-in', role: 'public', answer: SignInMethods },
  /** Username and password of a local console account; sets the session cookie. No CSRF token (there is no session yet); the Origin must be the directory's. */
  signInLocal: { method: 'POST', path: '/console/api/sign-in/local', role: 'public', body: LocalSignIn, answer: Session },
  /** Browser navigation: redirects to the identity provider (authorization code + PKCE, state, nonce). `?returnTo=/console/...` comes back there. */
  signInOidc: { method: 'GET', path: '/console/auth/oidc', role: 'public', answer: 'redirect' },
  /** The identity provider redirects back here; sets the session cookie and redirects to the console (or to /console/?signInError=CODE). */
  oidcCallback: { method: 'GET', path: '/console/auth/callback', role: 'public', answer: 'redirect' },
  /** The current session (and its CSRF token); `signedOut` (401) without one. Also extends the idle timeout, as every request does. */
  session: { method: 'GET', path: '/console/api/session', role: 'support', answer: Session },
  signOut: { method: 'DELETE', path: '/console/api/session', role: 'support', answer: 'empty' },

  // People.
  people: { method: 'GET', path: '/console/api/people', role: 'support', query: PeopleQuery, answer: PeoplePage },
  person: { method: 'GET', path: '/console/api/people/:userName', role: 'support', answer: PersonPage },
  personSync: { method: 'PATCH', path: '/console/api/people/:userName', role: 'support', body: SyncToggle, answer: PersonSyncAnswer },
  deviceSync: { method: 'PATCH', path: '/console/api/devices/:deviceId', role: 'support', body: SyncToggle, answer: DeviceSyncAnswer },
  deviceRemove: { method: 'DELETE', path: '/console/api/devices/:deviceId', role: 'admin', answer: 'empty' },
  /**
   * Server-sent events (EventSource, with the session cookie): `?userName=` follows one
   * person (events `hello` and `person`, see events.ts). No polling: an event leaves when a
   * device reports, checks in, opens or closes its stream, or someone changes its sync.
   */
  events: { method: 'GET', path: '/console/api/events', role: 'support', query: EventsQuery, answer: 'events' },

  // The fleet.
  fleet: { method: 'GET', path: '/console/api/fleet', role: 'support', query: FleetQuery, answer: FleetPage },
  /** Every stale device the fleet view lists for this staleHours (all pages), as CSV (FLEET_CSV_COLUMNS). */
  fleetCsv: { method: 'GET', path: '/console/api/fleet.csv', role: 'support', query: FleetQuery, answer: 'csv' },

  // Enrolment codes (admin).
  codes: { method: 'GET', path: '/console/api/enrolment-codes', role: 'admin', answer: CodeList },
  codeCreate: { method: 'POST', path: '/console/api/enrolment-codes', role: 'admin', body: CodeCreate, answer: CodeCreated },
  codeRevoke: { method: 'DELETE', path: '/console/api/enrolment-codes/:codeId', role: 'admin', answer: CodeView },

  // Console accounts (admin).
  accounts: { method: 'GET', path: '/console/api/accounts', role: 'admin', answer: AccountList },
  accountCreate: { method: 'POST', path: '/console/api/accounts', role: 'admin', body: AccountCreate, answer: AccountView },
  accountUpdate: { method: 'PATCH', path: '/console/api/accounts/:accountId', role: 'admin', body: AccountUpdate, answer: AccountView },
  accountRemove: { method: 'DELETE', path: '/console/api/accounts/:accountId', role: 'admin', answer: 'empty' },

  // The audit log (admin).
  audit: { method: 'GET', path: '/console/api/audit', role: 'admin', query: AuditQuery, answer: AuditPage },
  /** The whole log, newest first, as CSV (AUDIT_CSV_COLUMNS). */
  auditCsv: { method: 'GET', path: '/console/api/audit.csv', role: 'admin', answer: 'csv' },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}` ? Name | ParamsOf<`/${Rest}`> : P extends `${string}:${infer Name}` ? Name : never;
export type RouteParams<N extends RouteName> = { [K in ParamsOf<(typeof ROUTES)[N]['path']>]: string };

/** The route's path with its `:params` filled in (each encoded). */
export function pathFor<N extends RouteName>(name: N, params: RouteParams<N>): string {
  return ROUTES[name].path.replace(/:([A-Za-z]+)/g, (_, key: string) => encodeURIComponent((params as Record<string, string>)[key]!));
}

/** The JSON answer type of a route. */
export type AnswerOf<N extends RouteName> = (typeof ROUTES)[N]['answer'] extends z.ZodType ? z.infer<(typeof ROUTES)[N]['answer']> : never;
/** The JSON body type a route takes. */
export type BodyOf<N extends RouteName> = (typeof ROUTES)[N] extends { body: z.ZodType } ? z.input<(typeof ROUTES)[N]['body']> : never;
/** The query a route takes. */
export type QueryOf<N extends RouteName> = (typeof ROUTES)[N] extends { query: z.ZodType } ? z.input<(typeof ROUTES)[N]['query']> : never;
