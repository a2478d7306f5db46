/**
 * /etc/pwsync/agent.json as an administrator writes it: what a good file gives, and
 * each way a bad or unsafe one refuses the start, with the sentence that says what to fix.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, ROOT } from '@pwsync/testing/processes';
import { DARWIN_PEOPLE_UIDS, directoryMatch, notAPerson, parseLoginDefs, parsePasswd, readAccountDatabase, servedAccounts } from '../../src/config/accounts';
import { AgentConfig, settingsFrom } from '../../src/config/agent-config';
import { ConfigError, loadConfigFile } from '../../src/config/config-file';

const isRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function configFolder(): Promise<string> {
  const dir = makeTempDir('pwcfg-');
  cleanup.push(dir);
  await fs.chmod(dir, 0o755);
  return dir;
}

async function written(text: string, mode = 0o644): Promise<string> {
  const file = path.join(await configFolder(), 'agent.json');
  await fs.writeFile(file, text, { mode });
  await fs.chmod(file, mode);
  return file;
}

async function refusal(file: string): Promise<string> {
  const error = await loadConfigFile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe('the configuration schema', () => {
  it('gives every default from an empty object: the local part rule, the system folders, info, five attempts', () => {
    expect(settingsFrom({})).toEqual({
      ok: true,
      settings: {
        directory: { checkinIntervalSeconds: 60 },
        people: { userNameFrom: 'localPart', map: {}, exclude: [] },
        folders: { state: '/var/lib/pwsync', sockets: '/run/pwsync' },
        logLevel: 'info',
        backend: { attemptLimit: 5, allowNewKeychain: false },
      },
    });
  });

  it('takes a full file as an administrator writes it', () => {
    const result = settingsFrom({
      $comment: 'managed by Ansible',
      directory: { url: 'https://pwsync.example.com', caFile: '/etc/pwsync/ca.pem', enrolmentCode: 'enr_0123456789abcdefghij', checkinIntervalSeconds: 30 },
      people: { userNameFrom: 'localPart', domain: 'example.com', map: { sam: 'samantha.jones@example.com' }, exclude: ['kiosk'] },
      folders: { state: '/var/lib/pwsync', sockets: '/run/pwsync' },
      logLevel: 'debug',
      backend: { name: 'linux', attemptLimit: 3, allowNewKeychain: true },
    });
    expect(result.ok).toBe(true);
    expect(AgentConfig.shape.people).toBeDefined();
  });

  it.each([
    [{ directory: { url: 'http://pwsync.example.com' } }, 'directory.url', 'must be https: plain http is accepted only to a directory on this computer'],
    [{ directory: { url: 'pwsync.example.com' } }, 'directory.url', 'must be a URL such as https://pwsync.example.com'],
    [{ directory: { enrolmentCode: 'short' } }, 'directory.enrolmentCode', 'must be the enrolment code the directory gave'],
    [{ directory: { caFile: 'ca.pem' } }, 'directory.caFile', 'must be an absolute path'],
    [{ directory: { checkinIntervalSeconds: 0 } }, 'directory.checkinIntervalSeconds', 'is not valid'],
    [{ directorry: {} }, 'directorry', 'is not a setting the agent knows; remove it or check its spelling'],
    [{ directory: { enrollmentCode: 'enr_0123456789abcdefghij' } }, 'directory.enrollmentCode', 'is not a setting the agent knows'],
    [{ people: { userNameFrom: 'email' } }, 'people.userNameFrom', 'must be "localPart" or "map"'],
    [{ people: { userNameFrom: 'map' } }, 'people.map', 'must name at least one account'],
    [{ people: { userNameFrom: 'map', map: { alex: 'a@example.com' }, domain: 'example.com' } }, 'people.domain', 'goes only with "userNameFrom": "localPart"'],
    [{ people: { domain: '@example.com' } }, 'people.domain', 'must be a domain name such as example.com'],
    [{ people: { map: { 'bad name': 'a@example.com' } } }, 'people.map.bad name', 'must be a local account name'],
    [{ people: { map: { alex: '' } } }, 'people.map.alex', 'must not be empty'],
    [{ folders: { state: '/var/lib/../tmp' } }, 'folders.state', 'must be an absolute path without ".."'],
    [{ logLevel: 'verbose' }, 'logLevel', 'must be one of fatal, error, warn, info, debug'],
    [{ backend: { name: 'win32' } }, 'backend.name', 'must be "linux" or "darwin"'],
    [{ backend: { allowNewKeychain: 'yes' } }, 'backend.allowNewKeychain', 'must be a boolean'],
    [[], '', 'must be an object'],
  ])('refuses %j: "%s" %s', (raw, field, problem) => {
    const result = settingsFrom(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({ field, problem: expect.stringContaining(problem) });
  });
});

describe('the configuration file', () => {
  it('is read when root owns it and only root can write it', async () => {
    const file = await written(JSON.stringify({ directory: { url: 'https://pwsync.example.com' }, people: { domain: 'example.com' } }));
    const settings = await loadConfigFile(file);
    expect(settings.directory.url).toBe('https://pwsync.example.com');
    expect(settings.people.domain).toBe('example.com');
  });

  it('refuses bad values in one sentence naming each field and what to write there', async () => {
    const file = await written(JSON.stringify({ logLevel: 'loud', backend: { attemptLimit: 1000 } }));
    const message = await refusal(file);
    expect(message).toMatch(new RegExp(`^${file} is not a valid configuration: "logLevel" must be one of fatal, error, warn, info, debug; "backend.attemptLimit" `));
    expect(message).toMatch(/fix this, then start the agent again\.$/);
    expect(message.split(/\. /).length, 'one sentence').toBe(1);
  });

  it('refuses a file that is not JSON, saying where, without quoting what it holds', async () => {
    const file = await written('{\n  "directory": { "enrolmentCode": "enr_secretsecretsecret" }\n  "logLevel": "info"\n}\n');
    const message = await refusal(file);
    expect(message).toBe(`the configuration file ${file} is not valid JSON at line 3, column 3; fix it (docs/install.md, "Configure"), then start the agent again.`);
    expect(message).not.toContain('enr_secret');
  });

  it('refuses a missing file, and says what to do', async () => {
    const file = path.join(await configFolder(), 'agent.json');
    expect(await refusal(file)).toBe(`the configuration file ${file} is missing; write one (docs/install.md, "Configure") or reinstall the package, then start the agent again.`);
  });

  it('refuses a file group or others can write', async () => {
    const file = await written('{}', 0o664);
    expect(await refusal(file)).toBe(`group or others can write the configuration file ${file}; make it writable by root alone (chmod go-w ${file}), then start the agent again.`);
  });

  it('refuses a symbolic link, even to a good file', async () => {
    const good = await written('{}');
    const link = path.join(path.dirname(good), 'link.json');
    await fs.symlink(good, link);
    expect(await refusal(link)).toMatch(/is a symbolic link; put the file itself there/);
  });

  it('refuses a folder in place of the file', async () => {
    const dir = path.join(await configFolder(), 'agent.json');
    await fs.mkdir(dir);
    expect(await refusal(dir)).toMatch(/is not a regular file/);
  });

  it('refuses a file in a folder others can write', async () => {
    const file = await written('{}');
    await fs.chmod(path.dirname(file), 0o777);
    expect(await refusal(file)).toMatch(/group or others can write in the configuration folder .*chmod go-w.*then start the agent again\.$/);
  });

  it.skipIf(!isRoot)('refuses a file another user owns: they could choose whose passwords change', async () => {
    const file = await written('{}');
    await fs.chown(file, 54321, 54321);
    expect(await refusal(file)).toBe(
      `the configuration file ${file} belongs to uid 54321, so that user could choose whose passwords the agent changes; make it root's (chown root:root ${file}), then start the agent again.`,
    );
  });

  it('refuses an enrolment code in a file others can read: they could enrol a computer of their own', async () => {
    const file = await written(JSON.stringify({ directory: { url: 'https://pwsync.example.com', enrolmentCode: 'enr_0123456789abcdefghij' } }), 0o644);
    expect(await refusal(file)).toBe(`the configuration file ${file} holds an enrolment code, and others than root can read it; make it root's alone (chmod 600 ${file}), then start the agent again.`);
    await fs.chmod(file, 0o600);
    expect((await loadConfigFile(file)).directory.enrolmentCode).toBe('enr_0123456789abcdefghij');
  });

  it('takes the default file the package ships, as it is', async () => {
    const shipped = await fs.readFile(path.join(ROOT, 'packaging/linux/agent.json'), 'utf8');
    const file = await written(shipped);
    const { $comment, ...settings } = await loadConfigFile(file);
    expect($comment).toBeDefined();
    expect({ ok: true, settings }).toEqual(settingsFrom({}));
  });

  it('refuses a file far larger than any configuration', async () => {
    const file = await written(`{"$comment": "${'x'.repeat(1024 * 1024)}"}`);
    expect(await refusal(file)).toMatch(/is larger than 1048576 bytes/);
  });
});

describe('the accounts served', () => {
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'alex:x:1000:1000:Alex:/home/alex:/bin/bash',
    'sam:x:1001:1001:Sam:/home/sam:/bin/zsh',
    'kiosk:x:1002:1002::/home/kiosk:/bin/bash',
    'svc:x:1003:1003::/srv:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    'broken:x:notanumber:1::/:/bin/sh',
    '+nisuser::::::',
    'alex:x:1004:1004:second alex:/home/alex2:/bin/bash',
    '../../etc:x:1005:1005::/tmp:/bin/bash',
  ].join('\n');

  it('serves people only: never root, a system uid, an account that cannot sign in, or an excluded one', () => {
    const { accounts, malformed } = parsePasswd(passwd);
    expect(malformed).toBe(2);
    const uids = parseLoginDefs('UID_MIN\t\t 1000\nUID_MAX\t\t 60000\n');
    const served = servedAccounts(accounts, uids, { userNameFrom: 'localPart', domain: 'example.com', map: { sam: 'samantha@example.com' }, exclude: ['kiosk'] });
    expect(served.map((s) => [s.account.name, s.account.uid, s.match])).toEqual([
      ['alex', 1000, { userName: 'alex@example.com' }],
      ['sam', 1001, { userName: 'samantha@example.com' }],
    ]);
    expect(notAPerson(accounts[0]!, uids)).toBe('root');
    expect(notAPerson(accounts.find((a) => a.name === 'nobody')!, uids)).toMatch(/system account/);
    expect(notAPerson(accounts.find((a) => a.name === 'svc')!, uids)).toMatch(/cannot sign in/);
    expect(notAPerson(accounts.find((a) => a.name === '../../etc')!, uids), 'a name that would be a path').toBe('a name useradd would not make');
  });

  it('follows login.defs: an administrator who gives people uids from 5000 has 1000 treated as a system account', () => {
    const { accounts } = parsePasswd(passwd);
    const served = servedAccounts(accounts, parseLoginDefs('UID_MIN 5000\n'), { userNameFrom: 'localPart', map: {}, exclude: [] });
    expect(served).toEqual([]);
  });

  it('maps by the rule: the local part for the directory to find, a domain, or only the accounts the map names', () => {
    expect(directoryMatch('alex', { userNameFrom: 'localPart', map: {}, exclude: [] })).toEqual({ localPart: 'alex' });
    expect(directoryMatch('alex', { userNameFrom: 'localPart', domain: 'example.com', map: {}, exclude: [] })).toEqual({ userName: 'alex@example.com' });
    expect(directoryMatch('alex', { userNameFrom: 'map', map: { sam: 's@example.com' }, exclude: [] })).toBeUndefined();
    expect(directoryMatch('sam', { userNameFrom: 'map', map: { sam: 's@example.com' }, exclude: [] })).toEqual({ userName: 's@example.com' });
  });

  it('on a Mac reads the people from Directory Services: from uid 501, never the hidden "_" accounts, a name with spaces in its home kept whole', async () => {
    // As `dscl . -readall /Users RecordName UniqueID PrimaryGroupID NFSHomeDirectory UserShell` prints it on macOS 14.
    const listing = [
      'NFSHomeDirectory: /var/empty',
      'PrimaryGroupID: 260',
      'RecordName: _appleevents',
      'UniqueID: 55',
      'UserShell: /usr/bin/false',
      '-',
      'NFSHomeDirectory:',
      ' /Users/Ana Lima',
      'PrimaryGroupID: 20',
      'RecordName: ana com.apple.idms.appleid.prd.0123',
      'UniqueID: 501',
      'UserShell: /bin/zsh',
      '-',
      'NFSHomeDirectory: /var/root',
      'PrimaryGroupID: 0',
      'RecordName: root BUILTIN\\Local System',
      'UniqueID: 0',
      'UserShell: /bin/sh',
      '-',
      'NFSHomeDirectory: /Users/kai',
      'PrimaryGroupID: 20',
      'RecordName: kai',
      'UniqueID: 502',
      'UserShell: /bin/bash',
      '-',
      'RecordName: half-written',
      '',
    ].join('\n');
    const database = await readAccountDatabase('/', { platform: 'darwin', readDarwinUsers: async () => listing });
    expect(database.uids).toEqual(DARWIN_PEOPLE_UIDS);
    expect(database.malformed).toBe(1);
    const served = servedAccounts(database.accounts, database.uids, { userNameFrom: 'localPart', domain: 'example.com', map: {}, exclude: [] });
    expect(served.map((s) => [s.account.name, s.account.uid, s.account.home, s.match])).toEqual([
      ['ana', 501, '/Users/Ana Lima', { userName: 'ana@example.com' }],
      ['kai', 502, '/Users/kai', { userName: 'kai@example.com' }],
    ]);
  });
});
