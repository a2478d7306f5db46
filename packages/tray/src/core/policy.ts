/**
 * The administrator's policy (docs/deployment.md lists where the file lives on each
 * system). Each field is validated on its own: a bad field falls back to its default
 * and is reported, so one typo never throws away the rest of the policy.
 */
import { z } from 'zod';

export const PolicyFields = {
  organization: z.string().min(1).max(100).nullable(),
  identityProvider: z.string().min(1).max(60),
  supportUrl: z.url({ protocol: /^https$/ }).max(500).nullable(),
  supportContact: z.string().min(1).max(200).nullable(),
  reminderIntervalHours: z.number().min(0.25).max(168),
  newKeychainOffered: z.boolean(),
  language: z.enum(['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'zh-CN', 'nl']).nullable(),
} as const;

export type Policy = { [K in keyof typeof PolicyFields]: z.infer<(typeof PolicyFields)[K]> };

export const DEFAULT_POLICY: Policy = {
  organization: null,
  identityProvider: 'your identity provider',
  supportUrl: null,
  supportContact: null,
  reminderIntervalHours: 4,
  newKeychainOffered: false,
  language: null,
};

export interface PolicyProblem {
  field: string;
  problem: 'invalid' | 'unknown';
}

export interface LoadedPolicy {
  policy: Policy;
  /** Where it came from: a file path, or "defaults". */
  source: string;
  problems: PolicyProblem[];
}

/** Applies what is valid in `raw` over the defaults; names every field it could not use. */
export function parsePolicy(raw: unknown, source: string): LoadedPolicy {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { policy: { ...DEFAULT_POLICY }, source, problems: [{ field: '(file)', problem: 'invalid' }] };
  }
  const policy: Record<string, unknown> = { ...DEFAULT_POLICY };
  const problems: PolicyProblem[] = [];
  for (const [field, value] of Object.entries(raw)) {
    const schema = (PolicyFields as Record<string, z.ZodType>)[field];
    if (!schema) {
      problems.push({ field, problem: 'unknown' });
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) policy[field] = parsed.data;
    else problems.push({ field, problem: 'invalid' });
  }
  return { policy: policy as Policy, source, problems };
}
