/**
 * Several directory instances on one PostgreSQL database, as docs/directory.md runs
 * them: a change accepted by one reaches devices streaming from another, without
 * polling, in order; and when an instance is killed (SIGKILL), the devices streaming
 * from the others notice nothing, and its own reconnect through the load balancer to
 * one that is up and are current at once.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Directory, ENGINE, call, enrol, followEvents, oktaReplace, oktaUser, startDirectory, tempDir, testPostgres } from '@pwsync/testing/directory-harness';
import { type Balancer, startBalancer } from '@pwsync/testing/balancer';
import { superuser } from '@pwsync/testing/postgres';

const running: Directory[] = [];
const balancers: Balancer[] = [];
afterAll(async () => {
  for (const b of balancers) await b.close();
  for (const d of running) await d.stop('SIGKILL');
  for (const d of running) rmSync(d.dir, { recursive: true, force: true });
});

/** Two instances on one database (the first's folder names it). */
async function twoInstances(): Promise<[Directory, Directory]> {
  const a = await startDirectory();
  running.push(a);
  const b = await startDirectory(tempDir(), ['--database-url-file', path.join(a.dir, 'database.url')]);
  running.push(b);
  return [a, b];
}

const changeOf = (e: { data: any }) => e.data?.change?.id as string | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any

