/**
 * What an administrator's tools need to write the policy as a configuration profile,
 * generated from the policy's own schemas (policy.ts), so the editor offers exactly the
 * keys, types, ranges and defaults the app accepts:
 * - a profile manifest in the ProfileManifests format that ProfileCreator and iMazing
 *   Profile Editor read (https://github.com/ProfileManifests/ProfileManifests/wiki/Manifest-Format);
 * - a JSON Schema for Jamf Pro's "Application & Custom Settings" payload (its own flavour:
 *   title, description, property_order, options.enum_titles, links);
 * - the table of keys in docs/deployment.md.
 * `npm run profiles` writes them (scripts/policy-profiles.ts); a test fails when the
 * committed files differ from what this module makes. Nothing here ships in the app.
 */
import { createHash } from 'node:crypto';
import { build, type PlistValue } from 'plist';
import { z } from 'zod';
import { POLICY_DOMAIN } from './managed-preferences';
import { DEFAULT_POLICY, LANGUAGES, type PolicyField, PolicyFields } from './policy';

/**
 * The manifest's revision. Profile editors keep the manifest with the highest
 * pfm_version (and, for equal versions, the newest pfm_last_modified), so both must move
 * whenever the keys do; `keys` is the fingerprint of the keys they were last moved for,
 * and a test fails when it no longer matches (it prints the new one).
 */
export const MANIFEST_REVISION = {
  version: 1,
  lastModified: '2026-12-01T00:00:00Z',
  keys: '91eab5e4e147c844',
};

export const DOCUMENTATION_URL = 'https://github.com/pwsync/pwsync/blob/main/docs/deployment.md#managed-preferences-macos';
const APP_URL = 'https://github.com/pwsync/pwsync';

/** The languages by their own names, as an administrator picks them in an editor. */
const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  ja: '日本語',
  'zh-CN': '简体中文',
  nl: 'Nederlands',
};

/** One key of the policy, as its JSON Schema says it, without the null a profile cannot hold. */
export interface PolicyKey {
  name: PolicyField;
  title: string;
  description: string;
  nullable: boolean;
  type: 'string' | 'number' | 'integer' | 'boolean';
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
  default: string | number | boolean | null;
}

interface JsonSchema {
  anyOf?: JsonSchema[];
  type?: string;
  title?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  enum?: string[];
}

/** The policy's keys, in the order of policy.ts, from z.toJSONSchema of each field. */
export function policyKeys(): PolicyKey[] {
  return (Object.keys(PolicyFields) as PolicyField[]).map((name) => {
    const schema = z.toJSONSchema(PolicyFields[name], { io: 'input' }) as JsonSchema;
    const values = schema.anyOf?.filter((option) => option.type !== 'null') ?? [schema];
    if (values.length !== 1) throw new Error(`${name}: a profile holds one type, the schema has ${values.length}`);
    const value = values[0]!;
    const type = value.type;
    if (type !== 'string' && type !== 'number' && type !== 'integer' && type !== 'boolean') throw new Error(`${name}: no profile type for ${String(type)}`);
    if (!schema.title || !schema.description) throw new Error(`${name}: the schema needs a title and a description (.meta)`);
    return {
      name,
      title: schema.title,
      description: schema.description,
      nullable: values.length !== (schema.anyOf?.length ?? 1),
      type,
      ...pick(value, ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'enum']),
      default: DEFAULT_POLICY[name],
    };
  });
}

function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]])) as Partial<Pick<T, K>>;
}

/** The plist type of a key: whole numbers only for an integer schema, any number otherwise. */
function plistType(key: PolicyKey): 'string' | 'real' | 'integer' | 'boolean' {
  return key.type === 'number' ? 'real' : key.type;
}

/** The JSON Schema regular expression as an anchored whole-string one that also holds the length limits. */
function stringFormat(key: PolicyKey): string | undefined {
  if (key.type !== 'string' || key.enum) return undefined;
  const length = key.minLength !== undefined || key.maxLength !== undefined ? `.{${key.minLength ?? 0},${key.maxLength ?? ''}}` : undefined;
  if (!key.pattern) return length ? `^${length}$` : undefined;
  // The schema's pattern matches anywhere; the editor's must match the whole value.
  const pattern = key.pattern.startsWith('^') ? key.pattern.slice(1) : `.*${key.pattern}`;
  return `^${length ? `(?=${length}$)` : ''}${pattern}.*$`;
}

