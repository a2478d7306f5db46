/** Wires an agent client and the tray core together the same way for every host. */
import { AgentClient, type Timers } from './agent-client';
import type { CoreLogger } from './logger';
import { checkSocketTrust } from './socket-trust';
import { TrayCore } from './tray-core';

export interface CoreOptions {
  socketPath: string;
  demo: boolean;
  appVersion: string;
  logger: CoreLogger;
  provider?: string;
  timers?: Timers;
  retryDelaysMs?: readonly number[];
}

export function createCore(options: CoreOptions): TrayCore {
  const client = new AgentClient({
    socketPath: options.socketPath,
    clientVersion: options.appVersion,
    logger: options.logger,
    checkTrust: (socketPath) => checkSocketTrust(socketPath, { demo: options.demo }),
    timers: options.timers,
    retryDelaysMs: options.retryDelaysMs,
  });
  return new TrayCore({ client, logger: options.logger, demo: options.demo, provider: options.provider });
}
