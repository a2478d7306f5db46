import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from '../core/history';
import { openSettings, openStore, StoredHistory } from './settings-store';
import { DEFAULT_SETTINGS, Settings } from '../core/settings-schema';
import { FakeClock } from '@pwsync/testing/fake-clock';
import { type RecordingLogger, recordingLogger } from '@pwsync/testing/recording-logger';
import { fake } from '../../test/main/fake-electron';
import { SECRET_NEW, SECRET_PREVIOUS } from '../../test/main/fixtures';

vi.mock('electron', () => import('../../test/main/fake-electron'));

let dir: string;
let log: RecordingLogger;
const logger = () => log;

beforeEach(async () => {
  fake.reset();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-store-'));
  log = recordingLogger();
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
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ level: 'warn', message: expect.stringContaining('moved aside') });
    expect(log.text()).not.toContain(SECRET_NEW);
  });

  it('names the file it moves aside by the time on its clock', async () => {
    await fs.writeFile(path.join(dir, 'settings.json'), '{"openAtLoginConfigured": tru');
    openStore({ name: 'settings', cwd: dir, schema: Settings, defaults: DEFAULT_SETTINGS, logger: log, clock: new FakeClock('2025-03-01T09:00:00.000Z') });
    expect(await fs.readdir(dir)).toContain('settings.corrupt-2025-03-01T09-00-00-000Z.json');
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
