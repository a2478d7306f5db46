import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'plist';
import { describe, expect, it } from 'vitest';
import { POLICY_DOMAIN } from './managed-preferences';
import { DEFAULT_POLICY, PolicyFields, type PolicyField } from './policy';
import { jamfSchema, keysFingerprint, MANIFEST_REVISION, policyKeys, profileManifest, withKeysTable } from './policy-manifests';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const read = (relative: string) => readFileSync(path.join(ROOT, relative), 'utf8');
const appId = (JSON.parse(read('packages/tray/package.json')) as { build: { appId: string } }).build.appId;

const MANIFEST = 'docs/profiles/manifest/org.pwsync.tray.plist';
const JAMF = 'docs/profiles/jamf/org.pwsync.tray.json';

describe('what administrators’ tools read is what the app validates with (run `npm run profiles` after a change)', () => {
  it(`${MANIFEST} is generated from the policy's schemas`, () => {
    expect(read(MANIFEST)).toBe(profileManifest());
  });

  it(`${JAMF} is generated from the policy's schemas`, () => {
    expect(read(JAMF)).toBe(jamfSchema());
  });

  it("docs/deployment.md's table of keys is generated from them too", () => {
    const markdown = read('docs/deployment.md');
    expect(markdown).toBe(withKeysTable(markdown));
  });

  it('the manifest revision moved with the keys (else profile editors keep an older manifest)', () => {
    expect(keysFingerprint(), 'the keys changed: raise MANIFEST_REVISION.version, set lastModified to now, and keys to this').toBe(MANIFEST_REVISION.keys);
  });
});

describe('the profile manifest', () => {
  const manifest = parse(profileManifest()) as Record<string, unknown> & { pfm_subkeys: Array<Record<string, unknown>> };
  const subkey = (name: string) => manifest.pfm_subkeys.find((key) => key.pfm_name === name)!;

  it("is for the app's own preference domain", () => {
    expect(POLICY_DOMAIN).toBe(appId);
    expect(manifest.pfm_domain).toBe(appId);
    expect(subkey('PayloadType').pfm_default).toBe(appId);
  });

  it('has what ProfileCreator needs to load it', () => {
    for (const key of ['pfm_domain', 'pfm_description', 'pfm_format_version', 'pfm_last_modified', 'pfm_title', 'pfm_version', 'pfm_subkeys']) expect(manifest, key).toHaveProperty(key);
    expect(manifest.pfm_last_modified).toBeInstanceOf(Date);
    for (const key of ['PayloadDisplayName', 'PayloadIdentifier', 'PayloadType', 'PayloadUUID', 'PayloadVersion']) expect(subkey(key).pfm_require, key).toBe('always');
  });

  it('offers every field of the policy, and nothing else, with its type and default', () => {
    const fields = manifest.pfm_subkeys.map((key) => key.pfm_name as string).filter((name) => !name.startsWith('Payload'));
    expect(fields).toEqual(Object.keys(PolicyFields));
    const types: Record<PolicyField, string> = {
      organization: 'string',
      identityProvider: 'string',
      supportUrl: 'string',
      supportContact: 'string',
      reminderIntervalHours: 'real',
      newKeychainOffered: 'boolean',
      language: 'string',
    };
    for (const field of fields as PolicyField[]) {
      const key = subkey(field);
      expect(key.pfm_type, field).toBe(types[field]);
      expect(key.pfm_title, field).toEqual(expect.any(String));
      expect(key.pfm_description, field).toEqual(expect.any(String));
      if (DEFAULT_POLICY[field] === null) expect(key, field).not.toHaveProperty('pfm_default');
      else expect(key.pfm_default, field).toBe(DEFAULT_POLICY[field]);
    }
    // A real key's numbers are <real>, as the editor will write the value.
    expect(profileManifest()).toMatch(/<key>pfm_default<\/key>\s*<real>4<\/real>\s*<key>pfm_range_min<\/key>\s*<real>0.25<\/real>\s*<key>pfm_range_max<\/key>\s*<real>168<\/real>/);
    expect(subkey('language').pfm_range_list).toEqual(PolicyFields.language.unwrap().options);
    expect((subkey('language').pfm_range_list_titles as string[]).length).toBe(PolicyFields.language.unwrap().options.length);
  });
});

/** Values the app takes and refuses; the editors must agree with it on each. */
const SAMPLES: Record<PolicyField, unknown[]> = {
  organization: ['Example Corp', 'x', 'x'.repeat(100), '', 'x'.repeat(101)],
  identityProvider: ['Okta', 'x'.repeat(60), '', 'x'.repeat(61)],
  supportUrl: ['https://help.example.com/pw', `https://e.example/${'p'.repeat(470)}`, 'http://help.example.com', 'help.example.com', `https://e.example/${'p'.repeat(490)}`],
  supportContact: ['Desk', 'x'.repeat(200), '', 'x'.repeat(201)],
  reminderIntervalHours: [0.25, 4, 168, 0.2, 169, -1],
  newKeychainOffered: [true, false],
  language: ['de', 'pt-BR', 'xx', 'DE'],
};

describe('the editors accept exactly what the app accepts', () => {
  const app = (field: PolicyField, value: unknown) => PolicyFields[field].safeParse(value).success;

  it('the Jamf Pro schema, checked by a JSON Schema validator', () => {
    const schema = JSON.parse(jamfSchema()) as { properties: Record<string, object> };
    const ajv = new Ajv({ strict: false });
    for (const [field, values] of Object.entries(SAMPLES) as Array<[PolicyField, unknown[]]>) {
      const check = ajv.compile(schema.properties[field]!);
      for (const value of values) expect(check(value), `${field} = ${JSON.stringify(value).slice(0, 40)}`).toBe(app(field, value));
    }
  });

  it("the manifest's ranges, lists and formats", () => {
    const keys = new Map((parse(profileManifest()) as { pfm_subkeys: Array<Record<string, unknown>> }).pfm_subkeys.map((key) => [key.pfm_name as string, key]));
    const editor = (field: PolicyField, value: unknown) => {
      const key = keys.get(field)!;
      const type = { string: 'string', real: 'number', boolean: 'boolean' }[key.pfm_type as string];
      if (typeof value !== type) return false;
      if (typeof value === 'number' && ((key.pfm_range_min as number) > value || (key.pfm_range_max as number) < value)) return false;
      if (key.pfm_range_list && !(key.pfm_range_list as unknown[]).includes(value)) return false;
      if (key.pfm_format && !new RegExp(key.pfm_format as string).test(value as string)) return false;
      return true;
    };
    for (const [field, values] of Object.entries(SAMPLES) as Array<[PolicyField, unknown[]]>) {
      for (const value of values) expect(editor(field, value), `${field} = ${JSON.stringify(value).slice(0, 40)}`).toBe(app(field, value));
    }
  });

  it('every key has a title and a description, taken from the schema', () => {
    for (const key of policyKeys()) {
      expect(key.title.length, key.name).toBeGreaterThan(3);
      expect(key.description.length, key.name).toBeGreaterThan(20);
    }
  });
});
