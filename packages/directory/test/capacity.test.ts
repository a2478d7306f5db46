/**
 * What keeps an instance standing under many devices (docs/directory.md, "Sizing"):
 * event streams capped, with a refusal the agent understands and a log line when full;
 * heartbeats spread over their period; each stream told its own jittered `retry`; and
 * connection caps that fit the file-descriptor limit or are refused at start.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ROOT, TOKEN, call, directoryArgs, enrol, oktaUser, openEvents, storeFor, tempDir } from '@pwsync/testing/directory-harness';
import { FakeClock } from '@pwsync/testing/fake-clock';
import { recordingLogger } from '@pwsync/testing/recording-logger';
import { silentLogger } from '@pwsync/node-kit/log';
import type { CheckinAnswer } from '@pwsync/device-api';
import { EventHub, HEARTBEAT_SLOTS } from '../src/event-hub';
import { CapacityError, FD_RESERVE, fitToFileLimit } from '../src/fd-limit';
import { DirectoryContext } from '../src/context';
import { DEFAULT_LIMITS, type Limits } from '../src/limits';
import { type RunningDirectory, startDirectory } from '../src/server';

const ANSWER: CheckinAnswer = {
  user: { userName: 'a@example.com', active: true, syncEnabled: true },
  device: { deviceId: 'dev_1', syncEnabled: true },
  change: null,
  serverTime: '2025-03-01T09:00:00.000Z',
};

/** A response that records what was written to it and when (on the fake clock). */
function fakeResponse(clock: FakeClock) {
  const writes: Array<{ at: number; text: string }> = [];
  const response = {
    writes,
    socket: { setNoDelay() {}, setTimeout() {} },
    writeHead() {},
    write(text: string) {
      writes.push({ at: clock.now(), text });
      return true;
    },
    end() {},
    on() {},
  };
  return response;
}

describe('the event hub', () => {
  it('spreads heartbeats over their period: every stream gets one, no tick writes them all', () => {
    const clock = new FakeClock();
    const hub = new EventHub({ heartbeatMs: 15_000, perDevice: 3, maxStreams: 1000, reconnectsPerSecond: 2000, logger: silentLogger, clock });
    const responses = Array.from({ length: 240 }, (_, i) => {
      const response = fakeResponse(clock);
      hub.attach(`dev_${i}`, response as never, ANSWER);
      return response;
    });
    const start = clock.now();
    clock.advance(15_000);
    const beats = responses.map((r) => r.writes.filter((w) => w.text === ': heartbeat\n\n'));
    expect(beats.every((b) => b.length === 1)).toBe(true);
    const perTick = new Map<number, number>();
    for (const b of beats) perTick.set(b[0]!.at, (perTick.get(b[0]!.at) ?? 0) + 1);
    expect(perTick.size).toBe(HEARTBEAT_SLOTS);
    expect(Math.max(...perTick.values())).toBe(240 / HEARTBEAT_SLOTS);
    // Spread over the whole period, not bunched at its start.
    const times = [...perTick.keys()].map((t) => t - start);
    expect(Math.min(...times)).toBeLessThanOrEqual(250);
    expect(Math.max(...times)).toBe(15_000);
    hub.close();
  });

  it("tells each stream its own retry, from 1 s up to the instance's reconnect window", () => {
    const clock = new FakeClock();
    const randoms = [0, 0.5, 0.9999];
    const hub = new EventHub({ heartbeatMs: 15_000, perDevice: 3, maxStreams: 10_000, reconnectsPerSecond: 2000, logger: silentLogger, clock, random: () => randoms.shift() ?? 0 });
    expect(hub.reconnectWindowMs).toBe(5000);
    const retries = randoms.slice().map((_, i) => {
      const response = fakeResponse(clock);
      hub.attach(`dev_${i}`, response as never, ANSWER);
      return Number(/^retry: (\d+)\n/.exec(response.writes[0]!.text)![1]);
    });
    expect(retries).toEqual([1000, 3000, 5000]);
    hub.close();
  });
});

