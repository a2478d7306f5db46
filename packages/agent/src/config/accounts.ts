/**
 * Which local accounts the agent serves, and as whom at the directory.
 *
 * A person is a line of the local account database (ROOT/etc/passwd) whose uid is in
 * the range login.defs gives people (UID_MIN to UID_MAX; 1000 to 60000 by default),
 * whose shell lets them sign in (not nologin or false), not root, not excluded, and
 * whom the administrator's rule maps to a directory userName. Root and system
 * accounts are never served, whatever the configuration says: the agent would set
 * their password to a person's.
 *
 * Only local accounts: those in /etc/passwd, the ones whose hash is in /etc/shadow
 * and so the ones the Linux backend can change. Accounts from LDAP or SSSD have their
 * password elsewhere. On a Mac, the local node of Directory Services (dscl .).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PeopleSettings } from './agent-config';

export interface LocalAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** The uids of people, from login.defs (shadow's own defaults when it says nothing). */
export interface PeopleUids {
  min: number;
  max: number;
}

export const DEFAULT_PEOPLE_UIDS: PeopleUids = { min: 1000, max: 60_000 };

export function parseLoginDefs(text: string): PeopleUids {
  const value = (key: string, fallback: number) => {
    const found = new RegExp(`^\\s*${key}\\s+(\\d+)\\s*$`, 'm').exec(text)?.[1];
    return found === undefined ? fallback : Number(found);
  };
  return { min: Math.max(1, value('UID_MIN', DEFAULT_PEOPLE_UIDS.min)), max: value('UID_MAX', DEFAULT_PEOPLE_UIDS.max) };
}

/** Every well-formed line of a passwd file; malformed lines are skipped (and counted). */
export function parsePasswd(text: string): { accounts: LocalAccount[]; malformed: number } {
  const accounts: LocalAccount[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    // `+`/`-` lines are NIS compat entries, not local accounts.
    if (fields.length !== 7 || !fields[0] || /^[+-]/.test(fields[0]) || !Number.isInteger(uid) || !Number.isInteger(gid) || fields[2] === '' || fields[3] === '') {
      malformed++;
      continue;
    }
    accounts.push({ name: fields[0], uid, gid, home: fields[5]!, shell: fields[6]! });
  }
  return { accounts, malformed };
}

const LOCAL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/;

const NO_LOGIN_SHELLS = new Set(['nologin', 'false', 'sync', 'halt', 'shutdown']);

/** Why an account is not a person the agent may serve, or undefined when it is. */
export function notAPerson(account: LocalAccount, uids: PeopleUids): string | undefined {
  if (account.uid === 0) return 'root';
  // The name becomes a folder's: one useradd would refuse (a "/", a leading ".") is never served.
  if (!LOCAL_NAME.test(account.name)) return 'a name useradd would not make';
  if (account.uid < uids.min || account.uid > uids.max) return `a system account (uid ${account.uid}, people have ${uids.min} to ${uids.max})`;
  if (account.shell === '' || NO_LOGIN_SHELLS.has(path.basename(account.shell))) return `cannot sign in (shell ${account.shell || 'none'})`;
  return undefined;
}

/**
 * Whom the directory knows the account as, by the administrator's rule: an exact
 * userName, or "the user whose userName's local part is this name" for the directory
 * to find (localPart without a domain). Undefined: the rule does not serve it.
 */
export type DirectoryMatch = { userName: string } | { localPart: string };

export function directoryMatch(account: string, people: PeopleSettings): DirectoryMatch | undefined {
  if (people.exclude.includes(account)) return undefined;
  const mapped = people.map[account];
  if (mapped !== undefined) return { userName: mapped };
  if (people.userNameFrom === 'map') return undefined;
  return people.domain ? { userName: `${account}@${people.domain}` } : { localPart: account };
}

export interface ServedAccount {
  account: LocalAccount;
  match: DirectoryMatch;
}

