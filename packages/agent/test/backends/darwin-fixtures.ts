/**
 * A pretend Mac for the macOS backend's recording tests: an account, a login keychain,
 * FileVault and the tools' answers, driven by exactly what the backend sends. The
 * tools' outputs below are written in the formats docs/backends.md describes (and
 * cites); the values are made up.
 */
import path from 'node:path';
import {
  APP_SSO,
  DISKUTIL,
  FDESETUP,
  IOREG,
  LAUNCHCTL,
  MV,
  OSASCRIPT,
  PROFILES,
  PWPOLICY,
  SECURITY,
  SYSADMINCTL,
  TEST,
} from '../../src/backends/darwin';
import { ACCOUNT_SCRIPT, RESET_KEYCHAIN_SCRIPT } from '../../src/backends/darwin-scripts';
import type { RecordedCall } from '../../src/backends/recording-runner';
import type { RunResult } from '../../src/backends/runner';

export const USER = 'alex';
export const UID = 501;
export const GID = 20;
export const HOME = '/Users/alex';
export const KEYCHAIN_FILE = `${HOME}/Library/Keychains/login.keychain-db`;
export const HARDWARE_UUID = '1F6E0C2A-4B7D-4E8F-9A1B-2C3D4E5F6A7B';
export const LOCAL_ITEMS = `${HOME}/Library/Keychains/${HARDWARE_UUID}`;
/** The fixed clock's instant and the name a Local Items folder set aside then gets. */
export const NOW = Date.parse('2025-03-01T09:00:00.000Z');
export const LOCAL_ITEMS_KEPT = `${LOCAL_ITEMS}_renamed_20250301T090000Z`;
export const PREVIOUS = `prev "Ω" \\ it's`;
export const NEXT = 'next Grüße 🌧 "x"';

export const LOCAL_AUTHORITY = [';ShadowHash;HASHLIST:<SALTED-SHA512-PBKDF2,SRP-RFC5054-4096-SHA512-PBKDF2>', ';Kerberosv5;;alex@LKDC:SHA1.0123456789ABCDEF;LKDC:SHA1.0123456789ABCDEF;'];
export const SECURE_TOKEN_AUTHORITY = [...LOCAL_AUTHORITY, ';SecureToken;'];

/** `app-sso platform -s` with nothing configured: each section is `(null)`. */
export const APP_SSO_NOT_CONFIGURED = 'Device Configuration:\n (null)\n\nLogin Configuration:\n (null)\n\nUser Configuration:\n (null)\n';

/** The device registered, this user not (yet). */
export const APP_SSO_DEVICE_ONLY = `Time: 2025-03-01 09:00:00 +0000

Device Configuration:
 {
  "extensionIdentifier" : "com.example.sso.extension",
  "loginType" : "POLoginTypePassword (1)",
  "registrationCompleted" : true,
  "sdkVersionString" : 15.199999999999999
}

Login Configuration:
 {
  "accountDisplayName" : "Example Identity",
  "note" : "User Configuration: inside a value is not a heading"
}

User Configuration:
 (null)
`;

/** The device and this user registered with Platform SSO. */
export const APP_SSO_USER_REGISTERED = `${APP_SSO_DEVICE_ONLY.replace(/User Configuration:\n \(null\)\n$/, '')}User Configuration:
 {
  "loginType" : "POLoginTypePassword (1)",
  "state" : "POUserStateNormal (0)",
  "uniqueIdentifier" : "00000000-1111-2222-3333-444444444444",
  "userLoginConfiguration" : {
    "loginUserName" : "a***@example.com"
  }
}

SSO Tokens:
Received:
2025-03-01T08:00:00Z
`;