describe('check-in times', () => {
  function contextOver(engine: 'sqlite' | 'postgres', write: (chunk: ReadonlyArray<readonly [string, string]>) => Promise<void>, log: string[]) {
    const queries = { checkedIn: write };
    const store = {
      engine,
      onAnnounced() {},
      q: queries,
      async transaction(fn: (tx: typeof queries) => Promise<void>) {
        log.push('transaction');
        await fn(queries);
      },
    };
    return new DirectoryContext(store as never, { provider: 'Okta', pbkdf2Iterations: 1000, cryptRounds: 5000, hashRetentionMs: 1, heartbeatMs: 15_000 }, DEFAULT_LIMITS, silentLogger, { scim: Buffer.alloc(32), admin: Buffer.alloc(32) });
  }

  it('are written a few hundred a transaction on SQLite, with the event loop turning between them', async () => {
    const log: string[] = [];
    const written: string[] = [];
    const ctx = contextOver('sqlite', async (chunk) => void written.push(...chunk.map(([id]) => id)), log);
    for (let i = 0; i < 600; i += 1) ctx.recordCheckIn(`dev_${i}`);
    const flushed = ctx.flushCheckIns();
    // Something else waiting for the loop gets its turn before the flush is done.
    setImmediate(() => log.push('other work'));
    await flushed;
    ctx.hub.close();
    expect(written).toHaveLength(600);
    expect(log).toEqual(['transaction', 'other work', 'transaction', 'transaction']);
  });

  it('are one statement per few hundred on PostgreSQL, outside any transaction, and kept for the next flush when the database fails', async () => {
    const log: string[] = [];
    const chunks: number[] = [];
    let fail = true;
    const ctx = contextOver('postgres', async (chunk) => {
      if (fail && chunks.length === 1) {
        fail = false;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }
      chunks.push(chunk.length);
    }, log);
    for (let i = 0; i < 600; i += 1) ctx.recordCheckIn(`dev_${i}`);
    await expect(ctx.flushCheckIns()).rejects.toThrow('deadlock');
    expect(chunks).toEqual([250]);
    // A newer check-in of one of those not written yet wins over the one kept.
    ctx.recordCheckIn('dev_599');
    const newer = ctx.lastCheckIn({ id: 'dev_599', last_check_in: null });
    await ctx.flushCheckIns();
    ctx.hub.close();
    expect(chunks).toEqual([250, 250, 100]);
    expect(log).toEqual([]);
    expect(ctx.lastCheckIn({ id: 'dev_599', last_check_in: newer })).toBe(newer);
  });
});

