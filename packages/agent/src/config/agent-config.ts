/**
 * The agent's configuration: `/etc/pwsync/agent.json` on Linux, and on macOS the same
 * settings from a managed-preferences domain too (a profile wins field by field). One
 * zod object is the source: the file loader (config-file.ts) and the macOS profile
 * reader both turn what they read into a raw object and call settingsFrom(), which
 * gives the settings or every problem, each with the field it is about and a sentence
 * saying what to write there.
 *
 * Unknown keys are refused, not ignored: a misspelt `enrolmentCode` silently ignored
 * would leave a computer unenrolled with nobody told why.
 */
import path from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from '@pwsync/node-kit/log';
import { directoryUrlProblem } from '../directory-url';
import { DEFAULT_ATTEMPT_LIMIT } from '../lockout';

/** Where the file is on Linux (the package ships a default, a conffile). */
export const CONFIG_FILE = '/etc/pwsync/agent.json';

/** A local account's name as useradd(8) allows it (Debian's default NAME_REGEX, plus upper case and dots that other tools create). */
export const LocalAccountName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/, { message: 'must be a local account name (letters, digits, "_", "-" or ".", at most 32)' });

/** A directory userName as SCIM carries it: what the identity provider calls the person, usually an email address. */
export const DirectoryUserName = z.string().min(1, { message: 'must not be empty' }).max(256, { message: 'must be at most 256 characters' });

const Domain = z
  .string()
  .regex(/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, {
    message: 'must be a domain name such as example.com, without "@"',
  });

const AbsolutePath = z
  .string()
  .max(200, { message: 'must be at most 200 characters' })
  .refine((value) => path.isAbsolute(value) && path.normalize(value) === value && !value.includes('\0'), {
    message: 'must be an absolute path without "..", "//" or a trailing "/"',
  });

const DirectoryUrl = z.string().superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be a URL such as https://pwsync.example.com' });
    return;
  }
  const problem = directoryUrlProblem(url);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/**
 * Who is served, and as whom at the directory. `userNameFrom`:
 * - `localPart`: the local account `alex` is the directory user whose userName's local
 *   part (before "@") is `alex`; with `domain`, exactly `alex@domain`. Without a domain
 *   the directory refuses a name two of its users share (set a domain or map them).
 * - `map`: only the accounts `map` names are served, each as the userName it gives.
 * In both, `map` entries win over the rule, and `exclude` names accounts never served.
 * Root and system accounts are never served, whatever is written here (accounts.ts).
 */
export const PeopleSettings = z
  .strictObject({
    userNameFrom: z.enum(['localPart', 'map'], { message: 'must be "localPart" or "map"' }).default('localPart'),
    domain: Domain.optional(),
    map: z.record(LocalAccountName, DirectoryUserName).default({}),
    exclude: z.array(LocalAccountName).max(1000, { message: 'must list at most 1000 accounts' }).default([]),
  })
  .superRefine((people, context) => {
    if (people.userNameFrom === 'map' && people.domain !== undefined) {
      context.addIssue({ code: 'custom', path: ['domain'], message: 'goes only with "userNameFrom": "localPart"; remove it or map each account in "map"' });
    }
    if (people.userNameFrom === 'map' && Object.keys(people.map).length === 0) {
      context.addIssue({ code: 'custom', path: ['map'], message: 'must name at least one account with "userNameFrom": "map" (for example {"alex": "alex@example.com"})' });
    }
    if (Object.keys(people.map).length > 10_000) context.addIssue({ code: 'custom', path: ['map'], message: 'must name at most 10000 accounts' });
  });
export type PeopleSettings = z.infer<typeof PeopleSettings>;

