/**
 * What an administrator's tools need to write the agent's settings as a configuration
 * profile for the domain org.pwsync.agent, generated from the settings' own zod schema
 * (agent-config.ts), so an editor offers exactly the keys, types, ranges and defaults
 * the agent accepts: a profile manifest (ProfileManifests format, for ProfileCreator and
 * iMazing Profile Editor) and a Jamf Pro custom schema, both nested as the settings are.
 * `npm run profiles` writes them (scripts/policy-profiles.ts); a test fails when the
 * committed files differ from what this makes, or when a setting has no words here.
 * Nothing here runs in the agent.
 */
import { createHash } from 'node:crypto';
import { build, type PlistValue } from 'plist';
import { z } from 'zod';
import { AgentConfig } from './agent-config';
import { AGENT_DOMAIN, profileFields, unwrap } from './managed-config';

/** Raised with the keys (profile editors keep the manifest with the highest version); `keys` is their fingerprint, checked by a test. */
export const AGENT_MANIFEST_REVISION = {
  version: 1,
  lastModified: '2026-12-01T00:00:00Z',
  keys: 'bb824401936be6ac',
};

export const AGENT_DOCUMENTATION_URL = 'https://github.com/pwsync/pwsync/blob/main/docs/install.md#the-agents-settings-in-a-profile';

/** Each setting's title and meaning, as an editor shows them. A setting the schema gains must be described here (a test says so). */
export const SETTING_TEXT: Record<string, { title: string; description: string }> = {
  directory: { title: 'Directory', description: 'Where password changes come from.' },
  'directory.url': { title: 'Directory URL', description: 'The pwsync directory to enrol with and check in at (https; http only on loopback).' },
  'directory.caFile': { title: 'CA certificate file', description: "A PEM file of the CA the directory's certificate must chain to; only it is trusted then. Leave out to use the system's." },
  'directory.enrolmentCode': {
    title: 'Enrolment code',
    description: 'An enrolment code from the directory, used once, at the first start that finds this Mac not enrolled. Readable by everyone on the Mac, as all managed preferences are: use a code that expires soon or can be used only a few times.',
  },
  'directory.checkinIntervalSeconds': { title: 'Check-in interval (seconds)', description: "How often the agent checks in with the directory; changes also arrive at once over the directory's event stream." },
  people: { title: 'People', description: "Whom the agent serves, and as whom at the directory. Root and system accounts are never served." },
  'people.userNameFrom': { title: 'Directory user name from', description: 'localPart: a local account is the directory user whose userName (before "@") has its name; map: only the accounts in Map are served.' },
  'people.domain': { title: 'Domain', description: 'With localPart: the account alex is exactly alex@DOMAIN at the directory.' },
  'people.map': { title: 'Map', description: "Local account name → the person's userName at the directory; wins over the rule." },
  'people.exclude': { title: 'Exclude', description: 'Local accounts never served.' },
  folders: { title: 'Folders', description: "The agent's own folders; the package's defaults suit a Mac." },
  'folders.state': { title: 'State folder', description: "Each person's state, the enrolment and the bindings: root's alone." },
  'folders.sockets': { title: 'Socket folder', description: "One socket per person: root's folder, anyone may enter." },
  logLevel: { title: 'Log level', description: "How much the agent writes to /Library/Logs/pwsync/pwsync-agent.log." },
  backend: { title: 'Backend', description: 'How password changes are applied on this Mac.' },
  'backend.name': { title: 'Backend name', description: "The computer's own by default (darwin on a Mac)." },
  'backend.attemptLimit': { title: 'Attempt limit', description: 'Wrong previous passwords allowed before the agent waits.' },
  'backend.allowNewKeychain': { title: 'Allow a new keychain', description: 'Let people who forgot their previous password start over with a new login keychain.' },
};

interface JsonSchema {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  maxItems?: number;
}

export interface AgentKey {
  field: string;
  section: string | null;
  name: string;
  title: string;
  description: string;
  schema: JsonSchema;
  default: unknown;
}

const DEFAULTS = AgentConfig.parse({}) as Record<string, unknown>;

function fieldSchema(field: string): z.ZodType {
  const [section, key] = field.split('.');
  const top = unwrap(AgentConfig.shape[section as keyof typeof AgentConfig.shape] as z.ZodType);
  return key === undefined ? top : ((top as z.ZodObject).shape[key] as z.ZodType);
}

