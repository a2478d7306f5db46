/**
 * The embedded engine prepares each statement once (store-sqlite.ts, preparingOnce):
 * the same text gets the same prepared statement, with its values bound afresh each
 * run, and a statement still being read is never handed to a second run.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { preparingOnce } from '../src/store-sqlite';

let database: Database.Database | undefined;
afterEach(() => database?.close());

describe('statements on SQLite', () => {
  it('are prepared once per text, run with each call\'s own values, and a busy one is not shared', () => {
    database = new Database(':memory:');
    database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    const db = preparingOnce(database);
    const insert = 'INSERT INTO t (id, name) VALUES (?, ?)';
    for (const [id, name] of [[1, 'a'], [2, 'b'], [3, 'c']] as const) db.prepare(insert).run([id, name]);
    expect(db.prepare(insert)).toBe(db.prepare(insert));
    const select = 'SELECT name FROM t WHERE id >= ? ORDER BY id';
    expect(db.prepare(select).all([2])).toEqual([{ name: 'b' }, { name: 'c' }]);
    expect(db.prepare(select).all([3])).toEqual([{ name: 'c' }]);

    // One run still reading: another of the same text gets a statement of its own, and both read on.
    const kept = db.prepare(select);
    const reading = kept.iterate([1]);
    expect(reading.next().value).toEqual({ name: 'a' });
    const second = db.prepare(select);
    expect(second).not.toBe(kept);
    expect(second.all([2])).toEqual([{ name: 'b' }, { name: 'c' }]);
    expect([...reading]).toEqual([{ name: 'b' }, { name: 'c' }]);
    // Done reading: the kept one is handed out again.
    expect(db.prepare(select)).toBe(kept);
    expect(kept.all([1])).toHaveLength(3);
  });

  it('keeps at most a few hundred, and prepares the rest at each run', () => {
    database = new Database(':memory:');
    const db = preparingOnce(database);
    const texts = Array.from({ length: 300 }, (_, i) => `SELECT ${i} AS n`);
    for (const text of texts) db.prepare(text);
    expect(db.prepare(texts[0]!)).toBe(db.prepare(texts[0]!));
    expect(db.prepare(texts[299]!)).not.toBe(db.prepare(texts[299]!));
    expect(db.prepare(texts[299]!).all([])).toEqual([{ n: 299 }]);
  });
});
