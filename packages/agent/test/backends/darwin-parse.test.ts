import { describe, expect, it } from 'vitest';
import {
  hasSecureToken,
  isMobileAccount,
  languageTags,
  parseBootstrapToken,
  parseFileVaultUsers,
  parsePlatformSso,
  parsePlatformUuid,
  parseSecureTokenStatus,
} from '../../src/backends/darwin-parse';
import { passwordRequirements, parsePlist, pickLocalized, policyRefusalMessage } from '../../src/backends/darwin-policy';
import {
  APP_SSO_DEVICE_ONLY,
  APP_SSO_NOT_CONFIGURED,
  APP_SSO_USER_REGISTERED,
  HARDWARE_UUID,
  IOREG_OUTPUT,
  PWPOLICY_GLOBAL,
  PWPOLICY_USER_EMPTY,
} from './darwin-fixtures';

describe('reading app-sso platform -s', () => {
  it('tells a registered user from a registered device and from nothing configured', () => {
    expect(parsePlatformSso(APP_SSO_NOT_CONFIGURED)).toEqual({ device: 'none', user: 'none', loginType: null, recognized: true });
    expect(parsePlatformSso(APP_SSO_DEVICE_ONLY)).toEqual({ device: 'registered', user: 'none', loginType: 'POLoginTypePassword (1)', recognized: true });
    expect(parsePlatformSso(APP_SSO_USER_REGISTERED)).toMatchObject({ device: 'registered', user: 'present', loginType: 'POLoginTypePassword (1)' });
  });

  it('takes a heading only at the start of a line, so a value naming a section is not one', () => {
    // The device-only fixture has "User Configuration: inside a value …" in the Login section.
    expect(parsePlatformSso(APP_SSO_DEVICE_ONLY).user).toBe('none');
    const tricky = 'Device Configuration:\n {\n  "note" : "x",\n  "registrationCompleted" : false\n}\nLogin Configuration:\n (null)\nUser Configuration: (null)\n';
    expect(parsePlatformSso(tricky)).toMatchObject({ device: 'notRegistered', user: 'none' });
  });

  it('falls back to the one key it needs when a body is not JSON, and counts an unreadable user section as present', () => {
    const broken = 'Device Configuration:\n {\n  "registrationCompleted" : true,\n  "x" : <data>\n}\n\nUser Configuration:\n {\n  "loginType" : "POLoginTypeUserSecureEnclaveKey (2)",\n  oops\n}\n';
    expect(parsePlatformSso(broken)).toEqual({ device: 'registered', user: 'present', loginType: 'POLoginTypeUserSecureEnclaveKey (2)', recognized: true });
  });

  it('says when it does not recognize the output at all', () => {
    expect(parsePlatformSso('Platform Single Sign-on: on\n').recognized).toBe(false);
    expect(parsePlatformSso('').recognized).toBe(false);
  });
});

describe('reading the other tools', () => {
  it('profiles status -type bootstraptoken', () => {
    expect(parseBootstrapToken('profiles: Bootstrap Token supported on server: YES\nprofiles: Bootstrap Token escrowed to server: YES\n')).toEqual({ supportedOnServer: true, escrowedToServer: true });
    expect(parseBootstrapToken('profiles: Bootstrap Token supported on server: NO\nprofiles: Bootstrap Token escrowed to server: NO\n')).toEqual({ supportedOnServer: false, escrowedToServer: false });
    expect(parseBootstrapToken('profiles: something else')).toEqual({ supportedOnServer: null, escrowedToServer: null });
  });

  it('ioreg\'s IOPlatformUUID, fdesetup list, sysadminctl -secureTokenStatus', () => {
    expect(parsePlatformUuid(IOREG_OUTPUT)).toBe(HARDWARE_UUID);
    expect(parsePlatformUuid(IOREG_OUTPUT.replace(HARDWARE_UUID, HARDWARE_UUID.toLowerCase()))).toBe(HARDWARE_UUID);
    expect(parsePlatformUuid('"IOPlatformUUID" = "not-a-uuid"')).toBeNull();
    expect(parseFileVaultUsers('alex,85B7F2E0-1C3D-4B5A-9E8F-0A1B2C3D4E5F\nadmin,15B7F2E0-1C3D-4B5A-9E8F-0A1B2C3D4E5F\nnoise\n')).toEqual(['alex', 'admin']);
    expect(parseSecureTokenStatus('Secure token is ENABLED for user Alex')).toBe('enabled');
    expect(parseSecureTokenStatus('Secure token is DISABLED for user Alex')).toBe('disabled');
    expect(parseSecureTokenStatus('Unknown user')).toBe('unknown');
  });

  it('the account\'s kind from AuthenticationAuthority and OriginalNodeName', () => {
    expect(hasSecureToken([';ShadowHash;', ';SecureToken;'])).toBe(true);
    expect(hasSecureToken([';ShadowHash;', ';Kerberosv5;;alex@LKDC;'])).toBe(false);
    expect(isMobileAccount([';ShadowHash;'], [])).toBe(false);
    expect(isMobileAccount([';ShadowHash;'], ['/Active Directory/EXAMPLE/example.com'])).toBe(true);
    expect(isMobileAccount([';LocalCachedUser;/Active Directory/EXAMPLE/example.com:alex:GUID'], [])).toBe(true);
    expect(isMobileAccount([';NetLogon;alex;EXAMPLE'], [])).toBe(true);
    expect(isMobileAccount([';ShadowHash;'], ['/LDAPv3/ldap.example.com'])).toBe(false);
  });

  it('language tags only', () => {
    expect(languageTags(['de-DE', 'zh-Hans-CN', 'en', 'x;rm', 42, 'pt_BR'])).toEqual(['de-DE', 'zh-Hans-CN', 'en', 'pt_BR']);
    expect(languageTags('en')).toEqual([]);
  });
});

