/**
 * Reading what macOS's tools print, for the macOS backend. Each parser takes the text
 * a tool printed and answers facts, never the text itself, so no output (which could
 * in principle echo anything) travels further than this file. docs/backends.md says
 * where each format comes from.
 */

/** Platform SSO's state for the user who ran `app-sso platform -s`. */
export interface PlatformSsoState {
  /** The device registration: its `registrationCompleted`, or none when the section is `(null)` or absent. */
  device: 'registered' | 'notRegistered' | 'none';
  /** The user's own registration: present when the User Configuration section is not `(null)`. */
  user: 'present' | 'none';
  /** `loginType` as printed (`POLoginTypePassword (1)`), for support. */
  loginType: string | null;
  /** False when the output had none of the sections app-sso prints: a format this parser does not know. */
  recognized: boolean;
}

const SECTIONS = ['Device Configuration', 'Login Configuration', 'User Configuration', 'SSO Tokens'] as const;
type Section = (typeof SECTIONS)[number];
const HEADER = new RegExp(`^(${SECTIONS.join('|')}):[ \\t]*(.*)$`);

type SectionValue = Record<string, unknown> | 'unreadable' | null;

/**
 * A section's body: `(null)` or nothing is no configuration; otherwise the JSON
 * object between the first `{` and the last `}` (app-sso pretty-prints JSON), or
 * 'unreadable' when that does not parse.
 */
function sectionValue(body: string): SectionValue {
  const text = body.trim();
  if (text === '' || text === '(null)') return null;
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open < 0 || close < open) return 'unreadable';
  try {
    const parsed: unknown = JSON.parse(text.slice(open, close + 1));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Reads `app-sso platform -s` (macOS 13 and later), run as the user in their session.
 * It prints sections, each a heading at the start of a line ("Device Configuration:",
 * "Login Configuration:", "User Configuration:", "SSO Tokens:") followed by a
 * pretty-printed JSON object or `(null)`. A heading is only recognized at the start
 * of a line: inside the JSON every line is indented, and a JSON string cannot hold a
 * line break, so text such as "User Configuration:" inside a value is never taken
 * for a heading. Where a body does not parse as JSON, the one key the decision needs
 * is looked for by itself.
 */
export function parsePlatformSso(output: string): PlatformSsoState {
  const bodies = new Map<Section, string>();
  let current: Section | null = null;
  for (const line of output.split(/\r?\n/)) {
    const header = HEADER.exec(line);
    if (header) {
      current = header[1] as Section;
      bodies.set(current, header[2] ?? '');
    } else if (current) {
      bodies.set(current, `${bodies.get(current)}\n${line}`);
    }
  }
  const deviceBody = bodies.get('Device Configuration');
  const userBody = bodies.get('User Configuration');
  const device = deviceBody === undefined ? null : sectionValue(deviceBody);
  const user = userBody === undefined ? null : sectionValue(userBody);
  const registered =
    device === 'unreadable' ? /"registrationCompleted"\s*:\s*true\b/.test(deviceBody ?? '') : device?.registrationCompleted === true;
  const loginTypeOf = (value: SectionValue, body: string | undefined): string | null => {
    if (value && value !== 'unreadable' && typeof value.loginType === 'string') return value.loginType.slice(0, 60);
    return /"loginType"\s*:\s*"([^"\n]{1,60})"/.exec(body ?? '')?.[1] ?? null;
  };
  return {
    device: device === null ? 'none' : registered ? 'registered' : 'notRegistered',
    user: user === null ? 'none' : 'present',
    loginType: loginTypeOf(user, userBody) ?? loginTypeOf(device, deviceBody),
    recognized: bodies.size > 0,
  };
}

/** `profiles status -type bootstraptoken`: "Bootstrap Token supported on server: YES" and "… escrowed to server: NO". */
export interface BootstrapTokenState {
  supportedOnServer: boolean | null;
  escrowedToServer: boolean | null;
}

export function parseBootstrapToken(output: string): BootstrapTokenState {
  const flag = (what: string): boolean | null => {
    const value = new RegExp(`Bootstrap Token ${what}:\\s*(YES|NO)\\b`).exec(output)?.[1];
    return value === undefined ? null : value === 'YES';
  };
  return { supportedOnServer: flag('supported on server'), escrowedToServer: flag('escrowed to server') };
}

const UUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';

/** `ioreg -rd1 -c IOPlatformExpertDevice`: the `"IOPlatformUUID" = "…"` line, the key XCreds reads through IOKit. */
export function parsePlatformUuid(output: string): string | null {
  return new RegExp(`"IOPlatformUUID"\\s*=\\s*"(${UUID})"`).exec(output)?.[1]?.toUpperCase() ?? null;
}

/** `fdesetup list`: one `shortname,UUID` line per user FileVault unlocks for. */
export function parseFileVaultUsers(output: string): string[] {
  const line = new RegExp(`^([^,\\s]+),${UUID}\\s*$`);
  return output.split(/\r?\n/).flatMap((text) => {
    const name = line.exec(text.trim())?.[1];
    return name === undefined ? [] : [name];
  });
}

/** `sysadminctl -secureTokenStatus USER` prints (on stderr) "Secure token is ENABLED for user …"; the two words are not translated. */
export function parseSecureTokenStatus(output: string): 'enabled' | 'disabled' | 'unknown' {
  const enabled = /\bENABLED\b/.test(output);
  const disabled = /\bDISABLED\b/.test(output);
  if (enabled === disabled) return 'unknown';
  return enabled ? 'enabled' : 'disabled';
}

/** Whether the record's AuthenticationAuthority holds a SecureToken entry (`;SecureToken;`). */
export function hasSecureToken(authority: readonly string[]): boolean {
  return authority.some((value) => value.includes(';SecureToken;'));
}

/**
 * Whether a local record is a network directory's (Active Directory's) mobile
 * account, as NoMAD and NoMAD Login decide it: `OriginalNodeName` naming an
 * "/Active Directory" node (NoMAD, `NoMADUser.currentConsoleUserIsADuser`), a
 * `;LocalCachedUser;` authority (NoMAD Login, `DeMobilize.isCachedUser`), or a
 * NetLogon authority (NoMAD: a network-only AD account).
 */
export function isMobileAccount(authority: readonly string[], originalNodeName: readonly string[]): boolean {
  return (
    originalNodeName.some((node) => node.includes('/Active Directory')) ||
    authority.some((value) => value.includes(';LocalCachedUser;') || value.includes(';NetLogon;'))
  );
}

/** The person's macOS languages (AppleLanguages), kept only when they look like language tags. */
export function languageTags(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  return values.filter((value): value is string => typeof value === 'string' && /^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}$/.test(value)).slice(0, 8);
}
