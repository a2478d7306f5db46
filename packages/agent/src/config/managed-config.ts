/**
 * The agent's settings on a Mac: /etc/pwsync/agent.json (config-file.ts), and over it
 * the managed preferences of the domain org.pwsync.agent that a computer-level
 * configuration profile delivers (/Library/Managed Preferences/org.pwsync.agent.plist,
 * written by the system's MDM client; packages/node-kit/src/property-list.ts).
 *
 * A profile's keys are the file's, nested the same way (a `directory` dictionary with
 * `url` and `enrolmentCode`, say). A value from the profile wins over the file's. A bad
 * one falls back field by field, as the tray's policy does: that field keeps the file's
 * value (or its default), and the problem is reported with the field and the file it was
 * found in; a profile never stops the agent, whereas the file, the administrator's own,
 * refuses the start when it is bad (agent-config.ts says why).
 *
 * Only the computer's profile counts: the agent serves everyone on the Mac, so a
 * person's own managed preferences (/Library/Managed Preferences/<user>/…) are not read.
 * And it is believed only as a file root alone could have written.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { isProfileBookkeeping, MANAGED_PREFERENCES, managedPreferenceFiles, readPropertyList } from '@pwsync/node-kit/property-list';
import { AgentConfig, type AgentSettings, type SettingProblem, settingsFrom } from './agent-config';
import { loadConfigFile } from './config-file';

export const AGENT_DOMAIN = 'org.pwsync.agent';

/** The computer's managed preferences for the agent. */
export function managedConfigFile(root = MANAGED_PREFERENCES): string {
  return managedPreferenceFiles(AGENT_DOMAIN, '', root)[0]!;
}

/** What a profile may set, as dotted fields: each section's keys (`directory.url`), and the top-level values (`logLevel`). */
export function profileFields(): string[] {
  return Object.entries(AgentConfig.shape).flatMap(([key, schema]) => {
    if (key === '$comment') return [];
    const inner = unwrap(schema);
    return inner instanceof z.ZodObject ? Object.keys(inner.shape).map((sub) => `${key}.${sub}`) : [key];
  });
}

/** The schema under a default or an optional. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodPipe) {
    current = current instanceof z.ZodPipe ? (current.in as z.ZodType) : (current.def.innerType as z.ZodType);
  }
  return current;
}

export interface ProfileProblem extends SettingProblem {
  /** The managed preferences file it was found in. */
  source: string;
}

export interface ManagedSettings {
  settings: AgentSettings;
  /** The fields the profile set, each with the file it came from; every other field is the file's or its default. */
  fromProfile: Record<string, string>;
  problems: ProfileProblem[];
}

type Raw = Record<string, unknown>;

function isDictionary(value: unknown): value is Raw {
  return Object.prototype.toString.call(value) === '[object Object]';
}

function withField(base: AgentSettings, field: string, value: unknown): Raw {
  const copy = structuredClone(base) as Raw;
  const [section, key] = field.split('.');
  if (key === undefined) copy[section!] = value;
  else copy[section!] = { ...(copy[section!] as Raw), [key]: value };
  return copy;
}

/**
 * The file's settings with the profile's values over them. Each value is taken when the
 * whole still holds; those that do not yet are tried again after the others (setting
 * `people.userNameFrom` to `map` needs `people.map` first), and what is left is a problem.
 */
export function withProfile(file: AgentSettings, profile: Raw | undefined, source: string): ManagedSettings {
  const problems: ProfileProblem[] = [];
  const fromProfile: Record<string, string> = {};
  if (profile === undefined) return { settings: file, fromProfile, problems };
  const known = new Set(profileFields());
  let pending: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(profile)) {
    if (isProfileBookkeeping(key) || key === '$comment') continue;
    if (known.has(key)) {
      pending.push([key, value]);
    } else if ([...known].some((field) => field.startsWith(`${key}.`))) {
      if (!isDictionary(value)) {
        problems.push({ source, field: key, problem: 'must be a dictionary of its settings' });
        continue;
      }
      for (const [sub, subValue] of Object.entries(value)) {
        if (known.has(`${key}.${sub}`)) pending.push([`${key}.${sub}`, subValue]);
        else problems.push({ source, field: `${key}.${sub}`, problem: 'is not a setting the agent knows; remove it or check its spelling' });
      }
    } else {
      problems.push({ source, field: key, problem: 'is not a setting the agent knows; remove it or check its spelling' });
    }
  }
  let settings = file;
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    const left: Array<[string, unknown]> = [];
    for (const [field, value] of pending) {
      const tried = settingsFrom(withField(settings, field, value));
      if (tried.ok) {
        settings = tried.settings;
        fromProfile[field] = source;
        progress = true;
      } else {
        left.push([field, value]);
      }
    }
    pending = left;
  }
  for (const [field, value] of pending) {
    const tried = settingsFrom(withField(settings, field, value));
    const own = tried.ok ? [] : tried.problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`));
    const problem = own[0]?.problem ?? (tried.ok ? 'could not be used' : `does not go with the other settings (${tried.problems[0]?.field}: ${tried.problems[0]?.problem})`);
    problems.push({ source, field, problem });
  }
  return { settings, fromProfile, problems };
}

export interface ManagedReadOptions {
  /** Instead of /Library/Managed Preferences (tests). */
  root?: string;
  /** The uids that may own the file: root's alone for a root agent. */
  owners?: readonly number[];
}

/**
 * The computer profile's dictionary for the agent, undefined when there is none, or a
 * problem when there is one that cannot be believed or read.
 */
export async function readManagedConfig(options: ManagedReadOptions = {}): Promise<{ source: string; profile?: Raw; problem?: string }> {
  const source = managedConfigFile(options.root);
  const owners = options.owners ?? [0];
  let stats;
  try {
    stats = await fs.lstat(source);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { source };
    return { source, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); its settings are not applied` };
  }
  // The system's MDM client writes it, as root, 0644: anything else could be anyone's.
  if (!stats.isFile() || !owners.includes(stats.uid) || (stats.mode & 0o022) !== 0) {
    return { source, problem: 'is not a root-owned file only root can write, so it is not believed; its settings are not applied' };
  }
  const profile = readPropertyList(await fs.readFile(source));
  if (!profile) return { source, problem: 'is not a property list holding a dictionary; its settings are not applied' };
  return { source, profile };
}

/** The agent's settings on a Mac: the file's, with the computer profile's over them. */
export async function applyManagedConfig(file: AgentSettings, options: ManagedReadOptions = {}): Promise<ManagedSettings> {
  const read = await readManagedConfig(options);
  if (read.problem) return { settings: file, fromProfile: {}, problems: [{ source: read.source, field: '', problem: read.problem }] };
  return withProfile(file, read.profile, read.source);
}

/**
 * The agent's settings as `serve` should read them: the file (refusing the start when it
 * is bad, config-file.ts), and on macOS the computer profile's over it. Each problem the
 * profile has is the caller's to log (ProfileProblem: field and file, never the value).
 */
export async function loadAgentSettings(file: string, options: ManagedReadOptions & { platform?: NodeJS.Platform } = {}): Promise<ManagedSettings> {
  const settings = await loadConfigFile(file, { owners: options.owners });
  if ((options.platform ?? process.platform) !== 'darwin') return { settings, fromProfile: {}, problems: [] };
  return applyManagedConfig(settings, options);
}
