/**
 * Each call the console makes, named as the contract names its route. The paths are
 * written here as text so the page need not bundle the contract's schemas, and the type
 * below makes each one equal to the contract's, letter for letter: a route that moves in
 * the contract is a compile error here.
 */
import { api } from './client';
import type { AnswerOf, BodyOf, Role, ROUTES, RouteName } from './types';

const PATHS = {
  signInMethods: '/console/api/sign-in',
  signInLocal: '/console/api/sign-in/local',
  signInOidc: '/console/auth/oidc',
  session: '/console/api/session',
  signOut: '/console/api/session',
  people: '/console/api/people',
  person: '/console/api/people/:userName',
  personSync: '/console/api/people/:userName',
  deviceSync: '/console/api/devices/:deviceId',
  deviceRemove: '/console/api/devices/:deviceId',
  events: '/console/api/events',
  fleet: '/console/api/fleet',
  fleetCsv: '/console/api/fleet.csv',
  codes: '/console/api/enrolment-codes',
  codeCreate: '/console/api/enrolment-codes',
  codeRevoke: '/console/api/enrolment-codes/:codeId',
  accounts: '/console/api/accounts',
  accountCreate: '/console/api/accounts',
  accountUpdate: '/console/api/accounts/:accountId',
  accountRemove: '/console/api/accounts/:accountId',
  audit: '/console/api/audit',
  auditCsv: '/console/api/audit.csv',
} as const satisfies { [N in Exclude<RouteName, 'oidcCallback'>]: (typeof ROUTES)[N]['path'] };

type Named = keyof typeof PATHS;

/** The route's path with its `:params` filled in, each encoded (as the contract's pathFor). */
export function pathFor(name: Named, params: Record<string, string> = {}): string {
  return PATHS[name].replace(/:([A-Za-z]+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
}

export const signInMethods = () => api<AnswerOf<'signInMethods'>>('GET', pathFor('signInMethods'), { expectSignedOut: true });
export const currentSession = () => api<AnswerOf<'session'>>('GET', pathFor('session'), { expectSignedOut: true });
export const signInLocal = (body: BodyOf<'signInLocal'>) => api<AnswerOf<'signInLocal'>>('POST', pathFor('signInLocal'), { body, expectSignedOut: true });
export const signOut = () => api<void>('DELETE', pathFor('signOut'));
/** A navigation, not a fetch: the directory redirects to the identity provider and back. */
export const oidcStartUrl = () => `${pathFor('signInOidc')}?returnTo=${encodeURIComponent('/console/')}`;

export const findPeople = (q: string, signal: AbortSignal) => api<AnswerOf<'people'>>('GET', pathFor('people'), { query: { q, limit: 20 }, signal });
export const person = (userName: string, signal?: AbortSignal) => api<AnswerOf<'person'>>('GET', pathFor('person', { userName }), { signal });
export const setPersonSync = (userName: string, syncEnabled: boolean) => api<AnswerOf<'personSync'>>('PATCH', pathFor('personSync', { userName }), { body: { syncEnabled } });
export const setDeviceSync = (deviceId: string, syncEnabled: boolean) => api<AnswerOf<'deviceSync'>>('PATCH', pathFor('deviceSync', { deviceId }), { body: { syncEnabled } });
export const removeDevice = (deviceId: string) => api<void>('DELETE', pathFor('deviceRemove', { deviceId }));
export const personEventsUrl = (userName: string) => `${pathFor('events')}?userName=${encodeURIComponent(userName)}`;

export const fleet = (staleHours: number, cursor: string | null, signal?: AbortSignal) =>
  api<AnswerOf<'fleet'>>('GET', pathFor('fleet'), { query: { staleHours, cursor: cursor ?? undefined }, signal });
export const fleetCsvUrl = (staleHours: number) => `${pathFor('fleetCsv')}?staleHours=${staleHours}`;

export const enrolmentCodes = () => api<AnswerOf<'codes'>>('GET', pathFor('codes'));
export const createEnrolmentCode = (body: BodyOf<'codeCreate'>) => api<AnswerOf<'codeCreate'>>('POST', pathFor('codeCreate'), { body });
export const revokeEnrolmentCode = (codeId: string) => api<AnswerOf<'codeRevoke'>>('DELETE', pathFor('codeRevoke', { codeId }));

export const accounts = () => api<AnswerOf<'accounts'>>('GET', pathFor('accounts'));
export const createAccount = (body: BodyOf<'accountCreate'>) => api<AnswerOf<'accountCreate'>>('POST', pathFor('accountCreate'), { body });
export const updateAccount = (accountId: string, body: BodyOf<'accountUpdate'>) => api<AnswerOf<'accountUpdate'>>('PATCH', pathFor('accountUpdate', { accountId }), { body });
export const removeAccount = (accountId: string) => api<void>('DELETE', pathFor('accountRemove', { accountId }));

export const auditLog = (cursor: string | null) => api<AnswerOf<'audit'>>('GET', pathFor('audit'), { query: { cursor: cursor ?? undefined } });
export const auditCsvUrl = () => pathFor('auditCsv');

export type { Role };
