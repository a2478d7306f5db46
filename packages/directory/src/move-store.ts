/**
 * `pwsync-directory move-store`: copies an embedded (SQLite) directory into an empty
 * PostgreSQL database, for an organisation that outgrows one instance. Everything goes:
 * every row of every table, with its numbers (change sequence numbers, the order rows
 * were made in), so device tokens, pending changes and their hashes, results and codes
 * work on PostgreSQL as they did. One transaction on the target: a copy that fails half
 * way leaves the target empty. The counts are checked per table before it commits.
 *
 * It refuses a target that holds any row, and a source with a table it does not know
 * (a table added without its entry in TABLES_IN_ORDER would otherwise be left behind).
 * Stop the directory before moving: rows written meanwhile would not be copied.
 */
import { existsSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { type Store, type StoreConfig, openStore } from './store';
import { CONSOLE_TABLES_IN_ORDER } from './console/console-store';
import { TABLES_IN_ORDER } from './store-tables';

/** Made by the target's own triggers as the users are copied in (the console's search terms): compared, not copied. */
const DERIVED_TABLES = ['person_search'] as const;
/** The directory's tables, then the support console's (migration 0004). */
const MOVED: readonly string[] = [...TABLES_IN_ORDER, ...CONSOLE_TABLES_IN_ORDER];

export class MoveError extends Error {}

const BATCH = 500;

export interface MoveReport {
  /** Rows copied, per table. */
  copied: Record<string, number>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables are copied by name, whatever their columns
type AnyDb = Kysely<any>;

async function count(db: AnyDb, table: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The source's own tables (not SQLite's or the migrator's). */
async function sourceTables(db: AnyDb): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`.execute(db);
  return rows.rows.map((r) => r.name);
}

async function targetColumns(db: AnyDb, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`.execute(db);
  return rows.rows.map((r) => r.column_name);
}

/** Identity columns, whose sequences must continue after the highest number copied. */
async function identityColumns(db: AnyDb, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table} AND is_identity = 'YES'`.execute(db);
  return rows.rows.map((r) => r.column_name);
}

export async function moveStore(from: string, to: StoreConfig & { engine: 'postgres' }): Promise<MoveReport> {
  if (!existsSync(from)) throw new MoveError(`${from} does not exist`);
  // Opening brings both to this version's schema (the source's file is migrated in place, as a start would).
  const source = await openStore({ engine: 'sqlite', file: from });
  let target: Store | undefined;
  try {
    const sourceDb = source.q.db as unknown as AnyDb;
    const unknown = (await sourceTables(sourceDb)).filter((t) => !MOVED.includes(t) && !(DERIVED_TABLES as readonly string[]).includes(t));
    if (unknown.length) throw new MoveError(`${from} has tables this version does not know how to move: ${unknown.join(', ')}`);
    target = await openStore(to);
    const copied: Record<string, number> = {};
    await target.transaction(async (tx) => {
      const db = tx.db as unknown as AnyDb;
      const held = [];
      for (const table of [...MOVED, ...DERIVED_TABLES]) {
        const n = await count(db, table);
        if (n > 0) held.push(`${n} ${table}`);
      }
      if (held.length) throw new MoveError(`the target database is not empty (${held.join(', ')}): move-store copies only into a new, empty database`);
      for (const table of MOVED) {
        const columns = await targetColumns(db, table);
        // `rowid` is SQLite's own row number there, selected by name; the order it gives is kept.
        const order = columns.includes('rowid') ? 'rowid' : columns.includes('seq') ? 'seq' : columns[0]!;
        let moved = 0;
        for (let offset = 0; ; offset += BATCH) {
          const rows = await sourceDb.selectFrom(table).select(columns).orderBy(order).limit(BATCH).offset(offset).execute();
          if (rows.length === 0) break;
          await db.insertInto(table).values(rows).execute();
          moved += rows.length;
        }
        for (const column of await identityColumns(db, table)) {
          await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), COALESCE((SELECT MAX(${sql.ref(column)}) FROM ${sql.table(table)}), 0) + 1, false)`.execute(db);
        }
        const [inSource, inTarget] = [await count(sourceDb, table), await count(db, table)];
        if (inSource !== moved || inTarget !== moved) throw new MoveError(`${table}: ${inSource} rows in the source, ${moved} copied, ${inTarget} in the target; nothing was moved`);
        copied[table] = moved;
      }
      for (const table of DERIVED_TABLES) {
        const [inSource, inTarget] = [await count(sourceDb, table), await count(db, table)];
        if (inSource !== inTarget) throw new MoveError(`${table}: ${inSource} rows in the source, ${inTarget} made in the target; nothing was moved`);
      }
    });
    return { copied };
  } finally {
    await source.close();
    await target?.close();
  }
}