// Two directories, hashing and a database per test: generous on a busy machine.
describe.skipIf(ENGINE !== 'postgres')('several instances on PostgreSQL', { timeout: 90_000 }, () => {
  it('a change made at A reaches a device streaming from B, and changes made at both arrive in order', async () => {
    const [a, b] = await twoInstances();
    const userId = (await call(a.url, 'POST', '/scim/v2/Users', oktaUser('ines@example.com'))).body.id as string;
    const mac = await enrol(b.url, 'ines@example.com', 'Mac', 'darwin');
    const atB = followEvents(b.url, mac.deviceToken);
    const atA = followEvents(a.url, mac.deviceToken);
    try {
      await atB.until((e) => e.event === 'hello');
      await atA.until((e) => e.event === 'hello');
      const patched = performance.now();
      expect((await call(a.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Instances-Pass-0' }))).status).toBe(200);
      const first = await atB.until((e) => e.event === 'changed' && changeOf(e) !== undefined);
      // Pushed, not polled: well inside the agent's check-in interval.
      expect(first.at - patched).toBeLessThan(2000);

      // Changes at A and B in turn, quickly: each device's changes come in the order they were made.
      const made: string[] = [changeOf(first)!];
      for (let i = 1; i <= 6; i += 1) {
        const at = i % 2 ? b : a;
        expect((await call(at.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: `Instances-Pass-${i}` }))).status).toBe(200);
        made.push((await call(a.url, 'GET', '/api/v1/device/checkin', undefined, {}, mac.deviceToken)).body.change.id);
      }
      for (const stream of [atA, atB]) {
        await stream.until((e) => changeOf(e) === made.at(-1));
        const seen = stream.events.map(changeOf).filter((id): id is string => id !== undefined);
        const order = seen.map((id) => made.indexOf(id));
        expect(order.every((n) => n >= 0)).toBe(true);
        expect([...order].sort((x, y) => x - y)).toEqual(order);
      }
    } finally {
      atA.close();
      atB.close();
    }
  });

  it('killing an instance leaves the devices at the other untouched, and its own reconnect there and are current at once', async () => {
    const [a, b] = await twoInstances();
    const balancer = await startBalancer([a, b].map((d) => ({ host: '127.0.0.1', port: Number(new URL(d.url).port) })));
    balancers.push(balancer);
    const userId = (await call(a.url, 'POST', '/scim/v2/Users', oktaUser('omar@example.com'))).body.id as string;
    const devices = [];
    for (let i = 0; i < 4; i += 1) devices.push(await enrol(a.url, 'omar@example.com', `Laptop ${i}`, 'linux'));
    // Round robin: two streams on each instance.
    const streams = [];
    for (const device of devices) {
      const stream = followEvents(balancer.url, device.deviceToken);
      await stream.until((e) => e.event === 'hello');
      streams.push(stream);
    }
    try {
      expect(balancer.connections()).toEqual([2, 2]);
      const before = (await call(b.url, 'GET', `/api/v1/users/omar@example.com/devices`, undefined, {}, ADMIN_TOKEN)).body.devices;
      expect(before.filter((d: { online: boolean }) => d.online)).toHaveLength(2);

      // A's devices find the balancer refusing for a moment, and meanwhile a change is made at B.
      balancer.refuseNew(true);
      expect(await a.stop('SIGKILL')).toBeNull();
      expect((await call(b.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Failover-Pass-1' }))).status).toBe(200);
      const changeId = (await call(b.url, 'GET', '/api/v1/device/checkin', undefined, {}, devices[0]!.deviceToken)).body.change.id as string;
      balancer.refuseNew(false);

      // Each device is current: B's own by a pushed event on the stream they always had,
      // A's by the opening event of their new stream at B.
      for (const stream of streams) await stream.until((e) => changeOf(e) === changeId);
      const reconnected = streams.filter((s) => s.connections > 1);
      expect(reconnected).toHaveLength(2);
      for (const stream of reconnected) expect(stream.events.find((e) => changeOf(e) === changeId)?.event).toBe('hello');
      for (const stream of streams.filter((s) => s.connections === 1)) expect(stream.events.find((e) => changeOf(e) === changeId)?.event).toBe('changed');
      expect(balancer.connections()).toEqual([0, 4]);

      // And what happens next reaches all four through B.
      expect((await call(balancer.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Failover-Pass-2' }))).status).toBe(200);
      const next = (await call(b.url, 'GET', '/api/v1/device/checkin', undefined, {}, devices[0]!.deviceToken)).body.change.id as string;
      for (const stream of streams) await stream.until((e) => e.event === 'changed' && changeOf(e) === next);
      const after = (await call(b.url, 'GET', `/api/v1/users/omar@example.com/devices`, undefined, {}, ADMIN_TOKEN)).body.devices;
      expect(after.filter((d: { online: boolean }) => d.online)).toHaveLength(4);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('many users created and enrolled at both instances at once are all created, none refused', async () => {
    const [a, b] = await twoInstances();
    const names = Array.from({ length: 40 }, (_, i) => `crowd${i}@example.com`);
    const created = await Promise.all(names.map((name, i) => call((i % 2 ? a : b).url, 'POST', '/scim/v2/Users', oktaUser(name, `Crowd-Pass-${i}`))));
    expect(created.map((r) => r.status)).toEqual(names.map(() => 201));
    const enrolled = await Promise.all(names.map((name, i) => enrol((i % 2 ? b : a).url, name, `Laptop ${i}`, 'linux')));
    expect(new Set(enrolled.map((e) => e.deviceId)).size).toBe(names.length);
    expect((await call(a.url, 'GET', '/scim/v2/Users?count=0')).body.totalResults).toBe(names.length);
  });

  it('a device removed at one instance loses its stream at the other at once', async () => {
    const [a, b] = await twoInstances();
    await call(a.url, 'POST', '/scim/v2/Users', oktaUser('lost@example.com'));
    const lost = await enrol(a.url, 'lost@example.com', 'Stolen laptop', 'linux');
    const stream = followEvents(b.url, lost.deviceToken, 60_000);
    try {
      await stream.until((e) => e.event === 'hello');
      expect((await call(a.url, 'DELETE', `/api/v1/devices/${lost.deviceId}`, undefined, {}, ADMIN_TOKEN)).status).toBe(204);
      // B ended the stream it held (the device would have heard nothing more on it).
      await expect.poll(() => stream.open).toBe(false);
      expect(stream.connections).toBe(1);
      expect((await call(b.url, 'GET', '/api/v1/device/checkin', undefined, {}, lost.deviceToken)).status).toBe(401);
    } finally {
      stream.close();
    }
  });

  it('connections the database ends, idle, mid-query or listening, fail at most the requests on them, never the instance', async () => {
    const [a, b] = await twoInstances();
    const userId = (await call(a.url, 'POST', '/scim/v2/Users', oktaUser('dropped@example.com'))).body.id as string;
    const laptop = await enrol(a.url, 'dropped@example.com', 'Laptop', 'linux');
    const atB = followEvents(b.url, laptop.deviceToken, 60_000);
    try {
      await atB.until((e) => e.event === 'hello');
      // Check-ins in flight at both instances while the database ends every connection they hold (as an administrator's pg_terminate_backend, or a failover, would).
      const inFlight = Array.from({ length: 40 }, (_, i) => call((i % 2 ? a : b).url, 'GET', '/api/v1/device/checkin', undefined, {}, laptop.deviceToken));
      const ended = await superuser(await testPostgres(), async (client) =>
        (await client.query("SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pwsync-directory' AND datname = $1) t", [a.database])).rows[0].n as string,
      );
      expect(Number(ended)).toBeGreaterThan(1);
      // Each is answered: 200, or 500/503 for those whose connection was ended under them; none left hanging, no connection reset.
      const statuses = (await Promise.all(inFlight)).map((r) => r.status);
      expect(statuses.every((s) => [200, 500, 503].includes(s))).toBe(true);
      // Both instances are still running and answer with new connections.
      expect(a.child.exitCode).toBeNull();
      expect(b.child.exitCode).toBeNull();
      await expect.poll(async () => (await call(b.url, 'GET', '/api/v1/device/checkin', undefined, {}, laptop.deviceToken)).status, { timeout: 10_000 }).toBe(200);
      expect((await call(a.url, 'GET', '/api/v1/device/checkin', undefined, {}, laptop.deviceToken)).status).toBe(200);
      // B's listening connection came back: a change made at A still reaches the stream at B, which never dropped.
      await expect.poll(async () => (await call(a.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Dropped-Pass-1' }))).status, { timeout: 10_000 }).toBe(200);
      const changeId = (await call(a.url, 'GET', '/api/v1/device/checkin', undefined, {}, laptop.deviceToken)).body.change.id as string;
      await atB.until((e) => e.event === 'changed' && changeOf(e) === changeId, 15_000);
      expect(atB.connections).toBe(1);
      expect(`${a.output()}${b.output()}`).not.toContain('Dropped-Pass-1');
    } finally {
      atB.close();
    }
  });
});
