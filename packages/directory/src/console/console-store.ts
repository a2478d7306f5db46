/**
 * The support console's own tables and every query it makes of them, on the store's
 * query layer (kysely, over SQLite or PostgreSQL), behind one small async interface.
 * Its tables come in their own migration (migrations/0003-console.ts).
 *
 * Nothing here holds a secret in a form that could be used: sessions are kept by the
 * SHA-256 of their cookie value, OpenID Connect logins by the SHA-256 of their state,
 * local passwords as scrypt hashes (accounts.ts), and the audit log holds none of these.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../store';

export type AccountRow = {
  id: string;
  user_name: string;
  user_name_key: string;
  display_name: string;
  role: 'support' | 'admin';
  via: 'oidc' | 'local';
  /** `issuer sub` of an account made by OpenID Connect sign-in. */
  subject: string | null;
  password_hash: string | null;
  disabled: number;
  created_at: string;
  last_sign_in_at: string | null;
  failed_tries: number;
  locked_until: string | null;
};

export type SessionRow = {
  id_hash: Buffer;
  account_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  idle_expires_at: string;
};

export type OidcLoginRow = {
  state_hash: Buffer;
  code_verifier: string;
  nonce: string;
  return_to: string;
  expires_at: string;
};

export type AuditRow = {
  seq: number;
  id: string;
  at: string;
  actor_kind: 'console' | 'adminToken';
  actor_account_id: string | null;
  actor_name: string;
  action: string;
  target: string | null;
  details: string;
  from_addr: string;
};

export type ConsoleTables = {
  console_accounts: AccountRow;
  console_sessions: SessionRow;
  console_oidc_logins: OidcLoginRow;
  audit_log: AuditRow;
};

/** The console's tables in the order a copy must fill them (move-store.ts): accounts before their sessions. */
export const CONSOLE_TABLES_IN_ORDER = ['console_accounts', 'console_sessions', 'console_oidc_logins', 'audit_log'] as const satisfies ReadonlyArray<keyof ConsoleTables>;

export type ConsoleStore = ReturnType<typeof consoleStore>;

export function consoleStore(store: Store) {
  // The store's kysely, with this module's tables (store.q.db refuses use inside a transaction, as store.q does).
  const db = store.q.db.withTables<ConsoleTables>() as unknown as Kysely<ConsoleTables>;
  return {
    account: (id: string) => db.selectFrom('console_accounts').selectAll().where('id', '=', id).executeTakeFirst(),
    accountByName: (key: string) => db.selectFrom('console_accounts').selectAll().where('user_name_key', '=', key).executeTakeFirst(),
    accountBySubject: (subject: string) => db.selectFrom('console_accounts').selectAll().where('subject', '=', subject).executeTakeFirst(),
    accounts: () => db.selectFrom('console_accounts').selectAll().orderBy('user_name_key').limit(10_000).execute(),
    async insertAccount(row: Omit<AccountRow, 'disabled' | 'last_sign_in_at' | 'failed_tries' | 'locked_until'>): Promise<AccountRow> {
      await db.insertInto('console_accounts').values({ ...row, disabled: 0, last_sign_in_at: null, failed_tries: 0, locked_until: null }).execute();
      return (await db.selectFrom('console_accounts').selectAll().where('id', '=', row.id).executeTakeFirst())!;
    },
    /** Writes the account's changeable fields; a disabled account or a new password ends its sessions in the same transaction. */
    async updateAccount(row: AccountRow, endSessions: boolean): Promise<AccountRow> {
      return store.transaction(async (tx) => {
        const t = tx.db.withTables<ConsoleTables>() as unknown as Kysely<ConsoleTables>;
        await t.updateTable('console_accounts').set({ display_name: row.display_name, role: row.role, disabled: row.disabled, password_hash: row.password_hash }).where('id', '=', row.id).execute();
        if (endSessions) await t.deleteFrom('console_sessions').where('account_id', '=', row.id).execute();
        return (await t.selectFrom('console_accounts').selectAll().where('id', '=', row.id).executeTakeFirst())!;
      });
    },
    async deleteAccount(id: string): Promise<boolean> {
      const result = await db.deleteFrom('console_accounts').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async signedIn(id: string, at: string): Promise<void> {
      await db.updateTable('console_accounts').set({ last_sign_in_at: at, failed_tries: 0, locked_until: null }).where('id', '=', id).execute();
    },
    async failedTry(id: string, lockedUntil: string | null): Promise<void> {
      await db.updateTable('console_accounts').set((eb) => ({ failed_tries: eb('failed_tries', '+', 1), locked_until: lockedUntil })).where('id', '=', id).execute();
    },
    async insertSession(row: SessionRow): Promise<void> {
      await db.insertInto('console_sessions').values(row).execute();
    },
    session: (idHash: Buffer) => db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst(),
    async touchSession(idHash: Buffer, idleExpiresAt: string): Promise<void> {
      await db.updateTable('console_sessions').set({ idle_expires_at: idleExpiresAt }).where('id_hash', '=', idHash).execute();
    },
    async deleteSession(idHash: Buffer): Promise<void> {
      await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteEnded(now: string): Promise<void> {
      await db.deleteFrom('console_sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)])).execute();
      await db.deleteFrom('console_oidc_logins').where('expires_at', '<=', now).execute();
    },
    async insertLogin(row: OidcLoginRow): Promise<void> {
      await db.insertInto('console_oidc_logins').values(row).execute();
    },
    /** A login's state is good once: read and deleted together. */
    takeLogin: (stateHash: Buffer) => db.deleteFrom('console_oidc_logins').where('state_hash', '=', stateHash).returningAll().executeTakeFirst(),
    async loginCount(): Promise<number> {
      const row = await db.selectFrom('console_oidc_logins').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insertAudit(row: Omit<AuditRow, 'seq'>): Promise<void> {
      await db.insertInto('audit_log').values(row as AuditRow).execute();
    },
    /** Newest first, before the entry `beforeSeq` (exclusive). */
    async auditPage(beforeSeq: number, limit: number): Promise<AuditRow[]> {
      const rows = await db.selectFrom('audit_log').selectAll().where('seq', '<', beforeSeq).orderBy('seq', 'desc').limit(limit).execute();
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },
    async auditOfTarget(target: string, limit: number): Promise<AuditRow[]> {
      const rows = await db.selectFrom('audit_log').selectAll().where('target', '=', target).orderBy('seq', 'desc').limit(limit).execute();
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },
  };
}
