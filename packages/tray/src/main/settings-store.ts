/**
 * Settings and the history of sync attempts, kept with electron-store in the app's
 * user-data folder and validated against the schemas in core/settings-schema.ts on
 * every read and write. A file that is not JSON or breaks the schema is moved aside
 * (kept for support, never deleted) and replaced by the defaults, with a log line:
 * a corrupt settings file must never stop the tray app from starting.
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import Store, { type Schema } from 'electron-store';
import type { z } from 'zod';
import { type HistoryEntry as HistoryEntryType, HISTORY_LIMIT, HistoryEntry, type HistoryStore } from '../core/history';
import { isoTime, systemClock, type Clock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';
import { DEFAULT_HISTORY, DEFAULT_SETTINGS, HistoryFile, Settings, storeSchema } from '../core/settings-schema';

export interface OpenStoreOptions<T extends Record<string, unknown>> {
  name: string;
  /** The folder: app.getPath('userData') in the app, a temporary folder in tests. */
  cwd: string;
  schema: z.ZodObject;
  defaults: T;
  logger: Logger;
  /** Stamps the name of a file moved aside. */
  clock?: Pick<Clock, 'now'>;
}

export function openStore<T extends Record<string, unknown>>(options: OpenStoreOptions<T>): Store<T> {
  const { schema, rootSchema } = storeSchema(options.schema);
  const make = () =>
    new Store<T>({
      name: options.name,
      cwd: options.cwd,
      defaults: options.defaults,
      schema: schema as Schema<T>,
      rootSchema,
      // We handle a bad file ourselves: moved aside, not silently emptied.
      clearInvalidConfig: false,
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
    });
  try {
    return make();
  } catch (error) {
    const file = path.join(options.cwd, `${options.name}.json`);
    // Not the file's fault (a folder we cannot write, say): nothing to move aside.
    if (!existsSync(file)) throw error;
    const stamp = isoTime(options.clock ?? systemClock).replace(/[:.]/g, '-');
    const aside = path.join(options.cwd, `${options.name}.corrupt-${stamp}.json`);
    renameSync(file, aside);
    // The error's name only: its message quotes the file's content.
    options.logger.warn('a settings file could not be read; it was moved aside and the defaults apply', {
      file,
      movedTo: aside,
      error: error instanceof SyntaxError ? 'not JSON' : 'schema violation',
    });
    return make();
  }
}

export function openSettings(cwd: string, logger: Logger): Store<z.infer<typeof Settings>> {
  return openStore({ name: 'settings', cwd, schema: Settings, defaults: DEFAULT_SETTINGS, logger });
}

/** The core's HistoryStore on disk, newest first, at most HISTORY_LIMIT entries. */
export class StoredHistory implements HistoryStore {
  private readonly store: Store<z.infer<typeof HistoryFile>>;
  constructor(cwd: string, logger: Logger) {
    this.store = openStore({ name: 'history', cwd, schema: HistoryFile, defaults: DEFAULT_HISTORY, logger });
  }
  list(): HistoryEntryType[] {
    return this.store.get('entries');
  }
  add(entry: HistoryEntryType): void {
    // Parsed first: a strict schema drops nothing silently, it refuses anything extra.
    this.store.set('entries', [HistoryEntry.parse(entry), ...this.list()].slice(0, HISTORY_LIMIT));
  }
  get path(): string {
    return this.store.path;
  }
}