// plist's builder writes a whole number as <integer>; a real key's default and range
// must be <real> (4 hours is 4.0), so they pass through it as a marked string.
const REAL_MARK = '__pwsync_real__';
const real = (value: number) => `${REAL_MARK}${value}`;
const asNumber = (key: PolicyKey, value: number) => (plistType(key) === 'real' ? real(value) : value);

type PlistDict = { [key: string]: PlistValue };

const PAYLOAD_SUBKEYS: PlistDict[] = [
  { pfm_default: 'Configures the pwsync tray app', pfm_description: 'The human-readable description of this payload.', pfm_name: 'PayloadDescription', pfm_title: 'Payload Description', pfm_type: 'string' },
  { pfm_default: 'pwsync', pfm_description: 'The human-readable name for the profile payload.', pfm_name: 'PayloadDisplayName', pfm_require: 'always', pfm_title: 'Payload Display Name', pfm_type: 'string' },
  { pfm_default: POLICY_DOMAIN, pfm_description: 'The reverse-DNS-style identifier for the payload.', pfm_name: 'PayloadIdentifier', pfm_require: 'always', pfm_title: 'Payload Identifier', pfm_type: 'string' },
  { pfm_default: POLICY_DOMAIN, pfm_description: 'The payload type: the preference domain of the pwsync tray app.', pfm_name: 'PayloadType', pfm_require: 'always', pfm_title: 'Payload Type', pfm_type: 'string' },
  {
    pfm_description: 'The globally unique identifier for the payload.',
    pfm_format: '^[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}$',
    pfm_name: 'PayloadUUID',
    pfm_require: 'always',
    pfm_title: 'Payload UUID',
    pfm_type: 'string',
  },
  { pfm_default: 1, pfm_description: 'The version of this specific payload.', pfm_name: 'PayloadVersion', pfm_range_list: [1], pfm_require: 'always', pfm_title: 'Payload Version', pfm_type: 'integer' },
  { pfm_description: 'The name of the organization that provides the profile.', pfm_name: 'PayloadOrganization', pfm_title: 'Payload Organization', pfm_type: 'string' },
];

function manifestSubkey(key: PolicyKey): PlistDict {
  const subkey: PlistDict = { pfm_name: key.name, pfm_title: key.title, pfm_description: key.description, pfm_type: plistType(key) };
  if (key.default !== null) subkey.pfm_default = typeof key.default === 'number' ? asNumber(key, key.default) : key.default;
  if (key.minimum !== undefined) subkey.pfm_range_min = asNumber(key, key.minimum);
  if (key.maximum !== undefined) subkey.pfm_range_max = asNumber(key, key.maximum);
  if (key.name === 'reminderIntervalHours') subkey.pfm_value_unit = 'hours';
  if (key.enum) {
    subkey.pfm_range_list = [...key.enum];
    if (key.name === 'language') subkey.pfm_range_list_titles = key.enum.map((code) => LANGUAGE_NAMES[code as keyof typeof LANGUAGE_NAMES]);
  }
  const format = stringFormat(key);
  if (format) subkey.pfm_format = format;
  subkey.pfm_documentation_url = DOCUMENTATION_URL;
  return subkey;
}

/** The fingerprint of the keys a manifest describes (MANIFEST_REVISION.keys). */
export function keysFingerprint(): string {
  return createHash('sha256').update(JSON.stringify(policyKeys().map(manifestSubkey))).digest('hex').slice(0, 16);
}

