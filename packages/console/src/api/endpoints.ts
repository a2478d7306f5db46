/** Each call the console makes, named for what it does (the paths are the contract's). */
import { api } from './client';
import type { AuditEntry, ConsoleAccount, EnrolmentCode, FleetPage, Person, PersonSummary, Role, Session, SignInOptions } from './types';

const enc = encodeURIComponent;

export const signInOptions = () => api<SignInOptions>('GET', '/sign-in-options', { expectSignedOut: true });
export const currentSession = () => api<Session>('GET', '/session', { expectSignedOut: true });
export const signInLocal = (name: string, password: string) => api<Session>('POST', '/session', { body: { name, password }, expectSignedOut: true });
export const signOut = () => api<void>('DELETE', '/session');

export const findPeople = (query: string, signal: AbortSignal) => api<{ people: PersonSummary[] }>('GET', `/people?q=${enc(query)}`, { signal });
export const person = (userName: string, signal?: AbortSignal) => api<Person>('GET', `/people/${enc(userName)}`, { signal });
export const setPersonSync = (userName: string, syncEnabled: boolean) => api<void>('PATCH', `/people/${enc(userName)}`, { body: { syncEnabled } });
export const setDeviceSync = (deviceId: string, syncEnabled: boolean) => api<void>('PATCH', `/devices/${enc(deviceId)}`, { body: { syncEnabled } });
export const removeDevice = (deviceId: string) => api<void>('DELETE', `/devices/${enc(deviceId)}`);

export const fleet = (staleHours: number, cursor: string | null, signal?: AbortSignal) =>
  api<FleetPage>('GET', `/fleet?staleHours=${staleHours}${cursor ? `&cursor=${enc(cursor)}` : ''}`, { signal });

export const enrolmentCodes = () => api<{ codes: EnrolmentCode[] }>('GET', '/enrolment-codes');
export const createEnrolmentCode = (input: { userName: string; label: string; uses: number; expiresInHours: number }) =>
  api<{ code: string; enrolmentCode: EnrolmentCode }>('POST', '/enrolment-codes', { body: input });
export const revokeEnrolmentCode = (id: string) => api<void>('DELETE', `/enrolment-codes/${enc(id)}`);

export const accounts = () => api<{ accounts: ConsoleAccount[] }>('GET', '/accounts');
export const createAccount = (input: { name: string; role: Role; password: string | null }) => api<ConsoleAccount>('POST', '/accounts', { body: input });
export const setAccountRole = (id: string, role: Role) => api<void>('PATCH', `/accounts/${enc(id)}`, { body: { role } });
export const removeAccount = (id: string) => api<void>('DELETE', `/accounts/${enc(id)}`);

export const auditLog = (cursor: string | null) => api<{ entries: AuditEntry[]; nextCursor: string | null }>('GET', `/audit${cursor ? `?cursor=${enc(cursor)}` : ''}`);

/** The live events: the same push mechanism the devices use (Server-Sent Events), never polling. */
export const EVENTS_PATH = '/console/api/events';
