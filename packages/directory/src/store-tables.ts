/**
 * The directory's tables as kysely sees them: the one declaration queries are typed
 * against, on both engines. A migration (migrations/) changes the database; the table's
 * interface here changes with it, in the same commit.
 *
 * `rowid` is SQLite's implicit row number, and on PostgreSQL an identity column of the
 * same name (migrations/0001-initial.ts), so "in the order they were made" reads the
 * same on both engines. Never written by a query.
 */
import type { Generated, Selectable } from 'kysely';

export interface UsersTable {
  rowid: Generated<number>;
  id: string;
  user_name: string;
  user_name_key: string;
  external_id: string | null;
  active: number;
  sync_enabled: Generated<number>;
  profile: string;
  version: number;
  created: string;
  last_modified: string;
  resend_check: string | null;
}

export interface ChangesTable {
  seq: Generated<number>;
  id: string;
  user_id: string;
  created_at: string;
  provider: string;
}

/** A change's hashes, while a device still needs one of them (migrations/0002-change-hashes.ts says why a table of their own). */
export interface ChangeHashesTable {
  change_id: string;
  sha512crypt: string | null;
  pbkdf2: string | null;
}

export interface DevicesTable {
  rowid: Generated<number>;
  id: string;
  user_id: string;
  device_name: string;
  platform: 'darwin' | 'linux' | 'win32';
  token_hash: Buffer;
  sync_enabled: number;
  last_check_in: string | null;
  created_at: string;
  /** The newest change when the device enrolled: it is offered only changes made after it. */
  min_change_seq: number;
  enrolment_code_id: string | null;
}

export interface ResultsTable {
  seq: Generated<number>;
  device_id: string;
  change_id: string;
  outcome: string;
  failed_step: string | null;
  at: string;
  received_at: string | null;
}

export interface EnrolmentCodesTable {
  rowid: Generated<number>;
  id: string;
  code_hash: Buffer;
  user_id: string;
  label: string;
  uses_total: number;
  uses_left: number;
  expires_at: string;
  created_at: string;
  revoked_at: string | null;
}

export interface Tables {
  users: UsersTable;
  changes: ChangesTable;
  change_hashes: ChangeHashesTable;
  devices: DevicesTable;
  results: ResultsTable;
  enrolment_codes: EnrolmentCodesTable;
}

/** Rows as queries return them (`rowid` is never read). */
export type UserRow = Omit<Selectable<UsersTable>, 'rowid' | 'user_name_key'>;
/** A change with its hashes (null once erased). */
export type ChangeRow = Selectable<ChangesTable> & Omit<Selectable<ChangeHashesTable>, 'change_id'>;
export type DeviceRow = Omit<Selectable<DevicesTable>, 'rowid' | 'token_hash' | 'enrolment_code_id'>;
export type ResultRow = Pick<Selectable<ResultsTable>, 'change_id' | 'outcome' | 'failed_step' | 'at' | 'received_at'>;
export type EnrolmentCodeRow = Omit<Selectable<EnrolmentCodesTable>, 'rowid' | 'code_hash'>;

/** The tables in the order a copy must fill them (parents before the rows that refer to them). */
export const TABLES_IN_ORDER = ['users', 'changes', 'change_hashes', 'enrolment_codes', 'devices', 'results'] as const satisfies ReadonlyArray<keyof Tables>;
