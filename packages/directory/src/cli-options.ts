/**
 * pwsync-directory's command line, read and checked: every flag, and the rules that
 * keep it secure by default (TLS unless loopback or a named TLS proxy, secret files
 * only their owner may read, two different tokens). No side effects but reading the
 * files named, so tests check every refusal in-process.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { parseArgs } from 'node:util';
import { parse as parseConnectionString } from 'pg-connection-string';
import { PBKDF2_DEFAULT_ITERATIONS, PBKDF2_MAX_ITERATIONS, PBKDF2_MIN_ITERATIONS, SHA512_CRYPT_DEFAULT_ROUNDS, SHA512_CRYPT_MAX_ROUNDS, SHA512_CRYPT_MIN_ROUNDS } from '@pwsync/passwords';
import { SecretFileError, readSecretFile } from '@pwsync/node-kit/secret-file';
import { isLogLevel } from '@pwsync/node-kit/log';
import { DEFAULT_LIMITS } from './limits';
import { isLoopback } from './addresses';
import type { TlsFiles } from './server';
import type { StoreConfig } from './store';
import type { ConsoleOptions } from './console/console-api';

export const USAGE = `Usage: pwsync-directory --listen HOST:PORT (--db FILE | --database URL | --database-url-file FILE)
                        --scim-token-file FILE --admin-token-file FILE
                        (--tls-cert FILE --tls-key FILE | --trusted-proxy ADDR) [options]
       pwsync-directory move-store --from FILE (--to URL | --to-url-file FILE) [--to-password-file FILE]

Serves SCIM 2.0 for the identity provider (/scim/v2), the device API for agents and the
admin API (/api/v1). Over TLS, unless it listens on a loopback address or behind a TLS
proxy named with --trusted-proxy (docs/directory.md).

Options:
  --listen HOST:PORT        where to listen, e.g. 0.0.0.0:8443; port 0 picks a free port and
                            prints {"url": …} as one JSON line on standard output when ready
  --db FILE                 the SQLite database (created 0600 if missing): one instance
  --database URL            a PostgreSQL database instead, for several instances:
                            postgres://USER@HOST:PORT/DATABASE (no password in it: see below);
                            a Unix socket as postgres://USER@/DATABASE?host=/run/postgresql
  --database-url-file FILE  the same URL read from a file only its owner may read (it may
                            hold the password)
  --database-password-file FILE  the database password, in a file only its owner may read
                            (read again for each new connection)
  --database-ca FILE        the CA (PEM) the database's TLS certificate is checked against
                            (default: the system's); TLS is required unless the database is
                            on a loopback address or a Unix socket
  --scim-token-file FILE    the identity provider's bearer token: SCIM, and nothing else
  --admin-token-file FILE   the administrator's bearer token: the admin API (enrolment codes,
                            devices, sync on and off), and nothing else
                            (each at least 16 characters, in a file only its owner may read)
  --tls-cert FILE           the certificate chain (PEM); SIGHUP reads it and the key again
  --tls-key FILE            its private key (PEM), in a file only its owner may read
  --trusted-proxy ADDR,...  plain HTTP behind these TLS-terminating proxies (IP or CIDR): only
                            they may connect, and X-Forwarded-For/-Proto are trusted from them
  --public-url URL          the https URL clients reach the directory at, for SCIM's Location
                            and meta.location (required unless --listen is a loopback address)
  --provider NAME           the identity provider's name shown to people (default: Okta)
  --pbkdf2-iterations N     PBKDF2-SHA512 rounds of the macOS hash (default ${PBKDF2_DEFAULT_ITERATIONS}; ${PBKDF2_MIN_ITERATIONS} to ${PBKDF2_MAX_ITERATIONS})
  --crypt-rounds N          sha512-crypt rounds of the Linux hash (default ${SHA512_CRYPT_DEFAULT_ROUNDS}; ${SHA512_CRYPT_MIN_ROUNDS} to ${SHA512_CRYPT_MAX_ROUNDS})
  --hash-retention-days N   erase a change's hashes after N days even if a device has not
                            synced it (default 30; 1 to 365)
  --max-connections N       open connections at most (default ${DEFAULT_LIMITS.maxConnections}; 16 to 1000000), checked
                            against the file-descriptor limit (ulimit -n) at start
  --max-streams N           open event streams at most (default: --max-connections less an eighth,
                            ${DEFAULT_LIMITS.maxStreams} by default); one more is refused with 503 and Retry-After
  --heartbeat-seconds N     comment sent on idle event streams (default 15)
  --log-level LEVEL         fatal, error, warn, info (default), debug

The support console (/console/; docs/directory.md, "The support console"):
  --console-oidc-issuer URL       sign in through this OpenID Connect provider (https, or http
                                  on loopback); with the three below
  --console-oidc-client-id ID     the console's client at the provider; its redirect URI is
                                  PUBLIC-URL/console/auth/callback
  --console-oidc-client-secret-file FILE  its client secret, in a file only its owner may read
  --console-oidc-name NAME        what the sign-in button names (default: --provider)
  --console-role-claim CLAIM      the ID token claim with the person's groups (default: groups)
  --console-admin-groups A,B      claim values that make a person admin
  --console-support-groups C,D    claim values that make a person support
  --console-local-accounts on|off sign-in with console accounts kept here (default: on)
  --console-idle-minutes N        a session ends after N minutes without a request (default 30; 5 to 1440)
  --console-session-hours N       and N hours after sign-in in any case (default 12; 1 to 168)
  --console-dir DIR               the console's built page (default: packages/console/dist)
  -h, --help                show this help
`;

export class UsageError extends Error {}

function wholeNumber(text: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

function parseListen(text: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  if (!match) throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:8443, not "${text}"`);
  const port = Number(match[2]);
  if (port > 65535) throw new UsageError('--listen: the port must be from 0 to 65535');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function secret(file: string, flag: string): string {
  try {
    return readSecretFile(file, flag);
  } catch (error) {
    if (error instanceof SecretFileError) throw new UsageError(error.message);
    throw error;
  }
}

function readToken(file: string, flag: string): string {
  const token = secret(file, flag).trim();
  if (token.length < 16 || /\s/.test(token)) throw new UsageError(`${flag} ${file} must hold one token of at least 16 characters, without spaces`);
  return token;
}

export function readTls(certFile: string, keyFile: string): TlsFiles {
  let cert: string;
  try {
    cert = readFileSync(certFile, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --tls-cert ${certFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const key = secret(keyFile, '--tls-key');
  try {
    createSecureContext({ cert, key });
  } catch {
    throw new UsageError(`--tls-cert ${certFile} and --tls-key ${keyFile} must be a PEM certificate and the private key that belongs to it`);
  }
  return { cert, key };
}

function parseProxies(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const entries = text.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max))) {
      throw new UsageError(`--trusted-proxy must be IP addresses or CIDR ranges, e.g. 10.0.0.5 or 10.0.0.0/24, not "${entry}"`);
    }
  }
  return entries;
}

function parsePublicUrl(text: string | undefined, host: string): string | undefined {
  if (text === undefined) {
    if (!isLoopback(host)) throw new UsageError('--public-url is required when --listen is not a loopback address: the https URL Okta and the devices use, e.g. https://directory.example.com');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--public-url must be a URL, e.g. https://directory.example.com, not "${text}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname.replace(/^\[|\]$/g, '')))) throw new UsageError('--public-url must be an https URL');
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) throw new UsageError('--public-url must be only a scheme, a host and a port, e.g. https://directory.example.com:8443');
  return url.origin;
}

/** Where the data is: `--db` (SQLite), or PostgreSQL from `--database` or `--database-url-file`. */
const DATABASE_FLAGS = { url: '--database', urlFile: '--database-url-file', passwordFile: '--database-password-file', ca: '--database-ca' };

