/**
 * The policy from a configuration profile, read as macOS leaves it in /Library/Managed
 * Preferences, here from a folder laid out the same way. The fixtures were written by
 * Python's plistlib, not by the library that reads them: the computer's file binary (as
 * the MDM client writes it, with a profile's PayloadUUID and _manualProfile beside the
 * settings), alice's XML.
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '@pwsync/testing/recording-logger';
import { policyLines } from './diagnostics';
import { managedPreferenceFiles, MANAGED_PREFERENCES, POLICY_DOMAIN } from './managed-preferences';
import { DEFAULT_POLICY } from './policy';
import { loadSystemPolicy, type PolicyReader, policySources } from './policy-loader';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/managed-preferences');
const COMPUTER = path.join(FIXTURES, 'org.pwsync.tray.plist');
const ALICE = path.join(FIXTURES, 'alice', 'org.pwsync.tray.plist');
const good = readFileSync(COMPUTER);

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-managed-'));
  file = path.join(dir, 'policy.json');
  await fs.writeFile(
    file,
    JSON.stringify({ organization: 'File Corp', supportUrl: 'https://help.example.com/pw', supportContact: 'Desk 1', reminderIntervalHours: 8, language: 'fr' }),
  );
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

/** A folder laid out as /Library/Managed Preferences, with these files for the computer and for alice. */
async function managedRoot(name: string, computer: Buffer | string | null, alice: Buffer | string | null): Promise<string> {
  const root = path.join(dir, name);
  await fs.mkdir(path.join(root, 'alice'), { recursive: true });
  if (computer !== null) await fs.writeFile(path.join(root, `${POLICY_DOMAIN}.plist`), computer);
  if (alice !== null) await fs.writeFile(path.join(root, 'alice', `${POLICY_DOMAIN}.plist`), alice);
  return root;
}

describe('where a profile puts the policy', () => {
  it("the computer's file, then the person's, which wins", () => {
    expect(managedPreferenceFiles('alice')).toEqual([`${MANAGED_PREFERENCES}/org.pwsync.tray.plist`, `${MANAGED_PREFERENCES}/alice/org.pwsync.tray.plist`]);
    expect(MANAGED_PREFERENCES).toBe('/Library/Managed Preferences');
  });

  it('reads no other folder for a name that is not a short name', () => {
    for (const name of ['', '.', '..', '../root', 'a/b']) expect(managedPreferenceFiles(name)).toEqual([`${MANAGED_PREFERENCES}/org.pwsync.tray.plist`]);
  });

  it('only on macOS; on Windows and Linux the file is the whole policy', () => {
    expect(policySources('darwin', { username: 'alice' })).toEqual({
      file: '/Library/Application Support/pwsync/policy.json',
      managed: managedPreferenceFiles('alice'),
    });
    expect(policySources('linux', { username: 'alice' }).managed).toEqual([]);
    expect(policySources('win32', { username: 'alice', env: {} }).managed).toEqual([]);
    expect(policySources('darwin', { username: 'alice', file: '/tmp/p.json', managedRoot: '/m' })).toEqual({ file: '/tmp/p.json', managed: ['/m/org.pwsync.tray.plist', '/m/alice/org.pwsync.tray.plist'] });
  });
});

