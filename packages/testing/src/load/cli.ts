/**
 * The load tool's command line (docs/directory.md, "Sizing"):
 *
 *   npx tsx packages/testing/src/load/cli.ts --devices N --seconds S [options]
 *
 * Starts directory instances on loopback (in a temporary folder, removed afterwards),
 * makes N users with one device each over SCIM and enrolment, connects the devices from
 * worker processes, and for S seconds sends password changes at a morning's rate while
 * the devices hold their streams, check in and report; one JSON line of status every
 * 5 s, and a summary at the end. Bounded (20,000 devices, an hour), loopback only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closeEnrolAgent, makeFleet } from './enrol';
import { startFleet } from './fleet';
import { type Instance, startInstance } from './instance';
import { checkBounds } from './loopback';
import { MORNING_CHANGES_PER_MINUTE, closeScimAgent, morning } from './scim-driver';
import type { DeviceEventRecord } from './sim-device';
import { percentile } from '../percentile';

const USAGE = `Usage: npx tsx packages/testing/src/load/cli.ts --devices N --seconds S [options]

  --devices N              simulated devices, one user each (1 to 20000)
  --seconds S              how long the morning runs once all are connected (at most 3600)
  --changes-per-minute R   password changes over SCIM (default ${MORNING_CHANGES_PER_MINUTE}: a forced reset of
                           10,000 people spread over a morning)
  --checkin-seconds N      each device's check-in interval (default 60, as the agent's)
  --instances N            directory instances (default 1); more than one needs storage they
                           share, given with --directory-arg
  --directory-arg ARG      a flag for each instance's pwsync-directory (repeat it), e.g. --max-streams
  --workers N              load worker processes (default: one per 2,500 devices)
`;

const r2 = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        devices: { type: 'string' },
        seconds: { type: 'string' },
        'changes-per-minute': { type: 'string' },
        'checkin-seconds': { type: 'string' },
        instances: { type: 'string' },
        'directory-arg': { type: 'string', multiple: true },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help || !values.devices || !values.seconds) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const devices = Number(values.devices);
  const seconds = Number(values.seconds);
  const perMinute = Number(values['changes-per-minute'] ?? MORNING_CHANGES_PER_MINUTE);
  const instancesWanted = Number(values.instances ?? 1);
  try {
    checkBounds(devices, seconds, perMinute);
    if (!Number.isInteger(instancesWanted) || instancesWanted < 1 || instancesWanted > 4) throw new Error('instances must be from 1 to 4');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const base = mkdtempSync(path.join('/tmp', 'pwsl-'));
  const instances: Instance[] = [];
  try {
    const args = values['directory-arg'] ?? [];
    for (let i = 0; i < instancesWanted; i += 1) instances.push(await startInstance(mkdtempSync(path.join(base, `i${i}-`)), args));
    const urls = instances.map((i) => i.url);
    const fleetDevices = await makeFleet(urls[0]!, devices);
    closeEnrolAgent();
    const events = new Map<string, DeviceEventRecord[]>();
    const fleet = await startFleet({
      urls,
      devices: fleetDevices,
      workers: values.workers ? Number(values.workers) : undefined,
      checkinIntervalMs: Number(values['checkin-seconds'] ?? 60) * 1000,
      maxSeconds: seconds + 600,
      onEvent: (e) => events.set(e.userName, [...(events.get(e.userName) ?? []), e]),
    });
    try {
      await fleet.until((s) => s.open === devices, 300_000);
      for (const instance of instances) await instance.resetLoop();
      const ticker = setInterval(() => void fleet.status().then((s) => process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...s })}\n`)), 5000);
      const timings = await morning(urls[0]!, fleetDevices, perMinute, seconds);
      clearInterval(ticker);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const answered = timings.filter((t) => t.status === 200);
      const toEvent = answered.map((t) => events.get(t.userName)?.find((e) => e.changeId && e.at >= t.sent)).map((e, i) => (e ? e.at - answered[i]!.answered : NaN)).filter((n) => !Number.isNaN(n));
      const loops = await Promise.all(instances.map((i) => i.readLoop()));
      const summary = {
        devices,
        seconds,
        changes: timings.length,
        failed: timings.length - answered.length,
        patchMs: { p50: r2(percentile(answered.map((t) => t.answered - t.sent), 0.5)), p99: r2(percentile(answered.map((t) => t.answered - t.sent), 0.99)) },
        responseToEventMs: { p50: r2(percentile(toEvent, 0.5)), p99: r2(percentile(toEvent, 0.99)), missing: answered.length - toEvent.length },
        instances: loops.map((l) => ({ maxStallMs: r2(l.maxStallMs), rssMiB: r2(l.rssKiB / 1024) })),
        fleet: await fleet.status(),
      };
      process.stdout.write(`${JSON.stringify({ summary })}\n`);
    } finally {
      await fleet.stop();
    }
    return 0;
  } finally {
    closeScimAgent();
    for (const instance of instances) await instance.kill();
    rmSync(base, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`load: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
