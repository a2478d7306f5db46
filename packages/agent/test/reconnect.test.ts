/**
 * The agent's event stream comes back with back-off and jitter, capped, and honours a
 * full directory's Retry-After (docs/directory.md, "Sizing"): the policy itself, and
 * the client against a directory that refuses or drops it, on a fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryClient } from '../src/directory-client';
import { BACKOFF_CAP_MS, ReconnectBackoff, parseRetryAfter } from '../src/reconnect-backoff';
import { FakeClock } from '@pwsync/testing/fake-clock';
import { DEVICE_TOKEN, type FakeDirectory, startFakeDirectory } from '@pwsync/testing/fake-directory';
import { recordingLogger } from '@pwsync/testing/recording-logger';

describe('the back-off', () => {
  it('doubles up to its cap, each wait a random point in the upper half', () => {
    const low = new ReconnectBackoff(() => 0);
    const high = new ReconnectBackoff(() => 1);
    const lows = Array.from({ length: 12 }, () => low.next());
    const highs = Array.from({ length: 12 }, () => high.next());
    expect(lows.slice(0, 4)).toEqual([500, 1000, 2000, 4000]);
    expect(highs.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(lows.at(-1)).toBe(BACKOFF_CAP_MS / 2);
    expect(highs.at(-1)).toBe(BACKOFF_CAP_MS);
    low.reset();
    expect(low.next()).toBe(500);
  });

  it('two devices failing together do not come back together', () => {
    const randoms = [0.1, 0.7];
    const waits = randoms.map((r) => new ReconnectBackoff(() => r).next());
    expect(waits[0]).not.toBe(waits[1]);
  });

  it('honours Retry-After, never sooner, and takes more than an hour as an hour', () => {
    expect(new ReconnectBackoff(() => 0).next(30_000)).toBe(30_000);
    expect(new ReconnectBackoff(() => 1).next(30_000)).toBe(45_000);
    expect(new ReconnectBackoff(() => 0).next(10 * 3_600_000)).toBe(3_600_000);
    expect(parseRetryAfter('42')).toBe(42_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('the stream against a directory that refuses or drops it', () => {
  let directory: FakeDirectory | undefined;
  let client: DirectoryClient | undefined;
  afterEach(async () => {
    client?.stop();
    await directory?.close();
  });

  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  /** No further stream request arrives while real time passes (the fake clock does not move). */
  async function stays(count: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(directory!.streamRequests).toBe(count);
  }

  it('waits out a full directory\'s Retry-After, plus jitter, then connects; check-ins go on meanwhile', async () => {
    directory = await startFakeDirectory();
    directory.refuseStreams = 30;
    const clock = new FakeClock();
    const logger = recordingLogger();
    client = new DirectoryClient({ url: directory.url, deviceToken: DEVICE_TOKEN, logger, clock, random: () => 0.5 });
    client.start();
    await until(() => directory!.streamRequests === 1 && clock.pending === 1, 'the refusal and a scheduled retry');
    expect(logger.entries.find((e) => e.message.startsWith('the directory holds as many event streams as it may'))?.fields).toEqual({ inSeconds: 38 });
    expect(directory.checkins).toBe(1);
    // 30 s asked, plus half of 15 s at random 0.5.
    clock.advance(37_499);
    await stays(1);
    directory.refuseStreams = undefined;
    clock.advance(1);
    await until(() => directory!.streamRequests === 2 && directory!.checkins === 2, 'the stream open and the check-in it makes');
  });

  it('backs off further after each failure while the directory cannot be reached', async () => {
    directory = await startFakeDirectory();
    await directory.goOffline();
    const clock = new FakeClock();
    client = new DirectoryClient({ url: directory.url, deviceToken: DEVICE_TOKEN, logger: recordingLogger(), clock, random: () => 0 });
    client.start();
    await until(() => directory!.streamRequests === 1 && clock.pending === 1, 'the first failure');
    for (const [n, wait] of [[2, 500], [3, 1000], [4, 2000]] as const) {
      clock.advance(wait - 1);
      await stays(n - 1);
      clock.advance(1);
      await until(() => directory!.streamRequests === n && clock.pending === 1, `attempt ${n}`);
    }
    await directory.goOnline();
    clock.advance(4000);
    await until(() => directory!.streamRequests === 5 && directory!.checkins >= 1, 'connected again');
  });
});
