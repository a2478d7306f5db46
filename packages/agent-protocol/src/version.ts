/**
 * The protocol this build speaks. Minor versions add optional fields and methods only
 * (1.1: a failed sync's failureReason, in SyncResult and in stepFailed's data; 1.2: the
 * person's userName at the identity provider in the directory state, and notAllowed's
 * failureReason; 1.3: a Mac's account, SecureToken, FileVault, Platform SSO and
 * bootstrap token in the diagnostics, as `mac`).
 */
export const PROTOCOL_VERSION = '1.3';

export interface ParsedVersion {
  major: number;
  minor: number;
}

export function parseVersion(version: string): ParsedVersion | undefined {
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(version);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Two peers can talk when their major versions agree; the lower minor is what both use. */
export function isCompatible(ours: string, theirs: string): boolean {
  const a = parseVersion(ours);
  const b = parseVersion(theirs);
  return a !== undefined && b !== undefined && a.major === b.major;
}