/** Every setting a profile may hold, in the schema's order. */
export function agentKeys(): AgentKey[] {
  return profileFields().map((field) => {
    const [section, key] = field.split('.');
    const text = SETTING_TEXT[field];
    if (!text) throw new Error(`${field}: no title or description in SETTING_TEXT (agent-manifests.ts)`);
    const schema = z.toJSONSchema(unwrap(fieldSchema(field)), { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    // The schema's folders are Linux's; on a Mac the package's agent.json names its own, so no default is offered.
    const defaults = section === 'folders' ? undefined : key === undefined ? DEFAULTS[section!] : (DEFAULTS[section!] as Record<string, unknown> | undefined)?.[key];
    return { field, section: key === undefined ? null : section!, name: key ?? section!, ...text, schema, default: defaults };
  });
}

type PlistDict = { [key: string]: PlistValue };
const PLIST_TYPE: Record<string, string> = { string: 'string', integer: 'integer', number: 'real', boolean: 'boolean', object: 'dictionary', array: 'array' };

function manifestKey(key: AgentKey): PlistDict {
  const type = PLIST_TYPE[key.schema.type ?? 'string'] ?? 'string';
  const subkey: PlistDict = { pfm_name: key.name, pfm_title: key.title, pfm_description: key.description, pfm_type: type };
  const isEmpty = key.default === undefined || (Array.isArray(key.default) && key.default.length === 0) || (typeof key.default === 'object' && key.default !== null && Object.keys(key.default).length === 0);
  if (!isEmpty) subkey.pfm_default = key.default as PlistValue;
  if (key.schema.enum) subkey.pfm_range_list = [...key.schema.enum];
  if (key.schema.minimum !== undefined) subkey.pfm_range_min = key.schema.minimum;
  if (key.schema.maximum !== undefined) subkey.pfm_range_max = key.schema.maximum;
  if (key.schema.pattern) subkey.pfm_format = key.schema.pattern;
  if (type === 'array') subkey.pfm_subkeys = [{ pfm_name: 'Account', pfm_title: 'Local account name', pfm_type: 'string' }];
  // people.map's keys are the administrator's (local account names): the manifest format
  // has no way to say "any key", so the editor shows it as a dictionary to fill in.
  return subkey;
}

/** The nesting of the settings: top-level values as they are, each section a dictionary of its keys, in the schema's order. */
function grouped<T>(make: (key: AgentKey) => T, section: (name: string, children: T[]) => T): T[] {
  const order: Array<AgentKey | string> = [];
  const sections = new Map<string, AgentKey[]>();
  for (const key of agentKeys()) {
    if (key.section === null) order.push(key);
    else if (sections.has(key.section)) sections.get(key.section)!.push(key);
    else {
      sections.set(key.section, [key]);
      order.push(key.section);
    }
  }
  return order.map((item) => (typeof item === 'string' ? section(item, sections.get(item)!.map(make)) : make(item)));
}

export function agentKeysFingerprint(): string {
  return createHash('sha256').update(JSON.stringify(agentKeys())).digest('hex').slice(0, 16);
}

/** docs/profiles/manifest/org.pwsync.agent.plist */
export function agentProfileManifest(): string {
  const payloadKeys: PlistDict[] = [
    { pfm_default: 'pwsync agent', pfm_name: 'PayloadDisplayName', pfm_require: 'always', pfm_title: 'Payload Display Name', pfm_type: 'string' },
    { pfm_default: AGENT_DOMAIN, pfm_name: 'PayloadIdentifier', pfm_require: 'always', pfm_title: 'Payload Identifier', pfm_type: 'string' },
    { pfm_default: AGENT_DOMAIN, pfm_name: 'PayloadType', pfm_require: 'always', pfm_title: 'Payload Type', pfm_type: 'string' },
    { pfm_format: '^[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}$', pfm_name: 'PayloadUUID', pfm_require: 'always', pfm_title: 'Payload UUID', pfm_type: 'string' },
    { pfm_default: 1, pfm_name: 'PayloadVersion', pfm_range_list: [1], pfm_require: 'always', pfm_title: 'Payload Version', pfm_type: 'integer' },
  ];
  const manifest: PlistDict = {
    pfm_description: 'The pwsync agent’s settings on this Mac: its directory, the enrolment code, whom it serves. A key left out keeps /etc/pwsync/agent.json’s value, or its default.',
    pfm_documentation_url: AGENT_DOCUMENTATION_URL,
    pfm_domain: AGENT_DOMAIN,
    pfm_format_version: 1,
    pfm_last_modified: new Date(AGENT_MANIFEST_REVISION.lastModified),
    pfm_platforms: ['macOS'],
    // The agent serves everyone on the Mac: it reads the computer's profile only.
    pfm_targets: ['system'],
    pfm_title: 'pwsync agent',
    pfm_unique: true,
    pfm_version: AGENT_MANIFEST_REVISION.version,
    pfm_subkeys: [
      ...payloadKeys,
      ...grouped<PlistDict>(manifestKey, (name, children) => ({ pfm_name: name, pfm_title: SETTING_TEXT[name]!.title, pfm_description: SETTING_TEXT[name]!.description, pfm_type: 'dictionary', pfm_subkeys: children })),
    ],
  };
  return `${build(manifest)}\n`;
}

function jamfProperty(key: AgentKey, order: number): Record<string, unknown> {
  const { type, enum: values, minimum, maximum, minLength, maxLength, pattern, maxItems } = key.schema;
  const property: Record<string, unknown> = { title: key.title, description: key.description, property_order: order, type: type ?? 'string' };
  Object.assign(property, Object.fromEntries(Object.entries({ enum: values, minimum, maximum, minLength, maxLength, pattern, maxItems }).filter(([, v]) => v !== undefined)));
  if (type === 'array') property.items = { type: 'string' };
  if (key.field === 'people.map') property.additionalProperties = { type: 'string' };
  const empty = key.default === undefined || (typeof key.default === 'object' && key.default !== null && Object.keys(key.default).length === 0);
  if (!empty) property.default = key.default;
  property.links = [{ rel: 'More information', href: AGENT_DOCUMENTATION_URL }];
  return property;
}

/** docs/profiles/jamf/org.pwsync.agent.json */
export function agentJamfSchema(): string {
  let order = 0;
  const entries = grouped<[string, Record<string, unknown>]>(
    (key) => [key.name, jamfProperty(key, (order += 5))],
    (name, children) => [name, { title: SETTING_TEXT[name]!.title, description: SETTING_TEXT[name]!.description, property_order: (order += 5), type: 'object', properties: Object.fromEntries(children) }],
  ).sort((a, b) => (a[1].property_order as number) - (b[1].property_order as number));
  const schema = {
    title: `pwsync agent (${AGENT_DOMAIN})`,
    description: 'The pwsync agent’s settings on this Mac. Add only the keys you set: a key left out keeps /etc/pwsync/agent.json’s value, or its default. Scope it to computers.',
    __version: String(AGENT_MANIFEST_REVISION.version),
    options: { remove_empty_properties: true },
    properties: Object.fromEntries(entries),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