export function parseDatabase(
  values: { db?: string; database?: string; 'database-url-file'?: string; 'database-password-file'?: string; 'database-ca'?: string },
  flags = DATABASE_FLAGS,
): {
  dbFile?: string;
  database?: StoreConfig & { engine: 'postgres' };
  password?: () => string;
  databaseName: string;
} {
  const given = (['db', 'database', 'database-url-file'] as const).filter((flag) => values[flag] !== undefined);
  if (given.length === 0) throw new UsageError('--db FILE (SQLite) or --database URL / --database-url-file FILE (PostgreSQL) is required');
  if (given.length > 1) throw new UsageError(`${given.map((g) => (g === 'db' ? '--db' : g === 'database' ? flags.url : flags.urlFile)).join(' and ')} name two databases: give one`);
  if (values.db !== undefined) {
    if (values['database-password-file'] !== undefined || values['database-ca'] !== undefined) throw new UsageError('--database-password-file and --database-ca are for a PostgreSQL database, not --db');
    const dbFile = path.resolve(values.db);
    return { dbFile, databaseName: dbFile };
  }
  const fromFile = values['database-url-file'] !== undefined;
  const url = fromFile ? secret(values['database-url-file']!, flags.urlFile).trim() : values.database!;
  const where = fromFile ? `${flags.urlFile} ${values['database-url-file']}` : flags.url;
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('not postgres://');
    parsed = parseConnectionString(url);
  } catch {
    throw new UsageError(`${where} must be a postgres:// URL, e.g. postgres://pwsync@db.example.com/pwsync`);
  }
  if (!fromFile && parsed.password) {
    throw new UsageError(`${flags.url} must not hold the password: anyone on this computer can read a command line. Put it in a file only the directory's account may read, and give ${flags.passwordFile} FILE (or the whole URL in ${flags.urlFile} FILE)`);
  }
  const passwordFile = values['database-password-file'];
  let password: (() => string) | undefined;
  if (passwordFile !== undefined) {
    if (parsed.password) throw new UsageError(`the database URL holds a password and ${flags.passwordFile} gives another: give one`);
    const check = secret(passwordFile, flags.passwordFile).replace(/\r?\n$/, '');
    if (check.length === 0) throw new UsageError(`${flags.passwordFile} ${passwordFile} is empty`);
    password = () => secret(passwordFile, flags.passwordFile).replace(/\r?\n$/, '');
  }
  let ca: string | undefined;
  if (values['database-ca'] !== undefined) {
    try {
      ca = readFileSync(values['database-ca'], 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${flags.ca} ${values['database-ca']}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return { database: { engine: 'postgres', url, ...(ca ? { tls: { ca } } : {}) }, password, databaseName: describeDatabase(url) };
}

/** The database as a log line may name it: user, host, port and database, never a password. */
export function describeDatabase(url: string): string {
  try {
    const u = parseConnectionString(url);
    const host = u.host?.includes(':') ? `[${u.host}]` : (u.host ?? '');
    return `postgres://${u.user ? `${u.user}@` : ''}${host}${u.port ? `:${u.port}` : ''}/${u.database ?? ''}`;
  } catch {
    return 'PostgreSQL';
  }
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/** The console's settings: OpenID Connect all or nothing, and local accounts unless switched off (then OpenID Connect is required). */
function consoleOptions(values: Record<string, string | boolean | undefined>, provider: string): ConsoleOptions {
  const get = (name: string) => values[name] as string | undefined;
  const oidcFlags = ['console-oidc-issuer', 'console-oidc-client-id', 'console-oidc-client-secret-file'];
  const given = oidcFlags.filter((f) => get(f) !== undefined);
  if (given.length > 0 && given.length < oidcFlags.length) throw new UsageError(`--console-oidc-issuer, --console-oidc-client-id and --console-oidc-client-secret-file go together (missing: ${oidcFlags.filter((f) => get(f) === undefined).map((f) => `--${f}`).join(', ')})`);
  const local = get('console-local-accounts') ?? 'on';
  if (local !== 'on' && local !== 'off') throw new UsageError('--console-local-accounts must be on or off');
  let oidc: ConsoleOptions['oidc'];
  if (given.length) {
    let issuer: URL;
    try {
      issuer = new URL(get('console-oidc-issuer')!);
    } catch {
      throw new UsageError(`--console-oidc-issuer must be a URL, e.g. https://example.okta.com, not "${get('console-oidc-issuer')}"`);
    }
    if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopback(issuer.hostname.replace(/^\[|\]$/g, '')))) throw new UsageError('--console-oidc-issuer must be an https URL');
    const adminValues = list(get('console-admin-groups'));
    const supportValues = list(get('console-support-groups'));
    if (adminValues.length + supportValues.length === 0) throw new UsageError('--console-admin-groups or --console-support-groups is needed with --console-oidc-issuer: without them nobody gets a console role');
    oidc = {
      issuer: issuer.href,
      clientId: get('console-oidc-client-id')!,
      clientSecret: secret(get('console-oidc-client-secret-file')!, '--console-oidc-client-secret-file').trim(),
      name: get('console-oidc-name') ?? provider,
      roleClaim: get('console-role-claim') ?? 'groups',
      adminValues,
      supportValues,
    };
  } else if (local === 'off') throw new UsageError('--console-local-accounts off needs --console-oidc-issuer: otherwise nobody could sign in to the console');
  return {
    oidc,
    localAccounts: local === 'on',
    sessions: {
      idleTimeoutMs: wholeNumber(get('console-idle-minutes'), '--console-idle-minutes', 5, 1440, 30) * 60_000,
      lifetimeMs: wholeNumber(get('console-session-hours'), '--console-session-hours', 1, 168, 12) * 3_600_000,
    },
    ...(get('console-dir') !== undefined ? { pageDir: path.resolve(get('console-dir')!) } : {}),
  };
}

export function parseOptions(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        listen: { type: 'string' },
        db: { type: 'string' },
        database: { type: 'string' },
        'database-url-file': { type: 'string' },
        'database-password-file': { type: 'string' },
        'database-ca': { type: 'string' },
        'scim-token-file': { type: 'string' },
        'admin-token-file': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'trusted-proxy': { type: 'string' },
        'public-url': { type: 'string' },
        provider: { type: 'string' },
        'pbkdf2-iterations': { type: 'string' },
        'crypt-rounds': { type: 'string' },
        'hash-retention-days': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-streams': { type: 'string' },
        'heartbeat-seconds': { type: 'string' },
        'log-level': { type: 'string' },
        'console-oidc-issuer': { type: 'string' },
        'console-oidc-client-id': { type: 'string' },
        'console-oidc-client-secret-file': { type: 'string' },
        'console-oidc-name': { type: 'string' },
        'console-role-claim': { type: 'string' },
        'console-admin-groups': { type: 'string' },
        'console-support-groups': { type: 'string' },
        'console-local-accounts': { type: 'string' },
        'console-idle-minutes': { type: 'string' },
        'console-session-hours': { type: 'string' },
        'console-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  if (!values.listen) throw new UsageError('--listen is required');
  if (!values['scim-token-file']) throw new UsageError('--scim-token-file is required');
  if (!values['admin-token-file']) throw new UsageError('--admin-token-file is required');
  const level = values['log-level'] ?? 'info';
  if (!isLogLevel(level)) throw new UsageError('--log-level must be fatal, error, warn, info or debug');
  const provider = values.provider ?? 'Okta';
  if (provider.length === 0 || provider.length > 200) throw new UsageError('--provider must be 1 to 200 characters');
  const listen = parseListen(values.listen);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const trustedProxies = parseProxies(values['trusted-proxy']);
  if (values['tls-cert'] === undefined && !trustedProxies && !isLoopback(listen.host)) {
    throw new UsageError(
      `--listen ${values.listen} without --tls-cert and --tls-key would send tokens, passwords and hashes over the network in plain text: ` +
        'give a certificate, or name the TLS proxy in front of the directory with --trusted-proxy ADDR (docs/directory.md)',
    );
  }
  const publicUrl = parsePublicUrl(values['public-url'], listen.host);
  const database = parseDatabase(values);
  const tlsFiles = values['tls-cert'] !== undefined ? { cert: path.resolve(values['tls-cert']), key: path.resolve(values['tls-key']!) } : undefined;
  const scimToken = readToken(values['scim-token-file'], '--scim-token-file');
  const adminToken = readToken(values['admin-token-file'], '--admin-token-file');
  if (scimToken === adminToken) throw new UsageError('--scim-token-file and --admin-token-file must hold different tokens: each credential does one thing');
  return {
    ...listen,
    ...database,
    scimToken,
    adminToken,
    tlsFiles,
    tls: tlsFiles ? readTls(tlsFiles.cert, tlsFiles.key) : undefined,
    trustedProxies,
    publicUrl,
    provider,
    pbkdf2Iterations: wholeNumber(values['pbkdf2-iterations'], '--pbkdf2-iterations', PBKDF2_MIN_ITERATIONS, PBKDF2_MAX_ITERATIONS, PBKDF2_DEFAULT_ITERATIONS),
    cryptRounds: wholeNumber(values['crypt-rounds'], '--crypt-rounds', SHA512_CRYPT_MIN_ROUNDS, SHA512_CRYPT_MAX_ROUNDS, SHA512_CRYPT_DEFAULT_ROUNDS),
    hashRetentionMs: wholeNumber(values['hash-retention-days'], '--hash-retention-days', 1, 365, 30) * 24 * 60 * 60 * 1000,
    // Only what was given: a default may be lowered to fit the descriptor limit, a given figure is refused instead (fd-limit.ts).
    limits: {
      ...(values['max-connections'] !== undefined ? { maxConnections: wholeNumber(values['max-connections'], '--max-connections', 16, 1_000_000, DEFAULT_LIMITS.maxConnections) } : {}),
      ...(values['max-streams'] !== undefined ? { maxStreams: wholeNumber(values['max-streams'], '--max-streams', 1, 999_999, DEFAULT_LIMITS.maxStreams) } : {}),
    },
    heartbeatMs: wholeNumber(values['heartbeat-seconds'], '--heartbeat-seconds', 1, 3600, 15) * 1000,
    console: consoleOptions(values, provider),
    level,
  };
}

export type CliOptions = NonNullable<ReturnType<typeof parseOptions>>;

export const MOVE_USAGE = `Usage: pwsync-directory move-store --from FILE (--to URL | --to-url-file FILE) [--to-password-file FILE] [--to-ca FILE]

Copies the directory's SQLite database FILE, everything in it, into a new, empty
PostgreSQL database, in one transaction, and checks the counts of every table. Stop the
directory first. The target is named as --database, --database-url-file,
--database-password-file and --database-ca name it for the directory (docs/directory.md,
"Moving to PostgreSQL").
`;

export function parseMoveOptions(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'to-url-file': { type: 'string' },
        'to-password-file': { type: 'string' },
        'to-ca': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  if (!values.from) throw new UsageError('--from FILE (the SQLite database) is required');
  if (values.to === undefined && values['to-url-file'] === undefined) throw new UsageError('--to URL or --to-url-file FILE (the PostgreSQL database) is required');
  const target = parseDatabase(
    { database: values.to, 'database-url-file': values['to-url-file'], 'database-password-file': values['to-password-file'], 'database-ca': values['to-ca'] },
    { url: '--to', urlFile: '--to-url-file', passwordFile: '--to-password-file', ca: '--to-ca' },
  );
  return { from: path.resolve(values.from), to: { ...target.database!, ...(target.password ? { password: target.password } : {}) }, targetName: target.databaseName };
}