/** The profile manifest (docs/profiles/manifest/org.pwsync.tray.plist). */
export function profileManifest(): string {
  const manifest: PlistDict = {
    pfm_app_url: APP_URL,
    pfm_description: 'What the administrator sets for the pwsync tray app. Include only the keys you set: a key left out keeps the policy file’s value, or its default.',
    pfm_documentation_url: DOCUMENTATION_URL,
    pfm_domain: POLICY_DOMAIN,
    pfm_format_version: 1,
    pfm_last_modified: new Date(MANIFEST_REVISION.lastModified),
    pfm_platforms: ['macOS'],
    // The computer's profile, or one person's: the app reads both, the person's over the computer's.
    pfm_targets: ['system', 'user'],
    pfm_title: 'pwsync',
    pfm_unique: true,
    pfm_version: MANIFEST_REVISION.version,
    pfm_subkeys: [...PAYLOAD_SUBKEYS, ...policyKeys().map(manifestSubkey)],
  };
  const xml = build(manifest).replace(new RegExp(`<string>${REAL_MARK}([-0-9.e]+)</string>`, 'g'), '<real>$1</real>');
  if (xml.includes(REAL_MARK)) throw new Error('a real number was left marked');
  return `${xml}\n`;
}

/** The Jamf Pro custom schema (docs/profiles/jamf/org.pwsync.tray.json). */
export function jamfSchema(): string {
  const properties = Object.fromEntries(
    policyKeys().map((key, index) => {
      const property: Record<string, unknown> = {
        title: key.title,
        description: key.description,
        property_order: (index + 1) * 5,
        type: key.type,
        ...pick(key, ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum']),
      };
      if (key.default !== null) property.default = key.default;
      if (key.enum) {
        property.enum = [...key.enum];
        if (key.name === 'language') property.options = { enum_titles: key.enum.map((code) => LANGUAGE_NAMES[code as keyof typeof LANGUAGE_NAMES]) };
      }
      property.links = [{ rel: 'More information', href: DOCUMENTATION_URL }];
      return [key.name, property];
    }),
  );
  const schema = {
    title: `pwsync (${POLICY_DOMAIN})`,
    description: 'What the administrator sets for the pwsync tray app. Add only the keys you set: a key left out takes its default, or the policy file’s value.',
    __version: String(MANIFEST_REVISION.version),
    // A property the administrator added but left empty is left out of the profile, rather
    // than sent as an empty string the app would report as invalid.
    options: { remove_empty_properties: true },
    properties,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

const PATTERN_WORDS: Record<string, string> = { '^https:\\/\\/': 'an `https://` address' };

function fileType(key: PolicyKey): string {
  const limits = (low?: number, high?: number) => (low !== undefined && high !== undefined ? `${low}–${high}` : high !== undefined ? `up to ${high}` : `at least ${low}`);
  let text: string;
  if (key.enum) text = key.enum.map((value) => `\`"${value}"\``).join(', ');
  else if (key.type === 'boolean') text = '`true`/`false`';
  else if (key.type === 'number' || key.type === 'integer') text = `${key.type === 'integer' ? 'whole number' : 'number'}, ${limits(key.minimum, key.maximum)}`;
  else {
    const what = key.pattern ? (PATTERN_WORDS[key.pattern] ?? `text matching \`${key.pattern}\``) : 'text';
    const length = key.minLength !== undefined || key.maxLength !== undefined ? `, ${limits(key.pattern ? undefined : key.minLength, key.maxLength)} characters` : '';
    text = `${what}${length}`;
  }
  return key.nullable ? `${text}, or \`null\`` : text;
}

/** The table of keys in docs/deployment.md, between its generated-block markers. */
export function policyKeysTable(): string {
  const rows = policyKeys().map((key) => {
    const meaning = key.description.replace(/\|/g, '\\|');
    return `| \`${key.name}\` | ${fileType(key)} | ${plistType(key)} | \`${JSON.stringify(key.default)}\` | ${meaning} |`;
  });
  return ['| key | in the JSON file | in a profile | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export const KEYS_TABLE_START = '<!-- policy keys: generated from packages/tray/src/core/policy.ts by `npm run profiles` -->';
export const KEYS_TABLE_END = '<!-- end of policy keys -->';

/** docs/deployment.md with its table of keys replaced by the generated one. */
export function withKeysTable(markdown: string): string {
  const start = markdown.indexOf(KEYS_TABLE_START);
  const end = markdown.indexOf(KEYS_TABLE_END);
  if (start === -1 || end < start) throw new Error('docs/deployment.md has lost the markers around its table of policy keys');
  return `${markdown.slice(0, start + KEYS_TABLE_START.length)}\n${policyKeysTable()}\n${markdown.slice(end)}`;
}
