import { afterEach, describe, expect, it } from 'vitest';
import { ControlSocketKeyring, DbusKeyring, type KeyringUser, type LoginKeyring } from '../../src/backends/gnome-keyring';
import { SafeRunner } from '../../src/backends/safe-runner';
import { HARD_PASSWORDS, type KeyringSession, missingTools, startKeyringSession } from './linux-fixtures';

const skip = missingTools('/usr/bin/gnome-keyring-daemon', '/usr/bin/dbus-daemon');
const me: KeyringUser = { name: 'tester', uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, home: '/nonexistent' };
let session: KeyringSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const doors: Array<[string, (s: KeyringSession) => LoginKeyring]> = [
  ['D-Bus (dbus-next)', (s) => new DbusKeyring(() => s.busAddress)],
  ['the control socket helper', (s) => new ControlSocketKeyring({ runner: new SafeRunner(), runtimeDirFor: () => s.runtimeDir, switchUser: false })],
];

describe.skipIf(skip)(`the GNOME login keyring${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.each(doors)('is re-keyed through %s: it then unlocks with the new password and not the old', async (_name, make) => {
    session = await startKeyringSession();
    const [previous, next] = [HARD_PASSWORDS[0], HARD_PASSWORDS[2]];
    await session.startDaemon(previous);
    expect(await session.loginUnlocked()).toBe(true);
    const keyring = make(session);
    expect(await keyring.change(me, 'not the password', 'whatever')).toBe('denied');
    expect(await keyring.change(me, previous, previous)).toBe('changed'); // the probe
    expect(await keyring.change(me, next, next)).toBe('denied');
    expect(await keyring.change(me, previous, next)).toBe('changed');
    expect(await keyring.change(me, next, next)).toBe('changed');
    // A fresh daemon reads the keyring file from disk: the new password unlocks it, the old does not.
    await session.startDaemon(previous);
    expect(await session.loginUnlocked()).toBe(false);
    await session.startDaemon(next);
    expect(await session.loginUnlocked()).toBe(true);
  });

  it.each(doors)('says absent through %s when no keyring daemon runs (and starts none)', async (_name, make) => {
    session = await startKeyringSession();
    expect(await make(session).change(me, 'a', 'b')).toBe('absent');
  });
});
