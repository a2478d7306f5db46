/** Wires an agent client and the tray core together the same way for every host. */
import type { Platform } from '@pwsync/agent-protocol';
import { AgentClient, type Timers } from './agent-client';
import type { HistoryStore } from './history';
import type { CoreLogger } from './logger';
import type { LoadedPolicy } from './policy';
import { checkSocketTrust } from './socket-trust';
import { TrayCore } from './tray-core';

export interface CoreOptions {
  socketPath: string;
  demo: boolean;
  appVersion: string;
  logger: CoreLogger;
  platform?: Platform;
  policy?: LoadedPolicy;
  history?: HistoryStore;
  logLocation?: string | null;
  simulatePasswordChange?: () => Promise<void>;
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
  });
}

/** The host's platform in the protocol's terms; other Unixes are treated as Linux. */
export function hostPlatform(platform: NodeJS.Platform = process.platform): Platform {
  return platform === 'darwin' || platform === 'win32' ? platform : 'linux';
}
