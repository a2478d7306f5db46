/**
 * The PostgreSQL engine, for several directory instances on one database, through `pg`
 * (node-postgres) and kysely's PostgresDialect.
 *
 * Transactions run SERIALIZABLE: the database lets them overlap but commits only what
 * could have happened one at a time, as on SQLite, and says 40001 (or 40P01) when two
 * collided; the transaction is then run again from the start, a few times at most.
 *
 * Announcements go out with the transaction: `pg_notify` inside it, so other instances
 * hear of a change if and only if it committed, in commit order. They carry only ids;
 * each instance reads the state from the database (fan-out.ts). One connection per
 * instance LISTENs; when it is lost, the instance reconnects and treats every device it
 * holds as changed, since what was said meanwhile is gone.
 *
 * TLS to the database unless it is on a loopback address or a Unix socket; the server's
 * certificate is checked (against the system's CAs, or the CA given). The password comes
 * from a file (never the command line or the environment), read when a connection opens.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { parse } from 'pg-connection-string';
import { isLoopback } from './addresses';
import type { AnnouncementHandler, Store, StoreConfig } from './store';
import { migrateToLatest } from './store-migrate';
import { type Announcement, Queries } from './store-queries';
import type { Tables } from './store-tables';
import { Announcements, StoreBusyError, assertOutsideTransaction, inTransaction, outsideTransactionsOnly } from './store-transactions';

export const CHANNEL = 'pwsync_directory';
/** Tries of a transaction that keeps colliding; then the request is answered 503 with Retry-After (StoreBusyError). */
const ATTEMPTS = 20;
const LISTEN_RETRY_MS = 1000;

export type PostgresConfig = Extract<StoreConfig, { engine: 'postgres' }>;

/** 64-bit integers (counts, sequence numbers) as numbers: they stay far below 2^53 here. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/**
 * The `pg` settings for the URL, parsed as libpq reads one (pg-connection-string, pg's
 * own parser), with TLS decided here and not by the URL: required, with the server's
 * certificate checked, unless the database is on a loopback address or a Unix socket.
 */
