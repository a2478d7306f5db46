import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLogger } from './file-logger';

const SECRET = 'Correct-Horse-7-new';
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-log-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe('the log file', () => {
  it('has each line, redacted: password-looking fields and free text', async () => {
    const logger = createFileLogger({ folder: dir });
    logger.info('connected to the agent', { agentVersion: '0.1.0', backend: 'sandbox' });
    logger.warn('odd', { newPassword: SECRET, detail: `previousPassword=${SECRET}` });
    logger.error(`the user typed password: ${SECRET} into the wrong box`);
    logger.info(`{"newPassword":"${SECRET}"}`);
    const text = await fs.readFile(logger.file, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/\[info\]\s+connected to the agent \{"agentVersion":"0.1.0","backend":"sandbox"\}$/);
    expect(lines[1]).toMatch(/\[warn\]\s+odd/);
    expect(lines[2]).toContain('the user typed password: [redacted] into the wrong box');
    expect(text).not.toContain(SECRET);
    expect(text.match(/\[redacted\]/g)).toHaveLength(4);
  });

  it('is readable by this user only, and skips debug unless asked', async () => {
    const logger = createFileLogger({ folder: dir });
    logger.debug('noisy');
    logger.info('kept');
    expect((await fs.stat(logger.file)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(logger.file, 'utf8')).not.toContain('noisy');
  });
});
