import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from '../core/history';
import { consoleLogger } from './console-logger';
import { openSettings, StoredHistory } from './settings-store';
import { fake } from '../../test/main/fake-electron';
import { SECRET_NEW, SECRET_PREVIOUS } from '../../test/main/fixtures';

vi.mock('electron', () => import('../../test/main/fake-electron'));

let dir: string;
let logLines: string[];
const logger = () => consoleLogger((line) => logLines.push(line));

beforeEach(async () => {
  fake.reset();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-store-'));
  logLines = [];
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const entry = (patch: Partial<HistoryEntry> = {}): HistoryEntry => ({
  at: '2025-03-01T09:00:00.000Z',
  changeId: 'chg_1',
  outcome: 'refused',
  failedStep: null,
  errorCode: 'previousPasswordWrong',
  ...patch,
});

describe('settings', () => {
  it('start from the defaults and persist, as a file only this user can read', async () => {
    const settings = openSettings(dir, logger());
    expect(settings.store).toEqual({ openAtLoginConfigured: false });
    settings.set('openAtLoginConfigured', true);
    expect(openSettings(dir, logger()).get('openAtLoginConfigured')).toBe(true);
    expect((await fs.stat(settings.path)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"openAtLoginConfigured": tru'],
    ['a wrong type', '{"openAtLoginConfigured": "yes"}'],
    ['a field the schema does not name', `{"openAtLoginConfigured": true, "password": "${SECRET_NEW}"}`],
  ])('a file with %s is moved aside, replaced by the defaults, and logged', async (_name, text) => {
    await fs.writeFile(path.join(dir, 'settings.json'), text);
    const settings = openSettings(dir, logger());
    expect(settings.store).toEqual({ openAtLoginConfigured: false });
    const files = (await fs.readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^settings\.corrupt-.+\.json$/);
    expect(await fs.readFile(path.join(dir, files[0]!), 'utf8')).toBe(text);
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0]!)).toMatchObject({ level: 'warn', msg: expect.stringContaining('moved aside') });
    expect(logLines[0]).not.toContain(SECRET_NEW);
  });

  it('refuses to write a value the schema does not allow', () => {
    const settings = openSettings(dir, logger());
    expect(() => settings.set('openAtLoginConfigured', 'yes' as never)).toThrow(/schema/);
  });
});

describe('the stored history', () => {
  it('keeps entries newest first, across restarts, capped at 100', () => {
    const history = new StoredHistory(dir, logger());
    history.add(entry({ changeId: 'chg_1' }));
    history.add(entry({ changeId: 'chg_2', outcome: 'synced', errorCode: null }));
    expect(new StoredHistory(dir, logger()).list().map((e) => e.changeId)).toEqual(['chg_2', 'chg_1']);
    for (let i = 0; i < 120; i += 1) history.add(entry({ changeId: `chg_${i}` }));
    expect(history.list()).toHaveLength(100);
    expect(history.list()[0]!.changeId).toBe('chg_119');
  });

  it('never takes a field that could hold a secret, so none reaches the file', async () => {
    const history = new StoredHistory(dir, logger());
    expect(() => history.add({ ...entry(), previousPassword: SECRET_PREVIOUS } as HistoryEntry)).toThrow();
    expect(() => history.add(entry({ errorCode: `${SECRET_NEW}-${SECRET_NEW}-${SECRET_NEW}-${SECRET_NEW}` }))).toThrow();
    history.add(entry());
    const text = await fs.readFile(history.path, 'utf8');
    expect(text).not.toContain(SECRET_PREVIOUS);
    expect(text).not.toContain(SECRET_NEW);
  });

  it('a corrupt history file is moved aside too', async () => {
    await fs.writeFile(path.join(dir, 'history.json'), '{"entries": [{"at": "yesterday"}]}');
    expect(new StoredHistory(dir, logger()).list()).toEqual([]);
    expect((await fs.readdir(dir)).some((f) => f.startsWith('history.corrupt-'))).toBe(true);
  });
});