describe('the policy with a profile', () => {
  it('a profile wins over the file, the person’s over the computer’s, and a bad value falls back to what applies without it', async () => {
    const logger = recordingLogger();
    const loaded = await loadSystemPolicy(policySources('darwin', { username: 'alice', file, managedRoot: FIXTURES }), logger);
    expect(loaded.policy).toEqual({
      organization: 'Exämple Corp — 東京', // the computer's binary plist, UTF-16 in it
      identityProvider: 'Entra ID', // alice's over the computer's Okta
      supportUrl: 'https://help.example.com/pw', // the profile's is http: the file's stays
      supportContact: 'Desk 1', // alice's is empty: the file's stays
      reminderIntervalHours: 0.5, // alice's <real> over the computer's <integer>2 and the file's 8
      newKeychainOffered: true, // the computer's
      language: 'de', // alice's over the file's
    });
    expect(loaded.fieldSources).toEqual({
      organization: COMPUTER,
      identityProvider: ALICE,
      supportUrl: file,
      supportContact: file,
      reminderIntervalHours: ALICE,
      newKeychainOffered: COMPUTER,
      language: ALICE,
    });
    // The profile's own keys (PayloadUUID, _manualProfile, PayloadDisplayName) are not reported.
    expect(loaded.problems).toEqual([
      { field: 'colour', problem: 'unknown', source: COMPUTER },
      { field: 'supportUrl', problem: 'invalid', source: COMPUTER },
      { field: 'supportContact', problem: 'invalid', source: ALICE },
    ]);
    expect(loaded.source).toBe(`${ALICE} over ${COMPUTER} over ${file}`);
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings.map((w) => [w.fields.file, w.fields.field])).toEqual([
      [COMPUTER, 'colour'],
      [COMPUTER, 'supportUrl'],
      [ALICE, 'supportContact'],
    ]);
    expect(logger.text()).not.toContain('plain.example.com');
  });

  it('the diagnostics and the doctor say where each value came from, and where each one not used was', async () => {
    const loaded = await loadSystemPolicy(policySources('darwin', { username: 'alice', file, managedRoot: FIXTURES }), recordingLogger());
    expect(policyLines(loaded)).toEqual([
      `organization: "Exämple Corp — 東京" (from ${COMPUTER})`,
      `identityProvider: "Entra ID" (from ${ALICE})`,
      `supportUrl: "https://help.example.com/pw" (from ${file})`,
      `supportContact: "Desk 1" (from ${file})`,
      `reminderIntervalHours: 0.5 (from ${ALICE})`,
      `newKeychainOffered: true (from ${COMPUTER})`,
      `language: "de" (from ${ALICE})`,
      `Not used: colour (unknown) in ${COMPUTER}`,
      `Not used: supportUrl (invalid) in ${COMPUTER}`,
      `Not used: supportContact (invalid) in ${ALICE}`,
    ]);
  });

  it('with no file and no profile: the defaults', async () => {
    const root = await managedRoot('none', null, null);
    const loaded = await loadSystemPolicy(policySources('darwin', { username: 'alice', file: path.join(dir, 'missing.json'), managedRoot: root }), recordingLogger());
    expect(loaded).toEqual({ policy: DEFAULT_POLICY, source: 'defaults', fieldSources: expect.any(Object), problems: [] });
    expect(Object.values(loaded.fieldSources).every((source) => source === 'default')).toBe(true);
  });

  it('a person without a folder of their own: the computer’s profile still applies', async () => {
    const loaded = await loadSystemPolicy(policySources('darwin', { username: 'bob', file, managedRoot: FIXTURES }), recordingLogger());
    expect(loaded.policy).toMatchObject({ identityProvider: 'Okta', reminderIntervalHours: 2, language: 'fr' });
    expect(loaded.source).toBe(`${COMPUTER} over ${file}`);
  });

  it.each([
    ['a truncated binary plist', good.subarray(0, good.length - 20)],
    ['a binary plist with its trailer zeroed', Buffer.concat([good.subarray(0, good.length - 32), Buffer.alloc(32)])],
    ['not a property list', 'organization = "x"'],
    ['XML that is no plist', '<?xml version="1.0"?><html><body/></html>'],
    ['a plist whose top is an array', '<?xml version="1.0"?><plist version="1.0"><array><string>x</string></array></plist>'],
    ['a plist whose top is a date', '<?xml version="1.0"?><plist version="1.0"><date>2026-01-01T00:00:00Z</date></plist>'],
    ['a plist over 64 KB', `<?xml version="1.0"?><plist version="1.0"><dict><key>organization</key><string>${'x'.repeat(70_000)}</string></dict></plist>`],
    ['an empty file', ''],
  ])('%s: that file is named as the problem, and everything else still applies', async (name, bytes) => {
    const root = await managedRoot(`bad-${name.replace(/\W/g, '')}`, bytes, null);
    const loaded = await loadSystemPolicy(policySources('darwin', { username: 'alice', file, managedRoot: root }), recordingLogger());
    const computer = path.join(root, `${POLICY_DOMAIN}.plist`);
    expect(loaded.problems).toEqual([{ field: '(file)', problem: 'invalid', source: computer }]);
    expect(loaded.policy).toEqual({ ...DEFAULT_POLICY, organization: 'File Corp', supportUrl: 'https://help.example.com/pw', supportContact: 'Desk 1', reminderIntervalHours: 8, language: 'fr' });
  });

  it('values of the wrong plist type fall back one by one', async () => {
    const root = await managedRoot(
      'types',
      `<?xml version="1.0"?><plist version="1.0"><dict>
        <key>reminderIntervalHours</key><string>2</string>
        <key>newKeychainOffered</key><integer>1</integer>
        <key>organization</key><array><string>Example</string></array>
        <key>language</key><string>klingon</string>
        <key>identityProvider</key><string>Okta</string>
      </dict></plist>`,
      null,
    );
    const loaded = await loadSystemPolicy(policySources('darwin', { username: 'alice', file, managedRoot: root }), recordingLogger());
    expect(loaded.policy).toMatchObject({ reminderIntervalHours: 8, newKeychainOffered: false, organization: 'File Corp', language: 'fr', identityProvider: 'Okta' });
    expect(loaded.problems.map((p) => p.field)).toEqual(['reminderIntervalHours', 'newKeychainOffered', 'organization', 'language']);
  });

  it('a profile it may not read is named and skipped; the rest applies', async () => {
    const denied: PolicyReader = {
      readFile: async (target) => {
        if (target === COMPUTER) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return fs.readFile(target);
      },
    };
    const logger = recordingLogger();
    const loaded = await loadSystemPolicy(policySources('darwin', { username: 'alice', file, managedRoot: FIXTURES }), logger, denied);
    expect(loaded.problems[0]).toEqual({ field: '(file)', problem: 'invalid', source: COMPUTER });
    expect(loaded.policy).toMatchObject({ organization: 'File Corp', identityProvider: 'Entra ID', newKeychainOffered: false });
    expect(logger.text()).toContain('EACCES');
  });
});