describe('the password policy\'s own words', () => {
  it('parses the plist pwpolicy prints, after its heading line', () => {
    const root = parsePlist(PWPOLICY_GLOBAL) as Record<string, unknown>;
    expect(Object.keys(root)).toEqual(['policyCategoryAuthentication', 'policyCategoryPasswordContent']);
    const rule = (root.policyCategoryPasswordContent as Array<Record<string, unknown>>)[0]!;
    expect(rule.policyParameters).toEqual({ minimumLength: 12, enforced: true });
    expect(rule.policyContent).toBe('policyAttributePassword matches \'.{12,}+\'');
    expect(parsePlist(PWPOLICY_USER_EMPTY)).toEqual({});
    expect(parsePlist('No policies')).toBeUndefined();
    expect(parsePlist('<plist><dict><key>a</key></dict></plist>')).toBeUndefined();
    expect(parsePlist('<plist><dict><key>a</key><string>unclosed</dict></plist>')).toBeUndefined();
  });

  it('picks the person\'s language, then the language alone, then the defaults', () => {
    const description = { de: 'Deutsch', en: 'English', default: 'Default', fr_CA: 'Français (Canada)' };
    expect(pickLocalized(description, ['de-AT'])).toBe('Deutsch');
    expect(pickLocalized(description, ['fr-FR'])).toBe('Français (Canada)');
    expect(pickLocalized(description, ['ja-JP'])).toBe('Default');
    expect(pickLocalized({ policyDefaultContentDescription: 'Profile' }, ['de'])).toBe('Profile');
    expect(pickLocalized({ en: 'English' }, [])).toBe('English');
    expect(pickLocalized(undefined, ['de'])).toBeUndefined();
  });

  it('collects each content rule\'s description once, decoded and tidied, and skips rules without one', () => {
    expect(passwordRequirements([PWPOLICY_GLOBAL, PWPOLICY_USER_EMPTY], ['fr-FR'])).toEqual([
      'Le mot de passe doit comporter au moins 12 caractères.',
      'Contain at least one number.',
    ]);
    expect(passwordRequirements([PWPOLICY_GLOBAL, PWPOLICY_GLOBAL], ['en'])).toEqual(['The password must be at least 12 characters long.', 'Contain at least one number.']);
    const hostile = PWPOLICY_USER_EMPTY.replace(
      '<dict/>',
      `<dict><key>policyCategoryPasswordContent</key><array><dict><key>policyContentDescription</key><string>line\u0007one\n\ntwo ${'x'.repeat(300)}</string></dict></array></dict>`,
    );
    const [text] = passwordRequirements([hostile], []);
    expect(text!.startsWith('line one two x')).toBe(true);
    expect(text).toHaveLength(200);
    expect(passwordRequirements(['garbage'], ['en'])).toEqual([]);
  });

  it('words the refusal in macOS\'s text, or plain words for the code', () => {
    expect(policyRefusalMessage(5403, ['A.', 'B.'])).toBe('The new password does not meet this Mac\'s password rules: A. B.');
    expect(policyRefusalMessage(5403, [])).toBe('The new password does not meet this Mac\'s password rules: it is too short');
    expect(policyRefusalMessage(5407, ['A.'])).toBe('This Mac\'s password rules do not allow another change so soon after the last one');
  });
});
