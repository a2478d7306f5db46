/**
 * A token bucket per device for result reports: a burst, then one more per interval.
 * A real agent reports once per change (and again at a check-in while the directory
 * still offers a change it synced), far below this; a stolen device token cannot fill
 * the database with reports. Kept in memory: one small record per device that reported.
 */
export class ReportLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Takes one report's token; when there is none, the milliseconds until there will be. */
  take(deviceId: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.now();
    const bucket = this.buckets.get(deviceId) ?? { tokens: this.burst, at: now };
    const earned = Math.floor((now - bucket.at) / this.intervalMs);
    if (earned > 0) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + earned);
      bucket.at = bucket.tokens === this.burst ? now : bucket.at + earned * this.intervalMs;
    }
    this.buckets.set(deviceId, bucket);
    if (bucket.tokens === 0) return { ok: false, retryAfterMs: bucket.at + this.intervalMs - now };
    bucket.tokens -= 1;
    return { ok: true };
  }

  forget(deviceId: string): void {
    this.buckets.delete(deviceId);
  }
}
