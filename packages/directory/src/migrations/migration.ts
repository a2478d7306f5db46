/**
 * What a migration is: a numbered file in this folder, run once per database, in name
 * order, by kysely's Migrator (store-migrate.ts), on whichever engine the directory
 * runs on. `up` gets the engine for the few places where the two differ (an
 * auto-numbered column, a byte column); everything else is written once with kysely's
 * schema builder. A migration that ran is never edited: a change is a new file.
 */
import type { ColumnDataType, Kysely } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export interface EngineMigration {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the database as it was then, not today's Tables
  up(db: Kysely<any>, engine: Engine): Promise<void>;
}

/** Column types that are spelled differently by the two engines. */
export function typesOf(engine: Engine): { bytes: ColumnDataType; bigint: ColumnDataType } {
  return engine === 'postgres' ? { bytes: 'bytea', bigint: 'bigint' } : { bytes: 'blob', bigint: 'integer' };
}
