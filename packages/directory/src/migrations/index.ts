/**
 * Every migration, by name; kysely's Migrator runs the ones a database has not had, in
 * name order. To add one: a new file `NNNN-what-it-does.ts` exporting `migration`
 * (see migration.ts), and one line here. Listed, not read from the folder, so the
 * bundled directory (scripts/build.mjs) carries them.
 */
import type { EngineMigration } from './migration';
import { migration as initial } from './0001-initial';
import { migration as changeHashes } from './0002-change-hashes';

export const MIGRATIONS: Record<string, EngineMigration> = {
  '0001-initial': initial,
  '0002-change-hashes': changeHashes,
};
