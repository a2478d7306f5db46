/**
 * The agent's settings on a Mac: /etc/pwsync/agent.json with the computer profile's
 * managed preferences for org.pwsync.agent over it, field by field; and what an
 * administrator's tools are given for that domain (the manifest, the Jamf Pro schema,
 * the sample profile), generated from the same schema and kept so by these tests.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { build, parse } from 'plist';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, ROOT } from '@pwsync/testing/processes';
import { type AgentSettings, settingsFrom } from '../../src/config/agent-config';
import { AGENT_MANIFEST_REVISION, agentJamfSchema, agentKeys, agentKeysFingerprint, agentProfileManifest, SETTING_TEXT } from '../../src/config/agent-manifests';
import { AGENT_DOMAIN, applyManagedConfig, loadAgentSettings, managedConfigFile, profileFields, withProfile } from '../../src/config/managed-config';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const read = (relative: string) => readFileSync(path.join(ROOT, relative), 'utf8');
const CODE = 'enrol-4f9c2a7b1e8d6035';
const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

/** What the macOS package's agent.json gives: the file under every profile here. */
function macFile(extra: Record<string, unknown> = {}): AgentSettings {
  const result = settingsFrom({ ...JSON.parse(read('packaging/macos/agent.json')), ...extra });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.settings;
}

const SOURCE = '/Library/Managed Preferences/org.pwsync.agent.plist';

describe("the computer profile's settings over the file", () => {
  it('are the file\'s keys, nested the same way, every one of the schema', () => {
    expect(profileFields()).toEqual([
      'directory.url',
      'directory.caFile',
      'directory.enrolmentCode',
      'directory.checkinIntervalSeconds',
      'people.userNameFrom',
      'people.domain',
      'people.map',
      'people.exclude',
      'folders.state',
      'folders.sockets',
      'logLevel',
      'backend.name',
      'backend.attemptLimit',
      'backend.allowNewKeychain',
    ]);
    expect(managedConfigFile()).toBe(SOURCE);
    expect(AGENT_DOMAIN).toBe('org.pwsync.agent');
  });

  it('win over the file, each field saying it came from the profile; the rest stays the file\'s', () => {
    const file = macFile({ directory: { url: 'https://old.example.com', checkinIntervalSeconds: 300 }, logLevel: 'warn' });
    const { settings, fromProfile, problems } = withProfile(file, { directory: { url: 'https://pwsync.example.com', enrolmentCode: CODE }, logLevel: 'debug', PayloadUUID: 'X' }, SOURCE);
    expect(problems).toEqual([]);
    expect(settings.directory).toEqual({ url: 'https://pwsync.example.com', enrolmentCode: CODE, checkinIntervalSeconds: 300 });
    expect(settings.logLevel).toBe('debug');
    expect(settings.folders).toEqual(file.folders);
    expect(fromProfile).toEqual({ 'directory.url': SOURCE, 'directory.enrolmentCode': SOURCE, logLevel: SOURCE });
  });

  it('a bad value falls back to the file\'s, field by field, with the field, the file and what to write there; good ones still apply', () => {
    const file = macFile({ directory: { url: 'https://pwsync.example.com', checkinIntervalSeconds: 120 } });
    const { settings, fromProfile, problems } = withProfile(
      file,
      { directory: { url: 'http://pwsync.example.com', checkinIntervalSeconds: 0, enrolmentCode: CODE }, backend: { attemptLimit: 'five', allowNewKeychain: true }, people: 'everyone', colour: 'blue', people2: {} },
      SOURCE,
    );
    expect(settings.directory).toEqual({ url: 'https://pwsync.example.com', checkinIntervalSeconds: 120, enrolmentCode: CODE });
    expect(settings.backend).toEqual({ attemptLimit: 5, allowNewKeychain: true });
    expect(Object.keys(fromProfile).sort()).toEqual(['backend.allowNewKeychain', 'directory.enrolmentCode']);
    expect(problems.map((p) => [p.field, p.source])).toEqual([
      ['people', SOURCE],
      ['colour', SOURCE],
      ['people2', SOURCE],
      ['directory.url', SOURCE],
      ['directory.checkinIntervalSeconds', SOURCE],
      ['backend.attemptLimit', SOURCE],
    ]);
    expect(problems.find((p) => p.field === 'directory.url')!.problem).toMatch(/https/);
    expect(problems.find((p) => p.field === 'backend.attemptLimit')!.problem).toBe('must be a number');
    expect(problems.find((p) => p.field === 'colour')!.problem).toBe('is not a setting the agent knows; remove it or check its spelling');
    // Never the value: a code typed into the wrong field stays out of every problem.
    expect(JSON.stringify(problems)).not.toContain(CODE);
  });

  it('values that only hold together are taken together, in whichever order the profile lists them', () => {
    for (const people of [
      { userNameFrom: 'map', map: { alex: 'alex.smith@example.com' } },
      { map: { alex: 'alex.smith@example.com' }, userNameFrom: 'map' },
    ]) {
      const { settings, problems } = withProfile(macFile(), { people }, SOURCE);
      expect(problems).toEqual([]);
      expect(settings.people).toMatchObject({ userNameFrom: 'map', map: { alex: 'alex.smith@example.com' } });
    }
    // And one that cannot hold with the file's falls back, saying what it clashes with.
    const { settings, problems } = withProfile(macFile({ people: { domain: 'example.com' } }), { people: { userNameFrom: 'map' } }, SOURCE);
    expect(settings.people.userNameFrom).toBe('localPart');
    expect(problems).toEqual([{ source: SOURCE, field: 'people.userNameFrom', problem: expect.stringContaining('does not go with the other settings') }]);
  });
});

