/**
 * The directory's tests on PostgreSQL (vitest project `directory-postgres`): one
 * throw-away server for the run, each directory a database of its own on it
 * (directory-harness.ts), stopped by its PID at the end.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, stopPostgres } from './postgres';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgres', server);
  return () => stopPostgres(server);
}