/** `pwpolicy -getaccountpolicies`: a heading line, then the plist. One admin rule with translations, one from a profile. */
export const PWPOLICY_GLOBAL = `Getting global account policies
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>policyCategoryAuthentication</key>
\t<array>
\t\t<dict>
\t\t\t<key>policyContent</key>
\t\t\t<string>policyAttributeFailedAuthentications &lt; policyAttributeMaximumFailedAuthentications</string>
\t\t\t<key>policyIdentifier</key>
\t\t\t<string>com.example.lockout</string>
\t\t</dict>
\t</array>
\t<key>policyCategoryPasswordContent</key>
\t<array>
\t\t<dict>
\t\t\t<key>policyContent</key>
\t\t\t<string>policyAttributePassword matches '.{12,}+'</string>
\t\t\t<key>policyContentDescription</key>
\t\t\t<dict>
\t\t\t\t<key>de</key>
\t\t\t\t<string>Das Passwort muss mindestens 12 Zeichen lang sein.</string>
\t\t\t\t<key>default</key>
\t\t\t\t<string>The password must be at least 12 characters long.</string>
\t\t\t\t<key>en</key>
\t\t\t\t<string>The password must be at least 12 characters long.</string>
\t\t\t\t<key>fr</key>
\t\t\t\t<string>Le mot de passe doit comporter au moins 12 caract&#x00E8;res.</string>
\t\t\t</dict>
\t\t\t<key>policyIdentifier</key>
\t\t\t<string>com.example.minLength</string>
\t\t\t<key>policyParameters</key>
\t\t\t<dict>
\t\t\t\t<key>minimumLength</key>
\t\t\t\t<integer>12</integer>
\t\t\t\t<key>enforced</key>
\t\t\t\t<true/>
\t\t\t</dict>
\t\t</dict>
\t\t<dict>
\t\t\t<key>policyContent</key>
\t\t\t<string>policyAttributePassword matches '(.*[0-9].*){1,}+'</string>
\t\t\t<key>policyContentDescription</key>
\t\t\t<dict>
\t\t\t\t<key>policyDefaultContentDescription</key>
\t\t\t\t<string>Contain at least one number.</string>
\t\t\t</dict>
\t\t\t<key>policyIdentifier</key>
\t\t\t<string>ProfilePayload:3E0F1B2C-0000-4000-8000-000000000000:requireNumeric</string>
\t\t</dict>
\t\t<dict>
\t\t\t<key>policyContent</key>
\t\t\t<string>policyAttributePassword matches '.{4,}+'</string>
\t\t\t<key>policyIdentifier</key>
\t\t\t<string>com.apple.defaultpasswordpolicy.fde</string>
\t\t</dict>
\t</array>
</dict>
</plist>
`;

/** `pwpolicy -u USER -getaccountpolicies` for an account without policies of its own. */
export const PWPOLICY_USER_EMPTY = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict/>
</plist>
`;

export const IOREG_OUTPUT = `+-o MacBookPro18,3  <class IOPlatformExpertDevice, id 0x100000227, registered, matched, active, busy 0 (0 ms), retain 34>
    {
      "IOPlatformSerialNumber" = "C02XXXXXXXXX"
      "IOPlatformUUID" = "${HARDWARE_UUID}"
      "model" = <"MacBookPro18,3">
    }
