/**
 * The macOS backend's calls on a real Mac, against a throw-away local account it
 * creates and deletes. Skipped everywhere else: it runs only on macOS, as root, when
 * PWSYNC_DARWIN_REAL=1 (the macOS CI runner does this:
 * `sudo PWSYNC_DARWIN_REAL=1 npx vitest run packages/agent/test/backends/darwin-real.test.ts`).
 *
 * It proves what the recording tests cannot: that the JXA scripts work (Open Directory's
 * verify, preflight, change and reset; SecKeychainResetLogin with the password's bytes,
 * non-ASCII included), that `security -i` reads the quoted line, that the tools print
 * what the parsers read, and that the Local Items folder is set aside. The account has
 * no SecureToken (it is made with dscl), so FileVault is never touched.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DarwinBackend, IOREG, OSASCRIPT, securityQuote } from '../../src/backends/darwin';
import { parsePlatformUuid } from '../../src/backends/darwin-parse';
import { ACCOUNT_SCRIPT } from '../../src/backends/darwin-scripts';
import type { RunRequest } from '../../src/backends/runner';
import { SafeRunner } from '../../src/backends/safe-runner';

const enabled = process.platform === 'darwin' && process.env.PWSYNC_DARWIN_REAL === '1';
const DSCL = '/usr/bin/dscl';
const PWPOLICY = '/usr/bin/pwpolicy';
const ROOT = { name: 'root', home: '/var/root' };

describe.skipIf(!enabled)('the macOS backend on this Mac, against a throw-away local account', () => {
  const runner = new SafeRunner();
  const backend = new DarwinBackend(runner);
  const tag = randomBytes(4).toString('hex');
  const user = `pwsynctest${tag}`;
  const home = `/private/var/tmp/pwsync-real-${tag}`;
  const [first, second, third] = [`first Ω "${tag}" \\ it's`, `second Grüße 🌧 ${tag}`, `third ümlaut ${tag} é`];
  let uid = 0;

  async function run(request: Omit<RunRequest, 'user'> & { user?: RunRequest['user'] }) {
    const result = await runner.run({ user: ROOT, ...request });
    if (result.exitCode !== 0) throw new Error(`${request.program} ${request.args.join(' ')}: exit ${result.exitCode}: ${result.stderr}`);
    return result;
  }

  beforeAll(async () => {
    expect(process.getuid?.()).toBe(0);
    const taken = (await run({ program: DSCL, args: ['.', '-list', '/Users', 'UniqueID'] })).stdout
      .split('\n')
      .map((line) => Number(line.trim().split(/\s+/)[1]));
    uid = 4100;
    while (taken.includes(uid)) uid++;
    const record = `/Users/${user}`;
    for (const [key, value] of [['UserShell', '/usr/bin/false'], ['RealName', 'pwsync test'], ['UniqueID', String(uid)], ['PrimaryGroupID', '20'], ['NFSHomeDirectory', home]] as const) {
      await run({ program: DSCL, args: ['.', '-create', record, key, value] });
    }
    await fs.mkdir(`${home}/Library/Keychains`, { recursive: true });
    await run({ program: '/usr/sbin/chown', args: ['-R', `${uid}:20`, home] });
    // The first password, set as root through the backend's own reset script (this account has no SecureToken).
    const set = await run({ program: OSASCRIPT, args: ['-l', 'JavaScript', '-e', ACCOUNT_SCRIPT], stdin: Buffer.from(JSON.stringify({ op: 'reset', user, new: first })) });
    expect(JSON.parse(set.stdout)).toEqual({ ok: true });
    // A login keychain on the first password, made by the account itself.
    const line = `create-keychain -p ${securityQuote(first)} ${securityQuote(`${home}/Library/Keychains/login.keychain`)}\n`;
    await run({ program: '/usr/bin/security', args: ['-i'], user: { name: user, home, uid, gid: 20 }, stdin: Buffer.from(line) });
    expect(existsSync(`${home}/Library/Keychains/login.keychain-db`)).toBe(true);
  }, 60_000);

  afterAll(async () => {
    if (uid === 0) return;
    await runner.run({ program: DSCL, args: ['.', '-delete', `/Users/${user}`], user: ROOT });
    await fs.rm(home, { recursive: true, force: true });
  });

  it('verifies the account password through Open Directory', async () => {
    expect(await backend.accountPasswordIs(user, first)).toBe(true);
    expect(await backend.accountPasswordIs(user, `${first}x`)).toBe(false);
  });

  it('reports the account in its diagnostics as local and without a SecureToken', async () => {
    expect((await backend.diagnostics(user)).mac).toMatchObject({ accountKind: 'local', secureToken: false, platformSSO: { user: 'none' } });
  });

  it('probes and changes the keychain as the user, and changes the account with the old password', async () => {
    expect(await backend.keychainPasswordIs(user, first)).toBe(true);
    expect(await backend.keychainPasswordIs(user, second)).toBe(false);
    await backend.changeAccountPassword(user, first, second);
    expect(await backend.accountPasswordIs(user, second)).toBe(true);
    expect(await backend.accountPasswordIs(user, first)).toBe(false);
    await backend.changeKeychainPassword(user, first, second);
    expect(await backend.keychainPasswordIs(user, second)).toBe(true);
  }, 60_000);

  it('shows the policy\'s own text when the policy refuses a new password', async () => {
    const policy = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict><key>policyCategoryPasswordContent</key><array><dict>
<key>policyContent</key><string>policyAttributePassword matches '.{40,}+'</string>
<key>policyIdentifier</key><string>com.example.pwsynctest.minLength</string>
<key>policyContentDescription</key><dict><key>en</key><string>pwsync test: at least 40 characters.</string></dict>
</dict></array></dict></plist>`;
    const file = `${home}/policy.plist`;
    await fs.writeFile(file, policy);
    await run({ program: PWPOLICY, args: ['-u', user, '-setaccountpolicies', file] });
    try {
      await expect(backend.changeAccountPassword(user, second, third)).rejects.toMatchObject({
        message: expect.stringContaining('pwsync test: at least 40 characters.'),
      });
      expect(await backend.accountPasswordIs(user, second)).toBe(true);
    } finally {
      await run({ program: PWPOLICY, args: ['-u', user, '-clearaccountpolicies'] });
    }
  }, 60_000);

  it('starts over: resets the account without a SecureToken, sets Local Items aside, makes a keychain on the password\'s bytes', async () => {
    const uuid = parsePlatformUuid((await run({ program: IOREG, args: ['-rd1', '-c', 'IOPlatformExpertDevice'] })).stdout);
    expect(uuid).not.toBeNull();
    const localItems = `${home}/Library/Keychains/${uuid}`;
    await fs.mkdir(localItems);
    await run({ program: '/usr/sbin/chown', args: [`${uid}:20`, localItems] });
    await backend.resetAccountPassword(user, third);
    expect(await backend.accountPasswordIs(user, third)).toBe(true);
    const { keptAs } = await backend.startNewKeychain(user, third);
    expect(keptAs).toMatch(/^login_renamed_\d+\.keychain-db$/);
    expect(existsSync(`${home}/Library/Keychains/${keptAs}`)).toBe(true);
    expect(existsSync(localItems)).toBe(false);
    expect((await fs.readdir(`${home}/Library/Keychains`)).some((name) => name.startsWith(`${uuid}_renamed_`))).toBe(true);
    // Non-ASCII: the keychain opens with exactly these bytes, and not with a truncated form.
    expect(await backend.keychainPasswordIs(user, third)).toBe(true);
    expect(await backend.keychainPasswordIs(user, third.slice(0, -1))).toBe(false);
  }, 120_000);

  it('skips FileVault for an account FileVault never used', async () => {
    expect(await backend.refreshDiskUnlock(user)).toBe('skipped');
  });
});
