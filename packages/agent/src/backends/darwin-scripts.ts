/**
 * The JavaScript for Automation scripts the macOS backend runs with
 * `/usr/bin/osascript -l JavaScript -e <script>`. A script holds no secret: it reads
 * one JSON request from standard input and prints one JSON answer. Errors come back
 * as NSError codes (numbers), never as localized text.
 *
 * Not runnable here: written against Apple's OpenDirectory framework documentation
 * (ODRecord verifyPassword:error:, passwordChangeAllowed:error:,
 * changePassword:toPassword:error:) and Security's SecKeychainResetLogin, the calls
 * XCreds and NoMAD make. Verify on a Mac before release.
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
  for (let i = 0; i < list.count; i++) out.push(ObjC.unwrap(list.objectAtIndex(i)));
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
`;

/**
 * Account operations. Request: {op, user, uid?, old?, new?}; op is info, verify,
 * preflight or change. change is ODRecord's change with the old password, never a
 * reset, so the SecureToken (and with it FileVault's unlock) follows.
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
    const authority = values(record, $.kODAttributeTypeAuthenticationAuthority);
    return answer({
      ok: true,
      uid: uid,
      home: String(values(record, $.kODAttributeTypeNFSHomeDirectory)[0] || ''),
      secureToken: authority.some(function (a) { return String(a).indexOf(';SecureToken;') !== -1; }),
      platformSSO: authority.some(function (a) { return /PlatformSSO|;psso;/i.test(String(a)); }),
    });
  }
  let done = false;
  if (req.op === 'verify') done = record.verifyPasswordError(req.old, error);
  else if (req.op === 'preflight') done = record.passwordChangeAllowedError(req.new, error);
  else if (req.op === 'change') done = record.changePasswordToPasswordError(req.old, req.new, error);
  else return answer({ ok: false, code: -1 });
  return answer(done ? { ok: true } : { ok: false, code: error[0].isNil() ? -1 : error[0].code });
}
`;

/**
 * Starts a new login keychain without the previous password, as XCreds and NoMAD do:
 * SecKeychainResetLogin(length, bytes, resetSearchList) keeps the old file as
 * login_renamed_N.keychain-db. Run as the user in their session. The length passed is
 * the UTF-8 byte count (two well-known tools pass a character count and so break
 * non-ASCII passwords). Request: {new}.
 */
export const RESET_KEYCHAIN_SCRIPT = `
ObjC.import('Foundation');
ObjC.import('Security');
ObjC.bindFunction('SecKeychainResetLogin', ['int', ['unsigned int', 'void *', 'bool']]);
function run() {
  const data = $.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile;
  const req = JSON.parse($.NSString.alloc.initWithDataEncoding(data, $.NSUTF8StringEncoding).js);
  const bytes = $.NSString.alloc.initWithUTF8String(req.new).dataUsingEncoding($.NSUTF8StringEncoding);
  const status = $.SecKeychainResetLogin(bytes.length, bytes.bytes, true);
  const folder = $.NSHomeDirectory().js + '/Library/Keychains';
  const names = ObjC.deepUnwrap($.NSFileManager.defaultManager.contentsOfDirectoryAtPathError(folder, $())) || [];
  const kept = names.filter(function (n) { return /^login_renamed_\\d+\\.keychain-db$/.test(n); });
  kept.sort(function (a, b) { return Number(b.match(/\\d+/)[0]) - Number(a.match(/\\d+/)[0]); });
  return JSON.stringify({ ok: status === 0, status: status, keptAs: kept[0] || '' });
}
`;
