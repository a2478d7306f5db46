/**
 * What both engines' stores share: the guard that keeps `store.q` out of a
 * transaction (on SQLite's one connection it would wait for the transaction forever),
 * and the delivery of a committed transaction's announcements.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { AnnouncementHandler } from './store';
import type { Announcement } from './store-queries';

const insideTransaction = new AsyncLocalStorage<true>();

export function inTransaction<T>(fn: () => Promise<T>): Promise<T> {
  return insideTransaction.run(true, fn);
}

/** On `store.q`: refuses a query made from inside a transaction, which must use its own `tx`. */
export const outsideTransactionsOnly: KyselyPlugin = {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (insideTransaction.getStore()) throw new Error('store.q used inside store.transaction(): use the transaction\'s own queries (tx)');
    return node;
  },
  transformResult: async ({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => result,
};

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
