/**
 * Keeps the agent's per-user state in step with the directory: each answer (from a
 * check-in or the event stream) is applied in order — a new change is queued (a newer
 * one supersedes), a change this computer already synced is reported again (the
 * directory may have missed it), and a change the directory no longer offers (sync
 * turned off, account deactivated) is withdrawn.
 */
import type { AgentService, DirectoryLink } from './agent-service';
import type { CheckinAnswer, DirectoryClient } from './directory-client';
import { type Clock, isoTime, systemClock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';

export function connectDirectory(service: AgentService, client: DirectoryClient, logger: Logger, clock: Clock = systemClock): DirectoryLink {
  let applying: Promise<void> = Promise.resolve();
  const link: DirectoryLink = {
    async checkIn() {
      await client.checkIn();
      await applying;
    },
    report: (changeId, outcome, failedStep, reason = null) => client.report({ changeId, outcome, failedStep, reason, at: isoTime(clock) }),
  };

  const apply = async (answer: CheckinAnswer): Promise<void> => {
    service.setDirectoryState({
      state: 'online',
      lastCheckIn: isoTime(clock),
      account: answer.user.active ? 'active' : 'deactivated',
      syncEnabled: answer.user.syncEnabled && answer.device.syncEnabled,
      // Who this computer's password follows, as the identity provider knows them: the tray
      // app names them, so the person (and support) see which account a change comes from.
      userName: answer.user.userName,
    });
    const change = answer.change;
    if (!change) {
      if (service.pendingChangeId() !== null) await service.withdrawChange();
      return;
    }
    if (service.hasSynced(change.id)) {
      await link.report(change.id, 'synced', null).catch(() => logger.warn('could not report a sync to the directory yet', { changeId: change.id }));
      return;
    }
    if (!change.hashes[service.backend.newPasswordHash]) {
      logger.warn("the directory sent a change without the hash this computer verifies with; it is ignored", { changeId: change.id, needed: service.backend.newPasswordHash });
      return;
    }
    await service.receiveChange({ id: change.id, createdAt: change.createdAt, provider: change.provider, mode: service.backend.mode }, change.hashes);
  };

  client.on('answer', (answer) => {
    applying = applying.then(() => apply(answer)).catch((error: unknown) => logger.error('could not apply the directory\'s answer', { err: (error as Error).name }));
  });
  client.on('connection', (state) => service.setDirectoryState({ state }));
  service.attachDirectory(link);
  return link;
}
