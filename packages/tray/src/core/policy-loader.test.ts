import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '@pwsync/testing/recording-logger';
import { DEFAULT_POLICY, defaultPolicy } from './policy';
import { loadPolicy, policyPath } from './policy-loader';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-policy-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text);
  return file;
}

describe('the policy file', () => {
  it('lives at one documented path per system', () => {
    expect(policyPath('linux')).toBe('/etc/pwsync/policy.json');
    expect(policyPath('darwin')).toBe('/Library/Application Support/pwsync/policy.json');
    expect(policyPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\pwsync\\policy.json');
    expect(policyPath('win32', {})).toBe('C:\\ProgramData\\pwsync\\policy.json');
  });

  it('missing: the defaults, from "defaults", with no problems', async () => {
    const logger = recordingLogger();
    expect(await loadPolicy(path.join(dir, 'none.json'), logger)).toEqual(defaultPolicy());
    expect(logger.text()).toContain('no policy; the defaults apply');
  });

  it('good: every field applies, and the source is the file', async () => {
    const file = await write('good.json', JSON.stringify({ organization: 'Example Corp', identityProvider: 'Okta', supportUrl: 'https://help.example.com/pw', reminderIntervalHours: 2, language: 'nl' }));
    const loaded = await loadPolicy(file, recordingLogger());
    expect(loaded.source).toBe(file);
    expect(loaded.problems).toEqual([]);
    expect(loaded.policy).toMatchObject({ organization: 'Example Corp', identityProvider: 'Okta', supportUrl: 'https://help.example.com/pw', reminderIntervalHours: 2, language: 'nl' });
    expect(loaded.fieldSources).toMatchObject({ organization: file, reminderIntervalHours: file, supportContact: 'default', newKeychainOffered: 'default' });
  });

  it('partly bad: good fields apply, bad ones fall back and are logged by name only', async () => {
    // toString: a name every object inherits, which must count as unknown like any other.
    const file = await write('mixed.json', JSON.stringify({ identityProvider: 'Okta', supportUrl: 'http://plain.example.com', reminderIntervalHours: -1, colour: 'red', toString: 'x' }));
    const logger = recordingLogger();
    const loaded = await loadPolicy(file, logger);
    expect(loaded.policy.identityProvider).toBe('Okta');
    expect(loaded.policy.supportUrl).toBeNull();
    expect(loaded.policy.reminderIntervalHours).toBe(4);
    expect(loaded.problems).toEqual([
      { field: 'supportUrl', problem: 'invalid', source: file },
      { field: 'reminderIntervalHours', problem: 'invalid', source: file },
      { field: 'colour', problem: 'unknown', source: file },
      { field: 'toString', problem: 'unknown', source: file },
    ]);
    expect(loaded.fieldSources).toMatchObject({ identityProvider: file, supportUrl: 'default', reminderIntervalHours: 'default' });
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(4);
    expect(JSON.stringify(warnings)).not.toContain('plain.example.com');
  });

  it.each([
    ['not JSON', '{ organization: "x" '],
    ['an array', '[1, 2]'],
    ['too big', JSON.stringify({ organization: 'x'.repeat(70_000) })],
  ])('%s: all defaults, and the whole file named as the problem', async (_name, text) => {
    const file = await write(`bad-${_name.replace(/\W/g, '')}.json`, text);
    const loaded = await loadPolicy(file, recordingLogger());
    expect(loaded.policy).toEqual(DEFAULT_POLICY);
    expect(loaded.problems).toEqual([{ field: '(file)', problem: 'invalid', source: file }]);
    expect(loaded.source).toBe(file);
  });
});