export function connectionOptions(config: PostgresConfig): pg.PoolConfig & { host: string } {
  if (!/^postgres(ql)?:\/\//.test(config.url)) throw new Error('the database URL must be postgres://USER@HOST:PORT/DATABASE');
  let parts: ReturnType<typeof parse>;
  try {
    parts = parse(config.url);
  } catch {
    throw new Error('the database URL cannot be read: postgres://USER@HOST:PORT/DATABASE');
  }
  const host = parts.host ?? 'localhost';
  const local = host.startsWith('/') || isLoopback(host);
  const sslmode = (parts as { sslmode?: string }).sslmode;
  if (!local && sslmode !== undefined && !['require', 'verify-ca', 'verify-full'].includes(sslmode)) {
    throw new Error(`sslmode=${sslmode}: the database is reached over the network, so only TLS with a checked certificate is accepted`);
  }
  return {
    host,
    ...(parts.port ? { port: Number(parts.port) } : {}),
    ...(parts.user ? { user: parts.user } : {}),
    ...(parts.database ? { database: parts.database } : {}),
    ...(config.password ? { password: config.password } : parts.password ? { password: parts.password } : {}),
    ssl: local ? false : { rejectUnauthorized: true, servername: host, ...(config.tls?.ca ? { ca: config.tls.ca } : {}) },
    ...(parts.options ? { options: parts.options } : {}),
    application_name: 'pwsync-directory',
    types: TYPES,
  };
}

/** Distinct statements prepared by name, at most; any beyond run unnamed (planned each time), so no connection's set grows without bound. */
const PREPARED_MAX = 256;
const statementNames = new Map<string, string>();

/**
 * Makes each parameterised statement on this connection a named prepared statement, so
 * PostgreSQL plans it once per connection instead of on every call. For the directory's
 * hot reads that is most of their cost: a device's state (one join) takes ~0.5 ms to plan
 * and ~0.1 ms to run, and a round trip fell from 0.64–0.84 ms to 0.14 ms when named
 * (measured on this build machine, PostgreSQL 15). kysely has no way to name a
 * statement (its driver calls `client.query(sql, parameters)`), so the name is given
 * here, below it: the digest of the SQL text, which holds no value (values travel as
 * parameters). Statements without parameters (BEGIN, COMMIT, LISTEN, VACUUM) are left
 * as they are. Behind PgBouncer in transaction mode this needs its
 * max_prepared_statements (docs/directory.md, "Several instances").
 */
function preparesStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined) return query(text, values, callback);
    let name = statementNames.get(text);
    if (name === undefined && statementNames.size < PREPARED_MAX) {
      name = `pwsync_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      statementNames.set(text, name);
    }
    return name === undefined ? query(text, values) : query({ name, text, values });
  };
}

function retryable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '40001' || code === '40P01';
}

/** What goes over NOTIFY: the instance that said it, and ids; never anything from a row. */
function payloadOf(instance: string, what: Announcement): string {
  return JSON.stringify({ i: instance, ...('userId' in what ? { u: what.userId } : 'deviceId' in what ? { d: what.deviceId } : { all: true }) });
}

function announcementOf(payload: string): { instance: string; what: Announcement } | undefined {
  try {
    const p = JSON.parse(payload) as { i?: unknown; u?: unknown; d?: unknown; all?: unknown };
    if (typeof p.i !== 'string') return undefined;
    if (typeof p.u === 'string') return { instance: p.i, what: { userId: p.u } };
    if (typeof p.d === 'string') return { instance: p.i, what: { deviceId: p.d } };
    if (p.all === true) return { instance: p.i, what: { everyone: true } };
  } catch {
    // not ours
  }
  return undefined;
}

export async function openPostgresStore(config: PostgresConfig): Promise<Store> {
  const options = connectionOptions(config);
  const instance = config.instanceId ?? randomUUID();
  const pool = new pg.Pool({ ...options, max: config.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
  // A connection the database drops (a restart, a failover, an administrator's
  // pg_terminate_backend) must not stop the directory. Idle, the pool says so here and
  // drops it; in use, pg fails its query (the request is answered 500 or 503) and then
  // emits 'error' on the client, which without a listener would end the process: the
  // pool drops that client when it is given back (pg-pool checks it is still usable).
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
    preparesStatements(client);
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const announcements = new Announcements();
  const owner = {};
  const listener = new Listener(options, instance, announcements);
  await listener.start();

  return {
    engine: 'postgres',
    q: new Queries(db.withPlugin(outsideTransactionsOnly(owner)), 'postgres', undefined, () => assertOutsideTransaction(owner)),
    madePrivate: [],
    onAnnounced: (handler: AnnouncementHandler) => announcements.set(handler),
    async transaction(fn) {
      for (let attempt = 1; ; attempt += 1) {
        const announced: Announcement[] = [];
        try {
          const result = await inTransaction(owner, () =>
            db
              .transaction()
              .setIsolationLevel('serializable')
              .execute(async (trx) => {
                const value = await fn(new Queries(trx, 'postgres', announced));
                for (const what of announced) await sql`SELECT pg_notify(${CHANNEL}, ${payloadOf(instance, what)})`.execute(trx);
                return value;
              }),
          );
          await announcements.deliver(announced, 'here');
          return result;
        } catch (error) {
          if (!retryable(error)) throw error;
          if (attempt >= ATTEMPTS) throw new StoreBusyError(ATTEMPTS);
          // Full jitter, growing: colliding transactions spread out instead of colliding again.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 2 ** attempt)));
        }
      }
    },
    /**
     * An erased hash's bytes stay in the table's pages after UPDATE or DELETE, and plain
     * VACUUM only marks their space free; VACUUM FULL writes the live rows to new files
     * and drops the old ones. `change_hashes` holds only hashes still needed, so this is
     * cheap. docs/directory.md, "Erasure", says what it does not reach (the WAL, backups).
     */
    async scrub() {
      await sql`VACUUM FULL change_hashes`.execute(db);
    },
    async close() {
      await listener.stop();
      await db.destroy();
    },
  };
}

/** The one connection that LISTENs, kept open: lost, it comes back and says "everyone". */
class Listener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: pg.ClientConfig,
    private readonly instance: string,
    private readonly announcements: Announcements,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client(this.options);
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const said = announcementOf(message.payload);
      if (!said || said.instance === this.instance) return;
      void this.announcements.deliver([said.what], 'elsewhere');
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private lost(client: pg.Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    this.reconnect();
  }

  private reconnect(): void {
    this.retry = setTimeout(() => {
      this.start().then(
        // Whatever was announced while no one listened is lost: every device here is refreshed.
        () => this.announcements.deliver([{ everyone: true }], 'elsewhere'),
        () => this.reconnect(),
      );
    }, LISTEN_RETRY_MS);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
