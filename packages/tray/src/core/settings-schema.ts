/**
 * What the tray app keeps on disk (electron-store, in the app's user-data folder):
 * a few settings, and the history of sync attempts. Both are strict schemas, so a
 * field that could hold a secret cannot be added by accident: the store refuses
 * anything the schema does not name. The JSON Schemas the store validates the file
 * against are derived from these, so the two cannot drift.
 */
import { z } from 'zod';
import { HISTORY_LIMIT, HistoryEntry } from './history';

export const Settings = z.strictObject({
  /** Open at login was set up on first run; from then on the person's choice stands. */
  openAtLoginConfigured: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;
export const DEFAULT_SETTINGS: Settings = { openAtLoginConfigured: false };

export const HistoryFile = z.strictObject({ entries: z.array(HistoryEntry).max(HISTORY_LIMIT) });
export type HistoryFile = z.infer<typeof HistoryFile>;
export const DEFAULT_HISTORY: HistoryFile = { entries: [] };

export interface StoreSchema {
  /** electron-store's `schema` (the top-level properties) and `rootSchema` (the rest). */
  schema: Record<string, object>;
  rootSchema: { additionalProperties: false; required: string[] };
}

export function storeSchema(schema: z.ZodObject): StoreSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7' }) as { properties: Record<string, object>; required?: string[] };
  return { schema: json.properties, rootSchema: { additionalProperties: false, required: json.required ?? [] } };
}
