/**
 * The policy as a macOS configuration profile delivers it: managed preferences for the
 * domain org.pwsync.tray (the app's bundle identifier, as macOS expects of an app's
 * preference domain). An MDM-installed profile ends up as property lists the system's
 * MDM client writes into /Library/Managed Preferences, root-owned and read-only to
 * everyone else: <domain>.plist for the computer, <user>/<domain>.plist for one person.
 *
 * We read those files ourselves rather than through CFPreferences: the tray's core is
 * plain TypeScript (tested on any system, no native module in the app), and reading the
 * files tells us exactly which file a value came from, for the diagnostics. They are
 * usually binary property lists, sometimes XML; both are read with the `plist` package.
 *
 * Only the folder's owner (root, through the MDM client) writes these files, so the one
 * bad input to survive is a bad value or a damaged file: both fall back as the JSON
 * file's do (policy.ts), and neither ever stops the app.
 */
import path from 'node:path';
import { parse, parseBinary } from 'plist';
import type { PolicyLayer } from './policy';

export const POLICY_DOMAIN = 'org.pwsync.tray';
export const MANAGED_PREFERENCES = '/Library/Managed Preferences';

/** Larger than any policy can be; past it the file is not read as one. */
const MAX_PLIST_BYTES = 64 * 1024;

/**
 * The managed preference files that can hold the policy, the one that wins last: the
 * computer's, then the person's (a setting for one person is more specific than one for
 * the whole computer, as in macOS's managed preferences, where the user's win over the
 * computer's).
 */
export function managedPreferenceFiles(username: string, root = MANAGED_PREFERENCES, domain = POLICY_DOMAIN): string[] {
  const files = [path.posix.join(root, `${domain}.plist`)];
  // A short name never holds a slash; should one ever come, no other folder is read for it.
  if (username && !username.includes('/') && username !== '.' && username !== '..') files.push(path.posix.join(root, username, `${domain}.plist`));
  return files;
}

/**
 * Keys that the system or a profile adds beside the administrator's settings: the
 * profile's own Payload… keys, and `_manualProfile` for a profile someone installed by
 * hand (osquery's managed_policies table documents both). They are not policy fields,
 * and an administrator should not see them reported as unknown.
 */
export function isProfileBookkeeping(key: string): boolean {
  return /^Payload[A-Z]/.test(key) || key === '_manualProfile';
}

/** The file's bytes as a policy layer: a dictionary of settings, or undefined when it is no property list we can use. */
export function managedPreferencesLayer(source: string, bytes: Buffer): PolicyLayer {
  return { source, raw: readPropertyList(bytes), ignoredKeys: isProfileBookkeeping };
}

function readPropertyList(bytes: Buffer): unknown {
  if (bytes.length > MAX_PLIST_BYTES) return undefined;
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
    // A plist's dictionary is a plain object; a date or data at the top is no policy.
    return Object.prototype.toString.call(value) === '[object Object]' ? value : undefined;
  } catch {
    return undefined;
  }
}
