/**
 * The floor for events between instances: a bare NOTIFY on one PostgreSQL connection to
 * a LISTEN on another, round trip, with nothing of the directory in between.
 */
import pg from 'pg';
import { wallClock } from './sim-device';

export async function notifyRoundTrips(url: string, rounds: number, warmup = 10): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  const notifier = new pg.Client({ connectionString: url });
  await Promise.all([listener.connect(), notifier.connect()]);
  try {
    await listener.query('LISTEN pwsync_bench_floor');
    let arrived: ((at: number) => void) | undefined;
    listener.on('notification', () => arrived?.(wallClock()));
    const times: number[] = [];
    for (let i = 0; i < rounds + warmup; i += 1) {
      const event = new Promise<number>((resolve) => (arrived = resolve));
      const sent = wallClock();
      await notifier.query(`NOTIFY pwsync_bench_floor, '${i}'`);
      const at = await event;
      if (i >= warmup) times.push(at - sent);
    }
    return times;
  } finally {
    await Promise.all([listener.end(), notifier.end()]);
  }
}
