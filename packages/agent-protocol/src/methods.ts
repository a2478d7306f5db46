/**
 * Every method and push of the protocol, declared once with its schemas. The agent's
 * server and the tray's client are both built from this table.
 */
import type { z } from 'zod';
import * as s from './schemas';

interface MethodSpec<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
  /** Whether the params carry passwords: such a call is never logged with its params. */
  secret: boolean;
  summary: string;
}

function method<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

export const Methods = {
  initialize: method({
    params: s.InitializeParams,
    result: s.InitializeResult,
    secret: false,
    summary: 'The handshake. Must be the first call on a connection.',
  }),
  status: method({ params: s.Empty, result: s.AgentStatus, secret: false, summary: 'The agent\'s state for this user.' }),
  checkIn: method({
    params: s.Empty,
    result: s.CheckInResult,
    secret: false,
    summary: 'Check in with the directory now instead of at the next interval.',
  }),
  confirmChange: method({
    params: s.ConfirmChangeParams,
    result: s.SyncCallResult,
    secret: true,
    summary: 'Verify both passwords and run the sync. Progress arrives as syncProgress pushes.',
  }),
  startOver: method({
    params: s.StartOverParams,
    result: s.SyncCallResult,
    secret: true,
    summary: 'The previous password is forgotten: set the new password and start a new login keychain (policy permitting).',
  }),
  diagnostics: method({
    params: s.Empty,
    result: s.Diagnostics,
    secret: false,
    summary: 'A redacted picture of the agent for support. Never holds a secret.',
  }),
} as const;

export type MethodName = keyof typeof Methods;
export type MethodParams<M extends MethodName> = z.infer<(typeof Methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<(typeof Methods)[M]['result']>;

export const Notifications = {
  changeAdded: { params: s.ChangeAdded, summary: 'A password change arrived for this user.' },
  changeRemoved: { params: s.ChangeRemoved, summary: 'A pending change went away: synced, superseded or withdrawn.' },
  statusChanged: { params: s.StatusChanged, summary: 'Anything in status changed; carries the whole new status.' },
  syncProgress: { params: s.SyncProgress, summary: 'A step of a running sync changed state.' },
} as const;

export type NotificationName = keyof typeof Notifications;
export type NotificationParams<N extends NotificationName> = z.infer<(typeof Notifications)[N]['params']>;
