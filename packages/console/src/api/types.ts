/**
 * What the console's JSON API sends and takes. The directory's console-api package owns
 * the contract; until it lands these are the console's reading of issue 16, kept in this
 * one file so that following the contract touches nothing else.
 */
export type Role = 'support' | 'admin';
export type Platform = 'darwin' | 'linux' | 'win32';
export type SyncStep = 'verifyNew' | 'verifyPrevious' | 'account' | 'keychain' | 'fileVault' | 'report';

export interface Session {
  account: { id: string; name: string; role: Role };
  csrfToken: string;
  /** When the session ends unless used again (idle timeout). */
  idleExpiresAt: string;
}

export interface SignInOptions {
  /** The organisation's identity provider, when OpenID Connect is set up. */
  oidc: { name: string; startUrl: string } | null;
  local: boolean;
}

export interface PersonSummary {
  userName: string;
  displayName: string | null;
  email: string | null;
  active: boolean;
  devices: number;
}

export interface PendingChange {
  changeId: string;
  createdAt: string;
  provider: string;
}

/** A device's result for the pending (or latest) change. */
export type DeviceResult =
  | { state: 'synced'; changeId: string; at: string }
  | { state: 'failed'; changeId: string; at: string; failedStep: SyncStep | null; reason: string | null }
  | { state: 'waiting'; changeId: string }
  | { state: 'none' };

export interface DeviceView {
  deviceId: string;
  deviceName: string;
  platform: Platform;
  syncEnabled: boolean;
  online: boolean;
  lastCheckIn: string | null;
  enrolledAt: string;
  result: DeviceResult;
}

export interface HistoryEntry {
  at: string;
  kind: 'changed' | 'synced' | 'failed' | 'enrolled' | 'removed' | 'syncOff' | 'syncOn';
  deviceName: string | null;
  failedStep: SyncStep | null;
  reason: string | null;
  by: string | null;
}

export interface Person {
  userName: string;
  displayName: string | null;
  email: string | null;
  active: boolean;
  syncEnabled: boolean;
  provider: string | null;
  pendingChange: PendingChange | null;
  devices: DeviceView[];
  history: HistoryEntry[];
}

export type FleetState = 'synced' | 'failed' | 'waiting' | 'offline' | 'syncOff' | 'none';

export interface FleetRow {
  userName: string;
  displayName: string | null;
  deviceId: string;
  deviceName: string;
  platform: Platform;
  state: FleetState;
  online: boolean;
  lastCheckIn: string | null;
  lastSyncedAt: string | null;
}

export interface FleetPage {
  counts: Record<FleetState, number>;
  rows: FleetRow[];
  nextCursor: string | null;
}

export interface EnrolmentCode {
  id: string;
  userName: string;
  label: string;
  usesTotal: number;
  usesLeft: number;
  expiresAt: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface ConsoleAccount {
  id: string;
  name: string;
  role: Role;
  kind: 'local' | 'oidc';
  lastSignInAt: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  from: string;
}

/** A live event from the console's event stream. */
export interface ConsoleEvent {
  type: 'device' | 'person';
  userName: string;
  deviceId?: string;
}
