/**
 * Finds and reads the administrator's policy (docs/deployment.md): a JSON file at one
 * fixed path per system, readable by everyone, writable only by administrators; and on
 * macOS, over it, the managed preferences a configuration profile delivers
 * (managed-preferences.ts). A missing source is skipped; an unreadable or partly bad one
 * falls back field by field (mergePolicy), and every problem goes to the log, with the
 * source it was found in, and to AppState.policy.problems.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Platform } from '@pwsync/agent-protocol';
import type { Logger } from '@pwsync/node-kit/log';
import { managedPreferenceFiles, managedPreferencesLayer } from './managed-preferences';
import { type LoadedPolicy, mergePolicy, parsePolicy, type PolicyLayer } from './policy';

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

export interface PolicySources {
  /** The JSON policy file. */
  file: string;
  /** Managed preference files (macOS), each over the one before it and all over the file. */
  managed: string[];
}

export interface PolicySourceOptions {
  env?: NodeJS.ProcessEnv;
  /** The signed-in person's short name: their own managed preferences are read too. */
  username: string;
  /** Instead of /Library/Managed Preferences (tests). */
  managedRoot?: string;
  /** Instead of the system's policy file (`pwsync doctor --policy`). */
  file?: string;
}

/**
 * Everything the policy is read from on this system, the one that wins last. Windows'
 * HKLM\SOFTWARE\Policies\pwsync is not read yet (docs/deployment.md says why): there the
 * file is the policy.
 */
export function policySources(platform: Platform, options: PolicySourceOptions): PolicySources {
  const file = options.file ?? policyPath(platform, options.env);
  return { file, managed: platform === 'darwin' ? managedPreferenceFiles(options.username, options.managedRoot) : [] };
}

export interface PolicyReader {
  readFile(file: string): Promise<Buffer>;
}

const nodeReader: PolicyReader = { readFile: (file) => fs.readFile(file) };

/** The JSON policy file alone (demo mode's `--policy`, and the file under a profile). */
export async function loadPolicy(file: string, logger: Logger, reader: PolicyReader = nodeReader): Promise<LoadedPolicy> {
  return loadLayers([{ file, layer: jsonLayer }], logger, reader);
}

/** The policy in effect: the file, then every managed preference file over it. */
export async function loadSystemPolicy(sources: PolicySources, logger: Logger, reader: PolicyReader = nodeReader): Promise<LoadedPolicy> {
  return loadLayers([{ file: sources.file, layer: jsonLayer }, ...sources.managed.map((file) => ({ file, layer: managedPreferencesLayer }))], logger, reader);
}

type LayerReader = (source: string, bytes: Buffer) => PolicyLayer;

function jsonLayer(source: string, bytes: Buffer): PolicyLayer {
  if (bytes.length > MAX_POLICY_BYTES) return { source, raw: undefined };
  try {
    return { source, raw: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { source, raw: undefined };
  }
}

async function loadLayers(candidates: Array<{ file: string; layer: LayerReader }>, logger: Logger, reader: PolicyReader): Promise<LoadedPolicy> {
  const layers: PolicyLayer[] = [];
  for (const { file, layer } of candidates) {
    let bytes: Buffer;
    try {
      bytes = await reader.readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Missing (or, for a person's folder of managed preferences, not there at all): nothing to apply.
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        logger.info('no policy here', { file });
        continue;
      }
      logger.warn('a policy source could not be read; what it would set is not applied', { file, error: code ?? 'unknown' });
      layers.push({ source: file, raw: undefined });
      continue;
    }
    layers.push(layer(file, bytes));
  }
  if (layers.length === 0) logger.info('no policy; the defaults apply');
  const loaded = mergePolicy(layers);
  for (const problem of loaded.problems) {
    // The field name only: the value could be anything an administrator typed.
    logger.warn('a policy field could not be used; what applies without it stays', { file: problem.source, field: problem.field.slice(0, 60), problem: problem.problem });
  }
  if (layers.length > 0) logger.info('policy loaded', { source: loaded.source, problems: loaded.problems.length });
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