`;

type Fault = Partial<RunResult>;

/** What the fake did, in the words the order checks use. */
export function label(call: RecordedCall): string {
  if (call.program === OSASCRIPT && call.args.includes(ACCOUNT_SCRIPT)) return `od:${(JSON.parse(call.stdin) as { op: string }).op}`;
  if (call.program === LAUNCHCTL && call.args.includes(SECURITY)) {
    const [, o, p] = /-o "((?:[^"\\]|\\.)*)" -p "((?:[^"\\]|\\.)*)"/.exec(call.stdin)!;
    return o === p ? 'keychain:probe' : 'keychain:change';
  }
  if (call.program === LAUNCHCTL && call.args.includes(RESET_KEYCHAIN_SCRIPT)) return 'keychain:reset';
  if (call.program === LAUNCHCTL && call.args.includes(APP_SSO)) return 'app-sso';
  if (call.program === FDESETUP) return `fdesetup ${call.args[0]}`;
  if (call.program === PWPOLICY) return call.args[0] === '-u' ? 'pwpolicy:user' : 'pwpolicy:global';
  return path.basename(call.program);
}

export class FakeMac {
  account = PREVIOUS;
  keychain: string | null = PREVIOUS;
  authority: string[] = SECURE_TOKEN_AUTHORITY;
  originalNodeName: string[] = [];
  languages: unknown = ['en-US'];
  secureToken = true;
  fileVault = true;
  /** Who `fdesetup list` names; by default whoever has a SecureToken. */
  fileVaultUsers: string[] | null = null;
  appSso: Fault = { exitCode: 0, stdout: APP_SSO_NOT_CONFIGURED };
  pwpolicy: { global: Fault; user: Fault } = { global: { exitCode: 0, stdout: PWPOLICY_GLOBAL }, user: { exitCode: 0, stdout: PWPOLICY_USER_EMPTY } };
  bootstrap: Fault = { exitCode: 0, stdout: 'profiles: Bootstrap Token supported on server: YES\nprofiles: Bootstrap Token escrowed to server: NO\n' };
  /** The folders that exist, for test -d and mv. */
  folders = new Set<string>([LOCAL_ITEMS]);
  keptKeychains = 0;
  /** Faults by step: the answer to give instead of the real one. */
  faults: Partial<
    Record<'change' | 'verifyNew' | 'keychainChange' | 'preboot' | 'preflight' | 'reset' | 'keychainReset' | 'ioreg' | 'moveAside' | 'moveBack' | 'test', Fault>
  > = {};

  /** An account without a SecureToken: neither its AuthenticationAuthority nor sysadminctl has one. */
  withoutSecureToken(): this {
    this.authority = LOCAL_AUTHORITY;
    this.secureToken = false;
    return this;
  }

  answer = (call: RecordedCall): Fault => {
    const json = (value: unknown): Fault => ({ exitCode: 0, stdout: JSON.stringify(value) });
    if (call.program === OSASCRIPT && call.args.includes(ACCOUNT_SCRIPT)) {
      const req = JSON.parse(call.stdin) as { op: string; old?: string; new?: string };
      if (req.op === 'info') {
        return json({ ok: true, uid: UID, gid: GID, home: HOME, authority: this.authority, originalNodeName: this.originalNodeName, languages: this.languages });
      }
      if (req.op === 'verify') {
        if (req.old === NEXT && this.faults.verifyNew) return this.faults.verifyNew;
        return json(req.old === this.account ? { ok: true } : { ok: false, code: 5000 });
      }
      if (req.op === 'preflight') return this.faults.preflight ?? json({ ok: true });
      if (req.op === 'change') {
        if (this.faults.change) return this.faults.change;
        if (req.old !== this.account) return json({ ok: false, code: 5000 });
        this.account = req.new!;
        return json({ ok: true });
      }
      if (req.op === 'reset') {
        if (this.faults.reset) return this.faults.reset;
        if (this.authority.includes(';SecureToken;')) return json({ ok: false, code: -2 });
        this.account = req.new!;
        return json({ ok: true });
      }
    }
    if (call.program === LAUNCHCTL && call.args.includes(SECURITY)) {
      const match = /^set-keychain-password -o "((?:[^"\\]|\\.)*)" -p "((?:[^"\\]|\\.)*)" "(.*)"\n$/.exec(call.stdin);
      const unquote = (s: string) => s.replace(/\\(.)/g, '$1');
      const [old, next] = [unquote(match![1]!), unquote(match![2]!)];
      if (old !== next && this.faults.keychainChange) return this.faults.keychainChange;
      if (this.keychain === null) return { exitCode: 0, stderr: 'set-keychain-password: returned -25294\n' };
      if (old !== this.keychain) return { exitCode: 0, stderr: 'set-keychain-password: returned -25293\n' };
      this.keychain = next;
      return { exitCode: 0 };
    }
    if (call.program === LAUNCHCTL && call.args.includes(RESET_KEYCHAIN_SCRIPT)) {
      if (this.faults.keychainReset) return this.faults.keychainReset;
      this.keptKeychains += 1;
      this.keychain = call.stdin;
      return json({ status: 0, keptAs: `login_renamed_${this.keptKeychains}.keychain-db` });
    }
    if (call.program === LAUNCHCTL && call.args.includes(APP_SSO)) return this.appSso;
    if (call.program === PWPOLICY) return call.args[0] === '-u' ? this.pwpolicy.user : this.pwpolicy.global;
    if (call.program === FDESETUP && call.args[0] === 'isactive') return { exitCode: this.fileVault ? 0 : 1, stdout: this.fileVault ? 'true\n' : 'false\n' };
    if (call.program === FDESETUP && call.args[0] === 'list') {
      const users = this.fileVaultUsers ?? (this.secureToken ? [USER] : []);
      return { exitCode: 0, stdout: users.map((u) => `${u},85B7F2E0-1C3D-4B5A-9E8F-0A1B2C3D4E5F\n`).join('') };
    }
    if (call.program === SYSADMINCTL) return { exitCode: 0, stderr: `2025-03-01 09:00:00.000 sysadminctl[123:456] Secure token is ${this.secureToken ? 'ENABLED' : 'DISABLED'} for user Alex\n` };
    if (call.program === DISKUTIL) return this.faults.preboot ?? { exitCode: 0, stdout: 'Started APFS operation\nFinished APFS operation (ZeroMeansSuccess)=0\n' };
    if (call.program === PROFILES) return this.bootstrap;
    if (call.program === IOREG) return this.faults.ioreg ?? { exitCode: 0, stdout: IOREG_OUTPUT };
    if (call.program === TEST) return this.faults.test ?? { exitCode: this.folders.has(call.args[1]!) ? 0 : 1 };
    if (call.program === MV) {
      const [, , from, to] = call.args as [string, string, string, string];
      const fault = from === LOCAL_ITEMS ? this.faults.moveAside : this.faults.moveBack;
      if (fault) return fault;
      if (!this.folders.has(from)) return { exitCode: 1, stderr: `mv: rename ${from} to ${to}: No such file or directory\n` };
      if (this.folders.has(to)) return { exitCode: 0, stdout: `${to} not overwritten\n` };
      this.folders.delete(from);
      this.folders.add(to);
      return { exitCode: 0, stdout: `${from} -> ${to}\n` };
    }
    return { exitCode: 127 };
  };
}
