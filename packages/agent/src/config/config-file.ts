/**
 * Reading /etc/pwsync/agent.json at start. The file decides whose passwords a root
 * agent changes and which directory it trusts, so it is believed only if nobody but
 * root could have written it: a regular file reached without a link, owned by root,
 * writable by its owner alone, in folders that pass the same checks (folder-safety.ts).
 * Anything else refuses the start with one sentence saying what to fix; the agent
 * starts nothing before the whole configuration is known good.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { checkSafeFolder, trustedOwners, UnsafeFolderError } from '../folder-safety';
import { type AgentSettings, describeProblems, settingsFrom } from './agent-config';

/** Far more than any real configuration (a map of thousands of accounts), far less than memory. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigFileOptions {
  /** The uids that may own the file and its folders: root's alone for a root agent. */
  owners?: readonly number[];
}

const ownerName = (owners: readonly number[]) => (owners.length === 1 ? 'root' : `root or uid ${owners[1]}`);

/** The settings the file gives, or a ConfigError whose message is the one sentence to show. */
export async function loadConfigFile(file: string, options: ConfigFileOptions = {}): Promise<AgentSettings> {
  const owners = options.owners ?? trustedOwners();
  return settingsOrThrow(file, parseJson(file, await readTrustedFile(file, owners)));
}

export function settingsOrThrow(source: string, raw: unknown): AgentSettings {
  const result = settingsFrom(raw);
  if (!result.ok) throw new ConfigError(describeProblems(source, result.problems));
  return result.settings;
}

async function readTrustedFile(file: string, owners: readonly number[]): Promise<string> {
  const absolute = path.resolve(file);
  let stats;
  try {
    stats = await fs.lstat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`the configuration file ${absolute} is missing; write one (docs/install.md, "Configure") or reinstall the package, then start the agent again.`);
    throw new ConfigError(`cannot read the configuration file ${absolute} (${code ?? 'error'}); make it readable by root, then start the agent again.`);
  }
  if (stats.isSymbolicLink()) throw new ConfigError(`the configuration file ${absolute} is a symbolic link; put the file itself there (owned by root, mode 0644 or 0600), then start the agent again.`);
  if (!stats.isFile()) throw new ConfigError(`the configuration file ${absolute} is not a regular file; put a JSON file there (docs/install.md), then start the agent again.`);
  if (!owners.includes(stats.uid)) {
    throw new ConfigError(`the configuration file ${absolute} belongs to uid ${stats.uid}, so that user could choose whose passwords the agent changes; make it ${ownerName(owners)}'s (chown root:root ${absolute}), then start the agent again.`);
  }
  if ((stats.mode & 0o022) !== 0) {
    throw new ConfigError(`group or others can write the configuration file ${absolute}; make it writable by root alone (chmod go-w ${absolute}), then start the agent again.`);
  }
  try {
    await checkSafeFolder(path.dirname(absolute), { purpose: 'configuration folder', owners, createMode: 0o755 });
  } catch (error) {
    if (error instanceof UnsafeFolderError) throw new ConfigError(`${error.message}, then start the agent again.`);
    throw error;
  }
  // O_NOFOLLOW and a second look at what was opened: a file swapped in since the lstat is not believed.
  const handle = await fs.open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`cannot open the configuration file ${absolute} (${error.code ?? 'error'}), then start the agent again.`);
  });
  try {
    const opened = await handle.stat();
    if (opened.ino !== stats.ino || opened.dev !== stats.dev) throw new ConfigError(`the configuration file ${absolute} was replaced while it was read; start the agent again.`);
    if (opened.size > MAX_CONFIG_BYTES) throw new ConfigError(`the configuration file ${absolute} is larger than ${MAX_CONFIG_BYTES} bytes; a configuration is far smaller: check what was written there.`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * JSON.parse's own message quotes the text around the mistake, and this file may hold
 * an enrolment code: the sentence gives only the line and column.
 */
function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    let where = '';
    if (position !== undefined) {
      const before = text.slice(0, Number(position)).split('\n');
      where = ` at line ${before.length}, column ${before.at(-1)!.length + 1}`;
    } else if (/end of JSON input/.test(message)) {
      where = ' (it ends too early)';
    }
    throw new ConfigError(`the configuration file ${path.resolve(file)} is not valid JSON${where}; fix it (docs/install.md, "Configure"), then start the agent again.`);
  }
}
