/**
 * The administrator's policy (docs/deployment.md lists where it can come from on each
 * system: a JSON file, and on macOS a configuration profile). Each field is validated on
 * its own: a bad field falls back to what applies without it and is reported, so one
 * typo never throws away the rest of the policy.
 *
 * The schemas below are the one source of the policy: the app validates with them, and
 * the profile manifest, the Jamf Pro schema and the table of keys in docs/deployment.md
 * are generated from them (policy-manifests.ts, `npm run profiles`), titles and
 * descriptions included.
 */
import { z } from 'zod';

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'zh-CN', 'nl'] as const;

export const PolicyFields = {
  organization: z
    .string()
    .min(1)
    .max(100)
    .nullable()
    .meta({ title: 'Organization', description: "Your organization's name, shown in the support view." }),
  identityProvider: z
    .string()
    .min(1)
    .max(60)
    .meta({ title: 'Identity provider', description: 'The name people know their identity provider by ("Okta"), used in the tray, notifications and window.' }),
  // The pattern as well as the protocol: the pattern is what the manifest and the Jamf
  // schema can carry to the administrator's editor, the protocol check is the URL parser's.
  supportUrl: z
    .url({ protocol: /^https$/ })
    .regex(/^https:\/\//)
    .max(500)
    .nullable()
    .meta({
      title: 'Support page',
      description: 'Your help page (https only). The "get help" link opens it, and its host is the only one the app ever opens in a browser.',
    }),
  supportContact: z
    .string()
    .min(1)
    .max(200)
    .nullable()
    .meta({ title: 'Support contact', description: 'How to reach support ("IT Help Desk, extension 4357").' }),
  reminderIntervalHours: z
    .number()
    .min(0.25)
    .max(168)
    .meta({ title: 'Reminder interval (hours)', description: 'How often to remind the person while a password change waits for confirmation.' }),
  newKeychainOffered: z.boolean().meta({
    title: 'Offer a new keychain',
    description: 'Whether someone who forgot their previous password may start over with a new login keychain (macOS). The agent must allow it too.',
  }),
  language: z
    .enum(LANGUAGES)
    .nullable()
    .meta({ title: 'Language', description: 'The language of the app. Not set (or null in the file): the system language.' }),
} as const;

export type PolicyField = keyof typeof PolicyFields;
export type Policy = { [K in PolicyField]: z.infer<(typeof PolicyFields)[K]> };

export const DEFAULT_POLICY: Policy = {
  organization: null,
  identityProvider: 'your identity provider',
  supportUrl: null,
  supportContact: null,
  reminderIntervalHours: 4,
  newKeychainOffered: false,
  language: null,
};

/** What a field's value is when nothing set it. */
export const DEFAULT_SOURCE = 'default';

export interface PolicyProblem {
  /** The field's name, or "(file)" when the whole source could not be used. */
  field: string;
  problem: 'invalid' | 'unknown';
  /** Where the value that could not be used was: a file or a profile's path. */
  source: string;
}

export interface LoadedPolicy {
  policy: Policy;
  /** Where it came from: the sources found, the one that wins first ("a over b"), or "defaults". */
  source: string;
  /** Where each field's value came from: a source's path, or "default". */
  fieldSources: Record<PolicyField, string>;
  problems: PolicyProblem[];
}

/** One place a policy can come from: what was read there (undefined: it could not be used at all). */
export interface PolicyLayer {
  source: string;
  raw: unknown;
  /** Keys the source's format adds of its own (a profile's PayloadUUID…): neither used nor reported. */
  ignoredKeys?: (key: string) => boolean;
}

export function defaultPolicy(): LoadedPolicy {
  return { policy: { ...DEFAULT_POLICY }, source: 'defaults', fieldSources: defaultSources(), problems: [] };
}

function defaultSources(): Record<PolicyField, string> {
  return Object.fromEntries(Object.keys(PolicyFields).map((field) => [field, DEFAULT_SOURCE])) as Record<PolicyField, string>;
}

/** Applies what is valid in `raw` over the defaults; names every field it could not use. */
export function parsePolicy(raw: unknown, source: string): LoadedPolicy {
  return mergePolicy([{ source, raw }]);
}

/**
 * Applies the layers in order, each over the ones before it (the last one wins), field by
 * field: a valid value replaces what was there, a bad one leaves it and is reported with
 * where it was, so a bad value in a profile falls back to the file's, and the file's to
 * the default.
 */
export function mergePolicy(layers: readonly PolicyLayer[]): LoadedPolicy {
  const policy: Record<string, unknown> = { ...DEFAULT_POLICY };
  const fieldSources: Record<string, string> = defaultSources();
  const problems: PolicyProblem[] = [];
  for (const { source, raw, ignoredKeys } of layers) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ field: '(file)', problem: 'invalid', source });
      continue;
    }
    for (const [field, value] of Object.entries(raw)) {
      if (ignoredKeys?.(field)) continue;
      const schema = Object.hasOwn(PolicyFields, field) ? (PolicyFields as Record<string, z.ZodType>)[field] : undefined;
      if (!schema) {
        problems.push({ field, problem: 'unknown', source });
        continue;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) {
        policy[field] = parsed.data;
        fieldSources[field] = source;
      } else problems.push({ field, problem: 'invalid', source });
    }
  }
  const sources = layers.map((layer) => layer.source).reverse();
  return {
    policy: policy as Policy,
    source: sources.length === 0 ? 'defaults' : sources.join(' over '),
    fieldSources: fieldSources as Record<PolicyField, string>,
    problems,
  };
}