describe('the computer profile as the MDM client writes it', () => {
  async function managedRoot(plistText: string | Buffer, mode = 0o644): Promise<string> {
    const dir = makeTempDir('pwmgd-');
    cleanup.push(dir);
    await fs.writeFile(path.join(dir, 'org.pwsync.agent.plist'), plistText, { mode });
    await fs.chmod(path.join(dir, 'org.pwsync.agent.plist'), mode);
    return dir;
  }
  const owners = [process.getuid?.() ?? 0];

  it('is read from its XML property list; none there leaves the file as it is', async () => {
    const root = await managedRoot(build({ directory: { url: 'https://pwsync.example.com', enrolmentCode: CODE }, PayloadUUID: 'B' }));
    const applied = await applyManagedConfig(macFile(), { root, owners });
    expect(applied.problems).toEqual([]);
    expect(applied.settings.directory).toMatchObject({ url: 'https://pwsync.example.com', enrolmentCode: CODE });
    const none = makeTempDir('pwmgd-');
    cleanup.push(none);
    expect(await applyManagedConfig(macFile(), { root: none, owners })).toEqual({ settings: macFile(), fromProfile: {}, problems: [] });
  });

  it('and from a binary one (plutil -convert binary1), as macOS usually writes it', async () => {
    const fixture = path.join(ROOT, 'packages/tray/test/fixtures/managed-preferences');
    const binary = (await fs.readdir(fixture, { recursive: true })).find((name) => name.endsWith('.plist') && readFileSync(path.join(fixture, name)).subarray(0, 8).toString('latin1') === 'bplist00');
    expect(binary, 'a binary property list fixture').toBeDefined();
    // The tray's fixture holds policy keys, none of them the agent's: each is named, none applies, nothing breaks.
    const applied = await applyManagedConfig(macFile(), { root: await managedRoot(readFileSync(path.join(fixture, binary!))), owners });
    expect(applied.settings).toEqual(macFile());
    expect(applied.problems.length).toBeGreaterThan(0);
    expect(applied.problems.every((p) => p.problem === 'is not a setting the agent knows; remove it or check its spelling')).toBe(true);
  });

  it('a damaged file, or one others can write, is not believed: the file\'s settings stay, with one problem saying so', async () => {
    const damaged = await applyManagedConfig(macFile(), { root: await managedRoot('<plist><dict><key>directory'), owners });
    expect(damaged).toMatchObject({ settings: macFile(), problems: [{ field: '', problem: expect.stringContaining('is not a property list') }] });
    const writable = await applyManagedConfig(macFile(), { root: await managedRoot(build({ logLevel: 'debug' }), 0o666), owners });
    expect(writable).toMatchObject({ settings: macFile(), problems: [{ problem: expect.stringContaining('not believed') }] });
  });

  it('loadAgentSettings: the file, then on macOS the profile over it; elsewhere the profile is never read', async () => {
    const root = await managedRoot(build({ directory: { url: 'https://pwsync.example.com' }, logLevel: 'loud' }));
    const file = path.join(root, 'agent.json');
    await fs.writeFile(file, read('packaging/macos/agent.json'), { mode: 0o644 });
    const mac = await loadAgentSettings(file, { root, owners, platform: 'darwin' });
    expect(mac.settings.directory.url).toBe('https://pwsync.example.com');
    expect(mac.settings.logLevel).toBe('info');
    expect(mac.problems).toEqual([{ source: path.join(root, 'org.pwsync.agent.plist'), field: 'logLevel', problem: expect.stringMatching(/^must be one of/) }]);
    const linux = await loadAgentSettings(file, { root, owners, platform: 'linux' });
    expect(linux).toEqual({ settings: macFile(), fromProfile: {}, problems: [] });
  });

  it.skipIf(!isRoot)("one that is not root's is not believed", async () => {
    const root = await managedRoot(build({ logLevel: 'debug' }));
    await run('chown', ['1000', path.join(root, 'org.pwsync.agent.plist')]);
    const applied = await applyManagedConfig(macFile(), { root });
    expect(applied.settings.logLevel).toBe('info');
    expect(applied.problems[0]?.problem).toContain('not believed');
  });
});

