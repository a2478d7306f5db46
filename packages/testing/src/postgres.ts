/**
 * A throw-away PostgreSQL for the tests: Debian's server binaries, a fresh data folder
 * under /tmp made by initdb, listening on 127.0.0.1 at a free port and on a Unix socket
 * in that folder, nowhere else; stopped by its PID and deleted at the end. initdb and
 * the server refuse to run as root, so as root they run as `postgres` (or `nobody`),
 * which owns the folder. Connections from 127.0.0.1 need a password (scram-sha-256),
 * as a real deployment's would; the test kit itself comes in as the superuser over the
 * socket.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

declare module 'vitest' {
  /** What postgres-global-setup.ts hands the tests of the `directory-postgres` project. */
  export interface ProvidedContext {
    postgres: PostgresServer;
  }
}

export interface PostgresServer {
  /** The folder holding the data folder, the socket and the log. */
  root: string;
  dataDir: string;
  /** The folder the Unix socket is in. */
  socketDir: string;
  port: number;
  pid: number;
}

export interface TestDatabase {
  name: string;
  role: string;
  password: string;
  /** postgres://role:password@127.0.0.1:port/name: over TCP, with the password. */
  url: string;
  /** The same database through the server's Unix socket (the way to reach a PostgreSQL on the same computer). */
  socketUrl: string;
}

/** The newest PostgreSQL server binaries on the machine (Debian: /usr/lib/postgresql/N/bin). */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined;
}

/** Who runs the server: ourselves, unless we are root. */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const found = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (found.status === 0) return { name, uid: Number(found.stdout.trim()), gid: Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim()) };
  }
  throw new Error('running as root, and there is neither a postgres nor a nobody account to run PostgreSQL as');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL\'s server is not installed (Debian: apt-get install postgresql); .ci/run installs it');
  const user = serverUser();
  const root = mkdtempSync(path.join('/tmp', 'pwpg-'));
  if (user) chownSync(root, user.uid, user.gid);
  const run = (command: string, args: string[]) =>
    user ? execFileSync('runuser', ['-u', user.name, '--', command, ...args], { stdio: 'pipe', cwd: root }) : execFileSync(command, args, { stdio: 'pipe', cwd: root });
  const dataDir = path.join(root, 'data');
  run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const settings = [
      `-c listen_addresses=127.0.0.1`, `-c port=${port}`, `-c unix_socket_directories=${root}`,
      // Throw-away data: no fsync. Enough connections for several instances' pools at once.
      '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=300',
    ].join(' ');
    try {
      run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(root, 'log'), '-o', settings, '-w', '-t', '30', 'start']);
      const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return { root, dataDir, socketDir: root, port, pid };
    } catch (error) {
      // Someone took the port between our look and the server's bind: another one.
      if (attempt >= 5) throw new Error(`PostgreSQL did not start: ${readLog(root)}`, { cause: error });
    }
  }
}

function readLog(root: string): string {
  try {
    return readFileSync(path.join(root, 'log'), 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the server by its PID (fast shutdown, then immediate, then SIGKILL) and deletes its folder. */
export async function stopPostgres(server: PostgresServer): Promise<void> {
  for (const [signal, waitMs] of [['SIGINT', 10_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    if (!alive(server.pid)) break;
    process.kill(server.pid, signal);
    const until = Date.now() + waitMs;
    while (alive(server.pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  rmSync(server.root, { recursive: true, force: true });
}

/** The superuser, over the Unix socket. */
export async function superuser<T>(server: PostgresServer, fn: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database owned by a new role of its own, as an administrator would make one for the directory. */
export async function createDatabase(server: PostgresServer): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString('hex');
  const name = `pwsync_${suffix}`;
  const role = `pwsync_${suffix}`;
  const password = randomBytes(18).toString('base64url');
  await superuser(server, async (client) => {
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await client.query(`CREATE DATABASE ${name} OWNER ${role}`);
  });
  return {
    name, role, password,
    url: `postgres://${role}:${password}@127.0.0.1:${server.port}/${name}`,
    socketUrl: `postgres://${role}:${password}@/${name}?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`,
  };
}

/** Writes the database's URL (with its password) to `file`, 0600, as --database-url-file reads it. */
export function writeUrlFile(database: TestDatabase, file: string): string {
  writeFileSync(file, `${database.url}\n`, { mode: 0o600 });
  return file;
}

/**
 * Every byte of the database's own files as the disk has them now, after a CHECKPOINT
 * has written what the server held in memory: its tables and indexes (base/OID), not
 * the WAL (docs/directory.md, "Erasure", says what the WAL keeps).
 */
export async function databaseBytes(server: PostgresServer, database: string): Promise<string> {
  const oid = await superuser(server, async (client) => {
    await client.query('CHECKPOINT');
    return (await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = $1', [database])).rows[0]!.oid;
  });
  const folder = path.join(server.dataDir, 'base', String(oid));
  return readdirSync(folder)
    .map((f) => readFileSync(path.join(folder, f)).toString('latin1'))
    .join('\n');
}

/** Every byte of the WAL files now (what VACUUM FULL does not reach). */
export function walBytes(server: PostgresServer): string {
  const folder = path.join(server.dataDir, 'pg_wal');
  return readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(folder, e.name)).toString('latin1'))
    .join('\n');
}
