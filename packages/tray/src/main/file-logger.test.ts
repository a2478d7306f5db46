import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLogger, LOG_FILE_MAX_BYTES } from './file-logger';

const SECRET = 'Correct-Horse-7-new';
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-log-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const entries = async (file: string) => (await fs.readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the log file', () => {
  it('has each line, redacted: password-looking fields and free text', async () => {
    const logger = createFileLogger({ folder: dir });
    logger.info('connected to the agent', { agentVersion: '0.1.0', backend: 'sandbox' });
    logger.warn('odd', { newPassword: SECRET, detail: `previousPassword=${SECRET}` });
    logger.error(`the user typed password: ${SECRET} into the wrong box`);
    logger.info(`{"newPassword":"${SECRET}"}`);
    const text = await fs.readFile(logger.file, 'utf8');
    const lines = await entries(logger.file);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ level: 30, name: 'pwsync-app', msg: 'connected to the agent', agentVersion: '0.1.0', backend: 'sandbox' });
    expect(lines[1]).toMatchObject({ level: 40, msg: 'odd', newPassword: '[redacted]', detail: 'previousPassword=[redacted]' });
    expect(lines[2]).toMatchObject({ level: 50, msg: 'the user typed password: [redacted] into the wrong box' });
    expect(text).not.toContain(SECRET);
    expect(text.match(/\[redacted\]/g)).toHaveLength(4);
  });

  it('is readable by this user only, and skips debug unless asked', async () => {
    const logger = createFileLogger({ folder: dir });
    logger.debug('noisy');
    logger.info('kept');
    expect(logger.file).toBe(path.join(dir, 'main.log'));
    expect((await fs.stat(logger.file)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(logger.file, 'utf8')).not.toContain('noisy');
  });

  it('keeps to about 1 MB, then moves on to main.old.log', async () => {
    const logger = createFileLogger({ folder: dir });
    const padding = 'x'.repeat(1000);
    for (let i = 0; i < 1100; i += 1) logger.info('filler', { i, padding });
    const current = await fs.stat(path.join(dir, 'main.log'));
    const old = await fs.stat(path.join(dir, 'main.old.log'));
    expect(old.size).toBeLessThanOrEqual(LOG_FILE_MAX_BYTES);
    expect(old.size).toBeGreaterThan(LOG_FILE_MAX_BYTES - 2000);
    expect(current.size).toBeGreaterThan(0);
    expect(old.mode & 0o777).toBe(0o600);
    // Nothing lost across the move: the last line of the old file and the first of the new follow on.
    const last = (await entries(path.join(dir, 'main.old.log'))).at(-1)!.i as number;
    expect((await entries(path.join(dir, 'main.log')))[0]!.i).toBe(last + 1);
  });
});
