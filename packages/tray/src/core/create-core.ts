/** Wires an agent client and the tray core together the same way for every host. */
import type { Platform } from '@pwsync/agent-protocol';
import type { Clock } from '@pwsync/node-kit/clock';
import { AgentClient } from './agent-client';
import type { HistoryStore } from './history';
import type { Logger } from '@pwsync/node-kit/log';
import type { LoadedPolicy } from './policy';
import { checkSocketTrust } from './socket-trust';
import { TrayCore } from './tray-core';

export interface CoreOptions {
  socketPath: string;
  demo: boolean;
  appVersion: string;
  logger: Logger;
  platform?: Platform;
  policy?: LoadedPolicy;
  history?: HistoryStore;
  logLocation?: string | null;
  simulatePasswordChange?: () => Promise<void>;
  clock?: Clock;
  retryDelaysMs?: readonly number[];
}

export function createCore(options: CoreOptions): TrayCore {
  const client = new AgentClient({
    socketPath: options.socketPath,
    clientVersion: options.appVersion,
    logger: options.logger,
    checkTrust: (socketPath) => checkSocketTrust(socketPath, { demo: options.demo }),
    clock: options.clock,
    retryDelaysMs: options.retryDelaysMs,
  });
  return new TrayCore({
    client,
    logger: options.logger,
    demo: options.demo,
    appVersion: options.appVersion,
    platform: options.platform ?? hostPlatform(),
    policy: options.policy,
    history: options.history,
    logLocation: options.logLocation,
    simulatePasswordChange: options.simulatePasswordChange,
    clock: options.clock,
  });
}

/** The host's platform in the protocol's terms; other Unixes are treated as Linux. */
export function hostPlatform(platform: NodeJS.Platform = process.platform): Platform {
  return platform === 'darwin' || platform === 'win32' ? platform : 'linux';
}
