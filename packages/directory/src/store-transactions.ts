/**
 * What both engines' stores share: the guard that keeps `store.q` out of a
 * transaction (on SQLite's one connection it would wait for the transaction forever),
 * and the delivery of a committed transaction's announcements.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { AnnouncementHandler } from './store';
import type { Announcement } from './store-queries';

/** The stores whose transaction the current async context runs inside. */
const insideTransaction = new AsyncLocalStorage<ReadonlySet<object>>();

/** Runs `fn` as inside a transaction of the store `owner`. */
export function inTransaction<T>(owner: object, fn: () => Promise<T>): Promise<T> {
  return insideTransaction.run(new Set([...(insideTransaction.getStore() ?? []), owner]), fn);
}

/** Throws when called from inside one of `owner`'s transactions, which must use its own `tx`. */
export function assertOutsideTransaction(owner: object): void {
  if (insideTransaction.getStore()?.has(owner)) throw new Error("store.q used inside store.transaction(): use the transaction's own queries (tx)");
}

/** For `owner`'s `store.q`: refuses a query made from inside one of its transactions (queries compiled once check it themselves: Queries' guard). */
export function outsideTransactionsOnly(owner: object): KyselyPlugin {
  return {
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      assertOutsideTransaction(owner);
      return node;
    },
    transformResult: async ({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => result,
  };
}

/** A transaction still collided with others after every try: the request may be sent again. */
export class StoreBusyError extends Error {
  readonly code = 'PWSYNC_STORE_BUSY';
  constructor(attempts: number) {
    super(`the transaction collided with others ${attempts} times`);
    this.name = 'StoreBusyError';
  }
}

/** Hands committed announcements to the handler; a failure there is the handler's to log, never the request's. */
export class Announcements {
  private handler: AnnouncementHandler = async () => {};

  set(handler: AnnouncementHandler): void {
    this.handler = handler;
  }

  async deliver(announced: Announcement[], origin: 'here' | 'elsewhere'): Promise<void> {
    if (announced.length > 0) await this.handler(announced, origin);
  }
}
