/**
 * When an agent tries its event stream again after losing it or being refused:
 * exponential back-off with jitter, capped, so that the devices of an instance that
 * died, or of a directory that is full, come back spread out instead of in step.
 *
 * - A failure doubles the ceiling (1 s, 2 s, 4 s … up to 5 minutes), and the wait is a
 *   random point in the upper half of it ("equal jitter": never immediately, never in
 *   step with another device that failed at the same moment).
 * - A `Retry-After` (a full directory's 503) is honoured: never sooner, plus up to half
 *   as long again at random; more than an hour is taken as an hour, so a directory
 *   cannot silence a device for good. Check-ins go on meanwhile.
 * - A stream that opened resets it.
 *
 * The load tool's simulated devices use the same policy (packages/testing/src/load).
 */
export interface BackoffOptions {
  firstMs?: number;
  capMs?: number;
  maxRetryAfterMs?: number;
}

export const BACKOFF_FIRST_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
export const RETRY_AFTER_MAX_MS = 60 * 60_000;

/** Retry-After as seconds (RFC 9110 also allows an HTTP date), in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class ReconnectBackoff {
  private failures = 0;
  private readonly firstMs: number;
  private readonly capMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(
    private readonly random: () => number = Math.random,
    options: BackoffOptions = {},
  ) {
    this.firstMs = options.firstMs ?? BACKOFF_FIRST_MS;
    this.capMs = options.capMs ?? BACKOFF_CAP_MS;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? RETRY_AFTER_MAX_MS;
  }

  /** Consecutive failures so far. */
  get attempts(): number {
    return this.failures;
  }

  /** The wait before the next try, after one more failure; `retryAfterMs` is what the directory asked for. */
  next(retryAfterMs?: number): number {
    const ceiling = Math.min(this.capMs, this.firstMs * 2 ** this.failures);
    this.failures += 1;
    if (retryAfterMs !== undefined) {
      const asked = Math.min(this.maxRetryAfterMs, retryAfterMs);
      return Math.round(asked + this.random() * (asked / 2));
    }
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  reset(): void {
    this.failures = 0;
  }
}
