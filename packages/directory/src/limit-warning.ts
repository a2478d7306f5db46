/**
 * One log line when a limit starts to bite, then at most one every `everyMs` while it
 * keeps biting, each with how many times it bit since the last: an instance that is
 * full says so plainly, without a line per refused connection flooding its log.
 */
import type { Clock } from '@pwsync/node-kit/clock';
import type { LogFields, Logger } from '@pwsync/node-kit/log';

export class LimitWarning {
  private lastAt = -Infinity;
  private since = 0;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly message: string,
    private readonly everyMs = 10_000,
  ) {}

  hit(fields: LogFields = {}): void {
    this.since += 1;
    const now = this.clock.now();
    if (now - this.lastAt < this.everyMs) return;
    this.logger.warn(this.message, { ...fields, refusedSinceLastLine: this.since });
    this.lastAt = now;
    this.since = 0;
  }
}
