/**
 * Brings a database up to this version's schema with kysely's Migrator: it records
 * what ran in `kysely_migration`, runs the rest in name order, and on PostgreSQL holds
 * an advisory lock meanwhile, so instances starting together migrate once. A database
 * from a newer version (a migration this one does not know) is refused, not guessed at.
 */
import { type Kysely, type Migration, Migrator } from 'kysely';
import { MIGRATIONS } from './migrations/index';
import type { Engine } from './migrations/migration';

export class MigrationError extends Error {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the database untyped
export async function migrateToLatest(db: Kysely<any>, engine: Engine): Promise<string[]> {
  const migrations: Record<string, Migration> = Object.fromEntries(Object.entries(MIGRATIONS).map(([name, m]) => [name, { up: (d) => m.up(d, engine) }]));
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    const unknown = /previously executed migration (\S+) is missing/.exec(reason)?.[1];
    if (unknown) throw new MigrationError(`a newer version of pwsync-directory has migrated this database (migration ${unknown}, which this version does not know): run that version or a later one`);
    if (failed) throw new MigrationError(`migration ${failed} failed: ${reason}`);
    // Not a migration's fault (the database cannot be reached, a wrong password): its own words.
    throw error;
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