/** The people of this computer the rule serves, from the account database as it is now. */
export function servedAccounts(accounts: readonly LocalAccount[], uids: PeopleUids, people: PeopleSettings): ServedAccount[] {
  const seen = new Set<string>();
  const served: ServedAccount[] = [];
  for (const account of accounts) {
    // A name listed twice is ambiguous: the first line is what getpwnam(3) returns, so only it counts.
    if (seen.has(account.name)) continue;
    seen.add(account.name);
    if (notAPerson(account, uids)) continue;
    const match = directoryMatch(account.name, people);
    if (match) served.push({ account, match });
  }
  return served;
}

/**
 * macOS keeps people in Directory Services, not /etc/passwd (which lists only a few
 * system accounts there): people start at uid 501, hidden and service accounts are
 * below 500 and named with a leading "_". Mobile (Active Directory) accounts have
 * large uids; they are served so that the darwin backend can refuse them with its
 * own sentence and next step (docs/backends.md) rather than pass them by in silence.
 */
export const DARWIN_PEOPLE_UIDS: PeopleUids = { min: 501, max: 2_147_483_646 };

/**
 * The records of `dscl . -readall /Users RecordName UniqueID PrimaryGroupID
 * NFSHomeDirectory UserShell`: records separated by a line "-", each attribute
 * "Name: value value…" or, when a value holds a space, "Name:" followed by one indented
 * line per value. The first RecordName is the short name (later ones are aliases).
 */
export function parseDsclUsers(text: string): { accounts: LocalAccount[]; malformed: number } {
  const accounts: LocalAccount[] = [];
  let malformed = 0;
  for (const record of text.split(/^-\n/m)) {
    if (record.trim() === '') continue;
    const attributes = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of record.split('\n')) {
      if (line === '') continue;
      if (line.startsWith(' ')) {
        current?.push(line.slice(1));
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      current = [];
      attributes.set(line.slice(0, colon), current);
      const rest = line.slice(colon + 1).trim();
      if (rest !== '') current.push(...rest.split(' '));
    }
    const first = (key: string) => attributes.get(key)?.[0];
    const uid = Number(first('UniqueID'));
    const gid = Number(first('PrimaryGroupID'));
    const name = first('RecordName');
    if (!name || !Number.isInteger(uid) || !Number.isInteger(gid) || first('UniqueID') === undefined || first('PrimaryGroupID') === undefined) {
      malformed++;
      continue;
    }
    accounts.push({ name, uid, gid, home: first('NFSHomeDirectory') ?? '', shell: first('UserShell') ?? '' });
  }
  return { accounts, malformed };
}

const execFileText = promisify(execFile);

/** Runs dscl without a shell; it is given no secret. */
async function dsclUsers(): Promise<string> {
  const { stdout } = await execFileText('/usr/bin/dscl', ['.', '-readall', '/Users', 'RecordName', 'UniqueID', 'PrimaryGroupID', 'NFSHomeDirectory', 'UserShell'], { maxBuffer: 16 * 1024 * 1024, timeout: 30_000 });
  return stdout;
}

export interface AccountDatabaseOptions {
  platform?: NodeJS.Platform;
  /** The macOS listing (tests give a recorded one). */
  readDarwinUsers?: () => Promise<string>;
}

/** The account database: /etc/passwd and login.defs under `root` (`/` on a real computer), or Directory Services on a Mac. */
export async function readAccountDatabase(root = '/', options: AccountDatabaseOptions = {}): Promise<{ accounts: LocalAccount[]; uids: PeopleUids; malformed: number }> {
  if ((options.platform ?? process.platform) === 'darwin' && root === '/') {
    const { accounts, malformed } = parseDsclUsers(await (options.readDarwinUsers ?? dsclUsers)());
    return { accounts, uids: DARWIN_PEOPLE_UIDS, malformed };
  }
  const passwd = await fs.readFile(path.join(root, 'etc/passwd'), 'utf8');
  const loginDefs = await fs.readFile(path.join(root, 'etc/login.defs'), 'utf8').catch(() => '');
  const { accounts, malformed } = parsePasswd(passwd);
  return { accounts, uids: parseLoginDefs(loginDefs), malformed };
}
