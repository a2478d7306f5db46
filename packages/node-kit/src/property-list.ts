/**
 * Property lists as a macOS configuration profile delivers them: managed preferences,
 * which the system's MDM client writes into /Library/Managed Preferences, root-owned
 * and read-only to everyone else: <domain>.plist for the computer, <user>/<domain>.plist
 * for one person. The tray app reads its policy (org.pwsync.tray) and the agent its
 * settings (org.pwsync.agent) from there.
 *
 * We read those files ourselves rather than through CFPreferences: both programs are
 * plain TypeScript (tested on any system, no native module), and reading the files tells
 * us exactly which file a value came from, for the diagnostics. They are usually binary
 * property lists, sometimes XML; both are read with the `plist` package.
 */
import path from 'node:path';
import { parse, parseBinary } from 'plist';

export const MANAGED_PREFERENCES = '/Library/Managed Preferences';

/** Larger than any policy or settings can be; past it the file is not read as one. */
export const MAX_PLIST_BYTES = 64 * 1024;

/**
 * The managed preference files for a domain, the one that wins last: the computer's,
 * then the person's (a setting for one person is more specific than one for the whole
 * computer, as in macOS's managed preferences, where the user's win over the computer's).
 */
export function managedPreferenceFiles(domain: string, username = '', root = MANAGED_PREFERENCES): string[] {
  const files = [path.posix.join(root, `${domain}.plist`)];
  // A short name never holds a slash; should one ever come, no other folder is read for it.
  if (username && !username.includes('/') && username !== '.' && username !== '..') files.push(path.posix.join(root, username, `${domain}.plist`));
  return files;
}

/**
 * Keys that the system or a profile adds beside the administrator's settings: the
 * profile's own Payload… keys, and `_manualProfile` for a profile someone installed by
 * hand (osquery's managed_policies table documents both). They are not settings, and an
 * administrator should not see them reported as unknown.
 */
export function isProfileBookkeeping(key: string): boolean {
  return /^Payload[A-Z]/.test(key) || key === '_manualProfile';
}

/** The dictionary a property list file holds, or undefined when it is none we can use (too large, damaged, not a dictionary). */
export function readPropertyList(bytes: Buffer, maxBytes = MAX_PLIST_BYTES): Record<string, unknown> | undefined {
  if (bytes.length > maxBytes) return undefined;
  try {
    // bplist00 is the binary format's magic; anything else must be the XML format, whose
    // parser is not asked about text that cannot be XML (it would complain on stderr).
    let value: unknown;
    if (bytes.subarray(0, 8).toString('latin1') === 'bplist00') value = parseBinary(bytes);
    else {
      const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trimStart();
      if (!text.startsWith('<')) return undefined;
      value = parse(text);
    }
    // A plist's dictionary is a plain object; a date or data at the top is no settings.
    return Object.prototype.toString.call(value) === '[object Object]' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