export const DirectorySettings = z.strictObject({
  /** The directory to enrol with and check in at; optional once `pwsync-agent enroll` has recorded one. */
  url: DirectoryUrl.optional(),
  /** The CA certificate (PEM) the directory's certificate must chain to; only it is trusted then. */
  caFile: AbsolutePath.optional(),
  /** An enrolment code, for MDM: used once, at the first start that finds the computer not enrolled. */
  enrolmentCode: z
    .string()
    .min(16, { message: 'must be the enrolment code the directory gave (at least 16 characters)' })
    .max(200, { message: 'must be at most 200 characters' })
    .optional(),
  checkinIntervalSeconds: z.number().int().min(1).max(86_400, { message: 'must be a whole number of seconds from 1 to 86400' }).default(60),
});

export const FolderSettings = z.strictObject({
  /** Each person's state (users/NAME), the machine's enrolment, the bindings: root's alone. */
  state: AbsolutePath.default('/var/lib/pwsync'),
  /** One socket per person (UID.sock) and the control socket: root's folder, anyone may enter. */
  sockets: AbsolutePath.default('/run/pwsync'),
});

export const BackendSettings = z.strictObject({
  /** The computer's own by default; a backend for another system is refused at start. */
  name: z.enum(['linux', 'darwin'], { message: 'must be "linux" or "darwin"' }).optional(),
  attemptLimit: z.number().int().min(1).max(100, { message: 'must be a whole number from 1 to 100' }).default(DEFAULT_ATTEMPT_LIMIT),
  /** Let people who forgot their previous password start over with a new login keychain. */
  allowNewKeychain: z.boolean().default(false),
});

export const AgentConfig = z.strictObject({
  /** Free text for the administrator; JSON has no comments. */
  $comment: z.union([z.string(), z.array(z.string())]).optional(),
  directory: DirectorySettings.default({ checkinIntervalSeconds: 60 }),
  people: PeopleSettings.default({ userNameFrom: 'localPart', map: {}, exclude: [] }),
  folders: FolderSettings.default({ state: '/var/lib/pwsync', sockets: '/run/pwsync' }),
  logLevel: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  backend: BackendSettings.default({ attemptLimit: DEFAULT_ATTEMPT_LIMIT, allowNewKeychain: false }),
});
export type AgentSettings = z.infer<typeof AgentConfig>;
/** What a file or a profile holds, before defaults. */
export type AgentConfigInput = z.input<typeof AgentConfig>;

export interface SettingProblem {
  /** The field, dotted: `directory.url`, `people.map.alex`; '' for the whole object. */
  field: string;
  /** What to write there, as a sentence's end: "must be an https URL". */
  problem: string;
}

export type SettingsResult = { ok: true; settings: AgentSettings } | { ok: false; problems: SettingProblem[] };

/** The settings a raw object (parsed JSON, a profile's keys) gives, or every problem with it. */
export function settingsFrom(raw: unknown): SettingsResult {
  const parsed = AgentConfig.safeParse(raw);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const problems: SettingProblem[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ field: field ? `${field}.${key}` : key, problem: 'is not a setting the agent knows; remove it or check its spelling' });
    } else if (issue.code === 'invalid_type') {
      problems.push({ field, problem: /received undefined$/.test(issue.message) ? 'is missing' : `must be ${article(issue.expected)}` });
    } else if (issue.code === 'invalid_key') {
      problems.push({ field, problem: issue.issues[0]?.message ?? 'is not a valid name' });
    } else {
      // Our own messages are written as the end of a sentence; zod's (numbers' bounds) are not.
      problems.push({ field, problem: /^(must|is|goes) /.test(issue.message) ? issue.message : `is not valid (${issue.message})` });
    }
  }
  return { ok: false, problems };
}

function article(expected: string): string {
  if (expected === 'object') return 'an object ({ … })';
  if (expected === 'array') return 'a list ([ … ])';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** One sentence naming each problem: what an administrator reads when the agent refuses to start. */
export function describeProblems(source: string, problems: readonly SettingProblem[]): string {
  const parts = problems.slice(0, 5).map((p) => (p.field ? `"${p.field}" ${p.problem}` : p.problem));
  const more = problems.length > 5 ? `, and ${problems.length - 5} more` : '';
  return `${source} is not a valid configuration: ${parts.join("; ")}${more}; fix this, then start the agent again.`;
}
