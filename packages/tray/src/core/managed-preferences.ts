/**
 * The policy as a macOS configuration profile delivers it: managed preferences for the
 * domain org.pwsync.tray (the app's bundle identifier, as macOS expects of an app's
 * preference domain). Reading the files is shared with the agent
 * (@pwsync/node-kit/property-list); this is the policy's use of them.
 *
 * Only the folder's owner (root, through the MDM client) writes these files, so the one
 * bad input to survive is a bad value or a damaged file: both fall back as the JSON
 * file's do (policy.ts), and neither ever stops the app.
 */
import { isProfileBookkeeping, MANAGED_PREFERENCES, managedPreferenceFiles as filesFor, readPropertyList } from '@pwsync/node-kit/property-list';
import type { PolicyLayer } from './policy';

export { isProfileBookkeeping, MANAGED_PREFERENCES };

export const POLICY_DOMAIN = 'org.pwsync.tray';

/** The managed preference files that can hold the policy, the one that wins last: the computer's, then the person's. */
export function managedPreferenceFiles(username: string, root = MANAGED_PREFERENCES, domain = POLICY_DOMAIN): string[] {
  return filesFor(domain, username, root);
}

/** The file's bytes as a policy layer: a dictionary of settings, or undefined when it is no property list we can use. */
export function managedPreferencesLayer(source: string, bytes: Buffer): PolicyLayer {
  return { source, raw: readPropertyList(bytes), ignoredKeys: isProfileBookkeeping };
}
