/**
 * The audit log: every change made through the console or the admin API, with who
 * (a console account, or the automation token), what, to what, when and from where.
 * What goes in `details` is chosen here, field by field, from facts of the change; no
 * caller can hand it a token, code, password or hash (test/console-audit.test.ts searches
 * the whole log for the ones its tests used).
 */
import type { FastifyRequest } from 'fastify';
import { AUDIT_CSV_COLUMNS, type AuditAction, type AuditEntry } from '@pwsync/console-contract';
import type { DirectoryContext } from '../context';
import { newId } from '../store';
import type { AuditRow, ConsoleStore } from './console-store';
import { csvRow } from './csv';

export interface Actor {
  kind: 'console' | 'adminToken';
  accountId: string | null;
  name: string;
}

export const ADMIN_TOKEN_ACTOR: Actor = { kind: 'adminToken', accountId: null, name: 'admin token' };

type Detail = string | number | boolean | null;
/** The facts an entry may carry: nothing else is written. */
export interface AuditDetails {
  userName?: string;
  deviceName?: string;
  platform?: string;
  syncEnabled?: boolean;
  uses?: number;
  label?: string;
  expiresAt?: string;
  role?: string;
  displayName?: string;
  disabled?: boolean;
  passwordChanged?: boolean;
  via?: string;
  reason?: string;
}
const DETAIL_KEYS: ReadonlyArray<keyof AuditDetails> = ['userName', 'deviceName', 'platform', 'syncEnabled', 'uses', 'label', 'expiresAt', 'role', 'displayName', 'disabled', 'passwordChanged', 'via', 'reason'];

export function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, accountId: row.actor_account_id, name: row.actor_name },
    action: row.action as AuditAction,
    target: row.target,
    details: JSON.parse(row.details) as Record<string, Detail>,
    from: row.from_addr,
  };
}

export class AuditLog {
  constructor(
    private readonly ctx: DirectoryContext,
    private readonly store: ConsoleStore,
  ) {}

  async record(request: FastifyRequest, actor: Actor, action: AuditAction, target: string | null, details: AuditDetails = {}): Promise<void> {
    const kept: Record<string, Detail> = {};
    for (const key of DETAIL_KEYS) if (details[key] !== undefined) kept[key] = details[key] as Detail;
    await this.store.insertAudit({
      id: newId('aud'),
      at: this.ctx.now().toISOString(),
      actor_kind: actor.kind,
      actor_account_id: actor.accountId,
      actor_name: actor.name,
      action,
      target,
      details: JSON.stringify(kept),
      // request.ip: the socket's address, or through a named proxy the address it forwarded.
      from_addr: request.ip,
    });
  }

  async page(cursor: string | undefined, limit: number): Promise<{ entries: AuditEntry[]; next: string | null }> {
    const before = cursor && /^\d{1,15}$/.test(cursor) ? Number(cursor) : Number.MAX_SAFE_INTEGER;
    const rows = await this.store.auditPage(before, limit + 1);
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    return { entries: shown.map(toEntry), next: more ? String(shown[shown.length - 1]!.seq) : null };
  }

  async ofTargets(targets: string[], limit: number): Promise<AuditEntry[]> {
    const all = (await Promise.all(targets.map((t) => this.store.auditOfTarget(t, limit)))).flat();
    return all.sort((a, b) => b.seq - a.seq).slice(0, limit).map(toEntry);
  }

  /** The whole log, newest first, a page at a time so a long log is never held at once. */
  async *csv(): AsyncGenerator<string> {
    yield csvRow(AUDIT_CSV_COLUMNS);
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await this.store.auditPage(before, 1000);
      for (const row of rows) {
        const e = toEntry(row);
        yield csvRow([e.at, e.actor.kind, e.actor.name, e.action, e.target, JSON.stringify(e.details), e.from]);
      }
      if (rows.length < 1000) return;
      before = rows[rows.length - 1]!.seq;
    }
  }
}
