/**
 * The one clock: what every piece of logic that reads the time or waits takes,
 * instead of calling Date.now() or setTimeout itself, so tests move time (see
 * @pwsync/testing/fake-clock) rather than sleep. Time is milliseconds since the epoch,
 * as Date.now() gives it; make a Date from it only where a timestamp is written.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Whatever setTimeout gave back; only the clock that made it knows what it is. */
export type TimerHandle = unknown;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The clock's time as an ISO 8601 timestamp, for what is stored or sent. */
export function isoTime(clock: Pick<Clock, 'now'>): string {
  return new Date(clock.now()).toISOString();
}