describe('what an administrator\'s tools are given for org.pwsync.agent (run `npm run profiles` after a change)', () => {
  it('the manifest and the Jamf Pro schema are generated from the settings\' schema', () => {
    expect(read('docs/profiles/manifest/org.pwsync.agent.plist')).toBe(agentProfileManifest());
    expect(read('docs/profiles/jamf/org.pwsync.agent.json')).toBe(agentJamfSchema());
  });

  it('every setting has its words, and the revision moved with the keys', () => {
    const sections = new Set(profileFields().filter((field) => field.includes('.')).map((field) => field.split('.')[0]!));
    expect(Object.keys(SETTING_TEXT).sort()).toEqual([...profileFields(), ...sections].sort());
    expect(agentKeysFingerprint(), 'the keys changed: raise AGENT_MANIFEST_REVISION.version, set lastModified to now, and keys to this').toBe(AGENT_MANIFEST_REVISION.keys);
  });

  it('the manifest nests the keys as the settings do, for the computer only, with types and ranges', () => {
    const manifest = parse(agentProfileManifest()) as { pfm_domain: string; pfm_targets: string[]; pfm_subkeys: Array<Record<string, unknown>> };
    expect(manifest.pfm_domain).toBe(AGENT_DOMAIN);
    expect(manifest.pfm_targets).toEqual(['system']);
    const directory = manifest.pfm_subkeys.find((key) => key.pfm_name === 'directory') as { pfm_type: string; pfm_subkeys: Array<Record<string, unknown>> };
    expect(directory.pfm_type).toBe('dictionary');
    expect(directory.pfm_subkeys.map((key) => key.pfm_name)).toEqual(['url', 'caFile', 'enrolmentCode', 'checkinIntervalSeconds']);
    expect(directory.pfm_subkeys.find((key) => key.pfm_name === 'checkinIntervalSeconds')).toMatchObject({ pfm_type: 'integer', pfm_range_min: 1, pfm_range_max: 86400, pfm_default: 60 });
    expect(manifest.pfm_subkeys.find((key) => key.pfm_name === 'logLevel')).toMatchObject({ pfm_type: 'string', pfm_range_list: ['fatal', 'error', 'warn', 'info', 'debug'] });
  });

  it('what the Jamf Pro schema accepts, the agent takes, and what it refuses, the agent refuses too', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(agentJamfSchema()) as object);
    const good = { directory: { url: 'https://pwsync.example.com', enrolmentCode: CODE, checkinIntervalSeconds: 30 }, backend: { attemptLimit: 3 }, logLevel: 'debug' };
    expect(validate(good)).toBe(true);
    expect(withProfile(macFile(), good, SOURCE).problems).toEqual([]);
    for (const bad of [{ directory: { checkinIntervalSeconds: 0 } }, { logLevel: 'loud' }, { directory: { enrolmentCode: 'short' } }, { backend: { attemptLimit: 'five' } }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
      expect(withProfile(macFile(), bad, SOURCE).problems, JSON.stringify(bad)).toHaveLength(1);
    }
    expect(agentKeys().length).toBe(profileFields().length);
  });

  it('the sample profile delivers the directory and an enrolment code for the computer, and the agent takes them over the package\'s file', () => {
    const sample = parse(read('docs/profiles/samples/pwsync-agent-settings.mobileconfig')) as { PayloadScope: string; PayloadContent: Array<Record<string, unknown>> };
    expect(sample.PayloadScope).toBe('System');
    const content = sample.PayloadContent.find((c) => c.PayloadType === 'com.apple.ManagedClient.preferences')!.PayloadContent as Record<string, { Forced: Array<{ mcx_preference_settings: Record<string, unknown> }> }>;
    expect(Object.keys(content)).toEqual([AGENT_DOMAIN]);
    const settings = content[AGENT_DOMAIN]!.Forced[0]!.mcx_preference_settings;
    const applied = withProfile(macFile(), settings, SOURCE);
    expect(applied.problems).toEqual([]);
    expect(applied.settings.directory).toMatchObject({ url: 'https://pwsync.example.com', enrolmentCode: 'REPLACE-WITH-YOUR-ENROLMENT-CODE' });
    expect(Object.keys(applied.fromProfile).sort()).toEqual(['directory.enrolmentCode', 'directory.url', 'people.domain']);
  });
});