describe('a full instance', () => {
  let directory: RunningDirectory | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await directory?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    directory = undefined;
  });

  async function start(limits: Partial<Limits>, logger = recordingLogger()) {
    dir = tempDir();
    directory = await startDirectory({
      ...(await storeFor(dir)), scimToken: TOKEN, adminToken: ADMIN_TOKEN, host: '127.0.0.1', port: 0, logger,
      provider: 'Okta', pbkdf2Iterations: 1000, cryptRounds: 5000, hashRetentionMs: 86_400_000, heartbeatMs: 15_000, limits,
    });
    return { d: directory, logger };
  }

  it('refuses one more stream with 503 and Retry-After and says so in its log, while SCIM and check-ins go on', async () => {
    const { d, logger } = await start({ maxConnections: 32, maxStreams: 2 });
    const devices = [];
    for (const name of ['a', 'b', 'c']) {
      await call(d.url, 'POST', '/scim/v2/Users', oktaUser(`${name}@example.com`));
      devices.push(await enrol(d.url, `${name}@example.com`));
    }
    const held = [await openEvents(d.url, devices[0]!.deviceToken), await openEvents(d.url, devices[1]!.deviceToken)];
    await Promise.all(held.map((s) => s.next('hello')));

    const refused = await call(d.url, 'GET', '/api/v1/device/events', undefined, {}, devices[2]!.deviceToken);
    expect(refused.status).toBe(503);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(30);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.detail).toBe(`This directory holds as many event streams as it may; try again in ${retryAfter} s.`);
    const line = logger.entries.find((e) => e.message.startsWith('event streams full'));
    expect(line?.level).toBe('warn');
    expect(line?.fields).toMatchObject({ streams: 2, maxStreams: 2, refusedSinceLastLine: 1 });

    // A second refusal within the minute is counted, not logged again.
    expect((await call(d.url, 'GET', '/api/v1/device/events', undefined, {}, devices[2]!.deviceToken)).status).toBe(503);
    expect(logger.entries.filter((e) => e.message.startsWith('event streams full'))).toHaveLength(1);

    // Everything else is still served, and a device that holds a stream may replace it.
    expect((await call(d.url, 'GET', '/scim/v2/Users')).status).toBe(200);
    expect((await call(d.url, 'GET', '/api/v1/device/checkin', undefined, {}, devices[2]!.deviceToken)).status).toBe(200);
    const again = await openEvents(d.url, devices[0]!.deviceToken);
    await again.next('hello');

    // Once a stream closes, the refused device gets in.
    held[1]!.close();
    await held[1]!.next('never', 300).catch(() => undefined);
    const third = await openEvents(d.url, devices[2]!.deviceToken);
    expect((await third.next('hello')).data.user.userName).toBe('c@example.com');
    for (const s of [...held, again, third]) s.close();
  });
});

describe('caps and the file-descriptor limit', () => {
  it('lowers a default cap to fit, and derives the stream cap from the connection cap', () => {
    const fitted = fitToFileLimit(DEFAULT_LIMITS, {}, 1024);
    expect(fitted.lowered).toEqual({ from: 4096, to: 1024 - FD_RESERVE });
    expect(fitted.limits.maxConnections).toBe(1024 - FD_RESERVE);
    expect(fitted.limits.maxStreams).toBe(1024 - FD_RESERVE - 112);
    expect(fitToFileLimit(DEFAULT_LIMITS, {}, 20_000)).toEqual({ limits: DEFAULT_LIMITS, lowered: undefined });
    const given = fitToFileLimit({ ...DEFAULT_LIMITS, maxConnections: 12_000 }, { maxConnections: 12_000 }, 20_000);
    expect(given.limits.maxStreams).toBe(10_500);
  });

  it('refuses a cap the administrator set that does not fit, or streams that leave no room', () => {
    expect(() => fitToFileLimit({ ...DEFAULT_LIMITS, maxConnections: 30_000 }, { maxConnections: 30_000 }, 20_000)).toThrow(CapacityError);
    expect(() => fitToFileLimit({ ...DEFAULT_LIMITS, maxStreams: 5000 }, { maxStreams: 5000 }, 20_000)).toThrow('--max-streams 5000 must be below --max-connections 4096');
  });

  it('the stream cap and the reconnect window are the figures docs/directory.md gives', () => {
    const docs = readFileSync(path.join(ROOT, 'docs/directory.md'), 'utf8');
    expect(docs).toMatch(new RegExp(`^\\| Event streams \\| ${DEFAULT_LIMITS.maxStreams.toLocaleString('en')} \\|`, 'm'));
    expect(docs).toContain(`\`--max-streams\` ÷ ${DEFAULT_LIMITS.reconnectsPerSecond.toLocaleString('en')} seconds`);
    expect(docs).toContain(`one of ${HEARTBEAT_SLOTS} slots, and every ${15_000 / HEARTBEAT_SLOTS} ms`);
  });

  it('the CLI refuses to start with a cap above the ulimit, and says what to do', () => {
    const dir = tempDir();
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', ...directoryArgs(dir, ['--max-connections', '1000000'])], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^pwsync-directory: --max-connections 1000000 needs 1000128 file descriptors, but this process may open \d+ \(ulimit -n\): raise the limit \(LimitNOFILE= in the systemd unit\) or lower --max-connections to \d+\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
