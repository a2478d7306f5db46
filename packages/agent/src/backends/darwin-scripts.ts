/**
 * The JavaScript for Automation scripts the macOS backend runs with
 * `/usr/bin/osascript -l JavaScript -e <script>`. A script holds no secret: it reads
 * its input from standard input and prints one JSON answer. Errors come back as
 * NSError codes or OSStatus numbers, never as localized text.
 *
 * Not runnable here: written against Apple's OpenDirectory framework documentation
 * (ODRecord verifyPassword:error:, passwordChangeAllowed:error:,
 * changePassword:toPassword:error:) and Security's SecKeychainResetLogin (Apple's
 * open-source Security, SecKeychainPriv.h). test/backends/darwin-real.test.ts runs
 * them on a Mac against a throw-away account.
 */

/** Shared prologue: read the request, find the local user record, answer with JSON. */
const PROLOGUE = `
ObjC.import('Foundation');
ObjC.import('OpenDirectory');
function answer(value) { return JSON.stringify(value); }
function request() {
  const data = $.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile;
  return JSON.parse($.NSString.alloc.initWithDataEncoding(data, $.NSUTF8StringEncoding).js);
}
function values(record, attribute) {
  const error = Ref();
  const list = record.valuesForAttributeError(attribute, error);
  if (!list || list.isNil()) return [];
  const out = [];
  for (let i = 0; i < list.count; i++) out.push(String(ObjC.unwrap(list.objectAtIndex(i))));
  return out;
}
function userRecord(name) {
  const error = Ref();
  const node = $.ODNode.nodeWithSessionNameError($.ODSession.defaultSession, '/Local/Default', error);
  if (!node || node.isNil()) return { code: error[0].isNil() ? 5200 : error[0].code };
  const record = node.recordWithRecordTypeNameAttributesError($.kODRecordTypeUsers, name, $(), error);
  if (!record || record.isNil()) return { code: 5300 };
  return { record };
}
function languages(home) {
  const prefs = $.NSDictionary.dictionaryWithContentsOfFile(home + '/Library/Preferences/.GlobalPreferences.plist');
  if (!prefs || prefs.isNil()) return [];
  const list = prefs.objectForKey('AppleLanguages');
  if (!list || list.isNil()) return [];
  const out = ObjC.deepUnwrap(list);
  return Array.isArray(out) ? out.slice(0, 8) : [];
}
`;

/**
 * Account operations. Request: {op, user, uid?, old?, new?}; op is info, verify,
 * preflight, change or reset.
 *
 * info answers what the backend decides with (uid, primary group, home, the raw
 * AuthenticationAuthority and OriginalNodeName values, the person's AppleLanguages).
 * change is ODRecord's change with the old password, never a reset, so the
 * SecureToken (and with it FileVault's unlock) follows. reset sets a password without
 * the old one (nil): the backend asks for it only for an account without a
 * SecureToken, and the script refuses (code -2) if the record holds one after all.
 */
export const ACCOUNT_SCRIPT = `${PROLOGUE}
function run() {
  const req = request();
  const found = userRecord(req.user);
  if (!found.record) return answer({ ok: false, code: found.code });
  const record = found.record;
  const uid = Number(values(record, $.kODAttributeTypeUniqueID)[0]);
  if (req.uid !== undefined && uid !== req.uid) return answer({ ok: false, code: 5300 });
  const error = Ref();
  if (req.op === 'info') {
    const home = values(record, $.kODAttributeTypeNFSHomeDirectory)[0] || '';
    return answer({
      ok: true,
      uid: uid,
      gid: Number(values(record, $.kODAttributeTypePrimaryGroupID)[0]),
      home: home,
      authority: values(record, $.kODAttributeTypeAuthenticationAuthority),
      originalNodeName: values(record, $.kODAttributeTypeOriginalNodeName),
      languages: home ? languages(home) : [],
    });
  }
  let done = false;
  if (req.op === 'verify') done = record.verifyPasswordError(req.old, error);
  else if (req.op === 'preflight') done = record.passwordChangeAllowedError(req.new, error);
  else if (req.op === 'change') done = record.changePasswordToPasswordError(req.old, req.new, error);
  else if (req.op === 'reset') {
    const authority = values(record, $.kODAttributeTypeAuthenticationAuthority);
    if (authority.some(function (a) { return a.indexOf(';SecureToken;') !== -1; })) return answer({ ok: false, code: -2 });
    done = record.changePasswordToPasswordError($(), req.new, error);
  }
  else return answer({ ok: false, code: -1 });
  return answer(done ? { ok: true } : { ok: false, code: error[0].isNil() ? -1 : error[0].code });
}
`;

/**
 * Starts a new login keychain without the previous password:
 * SecKeychainResetLogin(UInt32 passwordLength, const void *password, Boolean
 * resetSearchList), the call XCreds and NoMAD make. Apple's implementation
 * (SecKeychain.cpp) resets the keybag passphrase with CssmData(password,
 * passwordLength), moves login.keychain-db aside as login_renamed_N.keychain-db and
 * creates a new one: so the length is the number of bytes, and the bytes are the
 * password's UTF-8. XCreds passes exactly that from Swift
 * (`UInt32(strlen(userpass.cString(using: .utf8)))`, the C string); its other call
 * and NoMAD's pass a character count, which breaks non-ASCII passwords.
 *
 * Here standard input is the password's UTF-8 bytes and nothing else, so the script
 * never makes a string of it: the bytes are copied into an NSMutableData, passed as
 * `void *` with their length (the form public JXA uses to hand a buffer to a bound C
 * function), then zeroed. Run as the user in their session (`USER` names them, which
 * SecKeychainResetLogin reads). Answers {status, keptAs}.
 */
export const RESET_KEYCHAIN_SCRIPT = `
ObjC.import('Foundation');
ObjC.import('Security');
ObjC.bindFunction('SecKeychainResetLogin', ['int', ['unsigned int', 'void *', 'bool']]);
function run() {
  const bytes = $.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile.mutableCopy;
  const length = Number(bytes.length);
  const status = $.SecKeychainResetLogin(length, bytes.mutableBytes, true);
  bytes.resetBytesInRange($.NSMakeRange(0, length));
  const folder = $.NSHomeDirectory().js + '/Library/Keychains';
  const names = ObjC.deepUnwrap($.NSFileManager.defaultManager.contentsOfDirectoryAtPathError(folder, $())) || [];
  const kept = names.filter(function (n) { return /^login_renamed_\\d+\\.keychain-db$/.test(n); });
  kept.sort(function (a, b) { return Number(b.match(/\\d+/)[0]) - Number(a.match(/\\d+/)[0]); });
  return JSON.stringify({ status: status, keptAs: kept[0] || '' });
}
`;
