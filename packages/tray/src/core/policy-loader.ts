/**
 * Finds and reads the administrator's policy file (docs/deployment.md): one fixed
 * path per system, readable by everyone, writable only by administrators. A missing
 * file means the defaults; an unreadable or partly bad one falls back field by field
 * (parsePolicy), and every problem goes to the log and to AppState.policy.problems.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Platform } from '@pwsync/agent-protocol';
import type { Logger } from '@pwsync/node-kit/log';
import { DEFAULT_POLICY, type LoadedPolicy, parsePolicy } from './policy';

const MAX_POLICY_BYTES = 64 * 1024;

export function policyPath(platform: Platform, env: NodeJS.ProcessEnv = process.env): string {
  switch (platform) {
    case 'darwin':
      return '/Library/Application Support/pwsync/policy.json';
    case 'win32':
      return path.win32.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'pwsync', 'policy.json');
    case 'linux':
      return '/etc/pwsync/policy.json';
  }
}

export interface PolicyReader {
  readFile(file: string): Promise<Buffer>;
}

const nodeReader: PolicyReader = { readFile: (file) => fs.readFile(file) };

export async function loadPolicy(file: string, logger: Logger, reader: PolicyReader = nodeReader): Promise<LoadedPolicy> {
  let bytes: Buffer;
  try {
    bytes = await reader.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      logger.info('no policy file; the defaults apply', { file });
      return { policy: { ...DEFAULT_POLICY }, source: 'defaults', problems: [] };
    }
    logger.warn('the policy file could not be read; the defaults apply', { file, error: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    return parsePolicy(undefined, file);
  }
  let raw: unknown;
  if (bytes.length > MAX_POLICY_BYTES) raw = undefined;
  else {
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch {
      raw = undefined;
    }
  }
  const loaded = parsePolicy(raw, file);
  for (const problem of loaded.problems) {
    // The field name only: the value could be anything an administrator typed.
    logger.warn('a policy field could not be used; its default applies', { file, field: problem.field.slice(0, 60), problem: problem.problem });
  }
  logger.info('policy loaded', { file, problems: loaded.problems.length });
  return loaded;
}

/** Demo mode's stand-in for an administrator's policy (the browser demo uses the same). */
export function demoPolicy(identityProvider = 'Okta'): LoadedPolicy {
  return parsePolicy(
    {
      organization: 'Example Corp',
      identityProvider,
      supportUrl: 'https://support.example.com/pwsync',
      supportContact: 'IT Help Desk, extension 4357',
      newKeychainOffered: true,
    },
    'demo policy',
  );
}
