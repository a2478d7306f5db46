/** The service reads the time only from its clock: the lockout lifts, and results are stamped, by it. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@pwsync/agent-protocol';
import { isoTime } from '@pwsync/node-kit/clock';
import { silentLogger } from '@pwsync/node-kit/log';
import { FakeClock } from '@pwsync/testing/fake-clock';
import { makeTempDir } from '@pwsync/testing/processes';
import { seedAccount } from '@pwsync/testing/seed';
import { AgentError } from '../src/agent-error';
import { AgentService } from '../src/agent-service';
import { SandboxBackend } from '../src/backends/sandbox';
import { hashesFor, newChangeId } from '../src/demo-seed';

const USER = 'alex';
const PREVIOUS = 'Old-Pass-2024!';
const NEXT = 'New-Pass-2025!';
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function serviceOn(clock: FakeClock) {
  const dir = makeTempDir();
  dirs.push(dir);
  const stateDir = path.join(dir, 'state');
  const change = await seedAccount(stateDir, USER, PREVIOUS, NEXT);
  const service = new AgentService({ stateDir, user: USER, backend: new SandboxBackend(stateDir), logger: silentLogger, version: '0.1.0', clock });
  await service.load();
  return { service, change };
}

const codeOf = (error: unknown) => (error as AgentError).code;

describe('the agent service on its clock', () => {
  it('locks out after the limit, and lets the right passwords through once the clock passes the lock', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00.000Z');
    const { service, change } = await serviceOn(clock);
    for (let i = 0; i < 4; i += 1) expect(codeOf(await service.confirm(change.id, 'wrong', NEXT).catch((e: unknown) => e))).toBe(ErrorCode.previousPasswordWrong);
    const locked = await service.confirm(change.id, 'wrong', NEXT).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(AgentError);
    expect((locked as AgentError).data).toEqual({ retryAfterSeconds: 60, lockedUntil: '2026-01-01T00:01:00.000Z' });
    expect(service.status().attempts.lockedUntil).toBe('2026-01-01T00:01:00.000Z');

    clock.advance(59_999);
    expect(codeOf(await service.confirm(change.id, PREVIOUS, NEXT).catch((e: unknown) => e))).toBe(ErrorCode.lockedOut);
    clock.advance(1);
    expect(service.status().attempts.lockedUntil).toBeNull();
    const result = await service.confirm(change.id, PREVIOUS, NEXT);
    expect(result).toMatchObject({ outcome: 'synced', finishedAt: '2026-01-01T00:01:00.000Z' });
  });

  it('answers a change a newer one replaced before it checks any password, so a try for it counts for nothing', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00.000Z');
    const { service, change } = await serviceOn(clock);
    for (let i = 0; i < 4; i += 1) await service.confirm(change.id, 'wrong', NEXT).catch(() => undefined);
    expect(service.status().attempts).toEqual({ left: 1, lockedUntil: null });
    const newer = { id: newChangeId(), createdAt: isoTime(clock), provider: 'Okta', mode: 'confirm' as const };
    await service.receiveChange(newer, await hashesFor('Newest-Pass-2026!', 1000));
    // The passwords typed for the change the person saw: the new one is no longer right.
    for (const previous of ['wrong', PREVIOUS]) {
      const refused = await service.confirm(change.id, previous, NEXT).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: ErrorCode.changeNotFound, data: { changeId: change.id, supersededBy: newer.id } });
    }
    expect(service.status().attempts).toEqual({ left: 1, lockedUntil: null });
    // Still so while locked out: the person learns a newer change waits, and no try is spent.
    expect(codeOf(await service.confirm(newer.id, 'wrong', 'Newest-Pass-2026!').catch((e: unknown) => e))).toBe(ErrorCode.lockedOut);
    const attempts = service.status().attempts;
    expect(codeOf(await service.confirm(change.id, 'wrong', NEXT).catch((e: unknown) => e))).toBe(ErrorCode.changeNotFound);
    expect(service.status().attempts).toEqual(attempts);
  });

  it('counts its uptime on its clock', async () => {
    const clock = new FakeClock();
    const { service } = await serviceOn(clock);
    clock.advance(90_500);
    expect((await service.diagnostics()).uptimeSeconds).toBe(90);
  });
});
