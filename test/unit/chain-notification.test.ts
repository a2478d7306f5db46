import { promises as fs } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { setPassword } from '@pwsync/demo/idp-client';
import { createCore } from '@pwsync/tray/core/create-core';
import { createTranslator } from '@pwsync/tray/core/i18n/index';
import { silentLogger } from '@pwsync/node-kit/log';
import { parsePolicy } from '@pwsync/tray/core/policy';
import { type NotificationModel, Reminders } from '@pwsync/tray/core/reminders';
import { startDemoStack } from '@pwsync/demo/stack';
import { makeTempDir, ROOT } from '@pwsync/testing/processes';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// The chain as far as the person's first sign of it: the identity provider's SCIM
// PATCH → the directory → the agent → the tray core → the notification the shell shows.
describe('a password changed at the identity provider', () => {
  it('becomes one notification that says what happened and what to do', async () => {
    const dir = makeTempDir('pwn-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const stack = await startDemoStack({ root: ROOT, runtimeDir: dir, firstChange: false });
    cleanups.push(() => stack.stop());
    const core = createCore({ socketPath: stack.socketPath, demo: true, appVersion: '0', logger: silentLogger, policy: parsePolicy({ identityProvider: 'Okta' }, 'test') });
    cleanups.push(() => core.stop());
    const shown: NotificationModel[] = [];
    const opened: string[] = [];
    const reminders = new Reminders({
      notifier: { show: (model, clicked) => { shown.push(model); clicked(); }, close: () => undefined },
      t: createTranslator('en'),
      platform: 'darwin',
      intervalHours: 4,
      openWindow: () => opened.push('window'),
    });
    cleanups.push(() => reminders.stop());
    core.on('stateChanged', (state) => reminders.stateChanged(state));
    core.start();
    await expect.poll(() => core.getState().phase).toBe('idle');
    expect(shown).toEqual([]);

    await setPassword(stack.idp, stack.userName, 'notify-me-Ω 1');
    await expect.poll(() => shown.length, { timeout: 3000 }).toBe(1);
    expect(shown[0]).toMatchObject({ kind: 'pending', action: expect.any(String) });
    expect(`${shown[0]!.title} ${shown[0]!.body}`).toMatch(/Okta/);
    expect(opened).toEqual(['window']);
    // The same change does not notify twice.
    await core.checkIn();
    expect(shown).toHaveLength(1);
  });
});
