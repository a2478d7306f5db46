import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { autostartFile, createLoginItem } from './login-item';
import { app, fake } from '../../test/main/fake-electron';

vi.mock('electron', () => import('../../test/main/fake-electron'));

let home: string;
beforeEach(async () => {
  fake.reset();
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-home-'));
});
afterEach(() => fs.rm(home, { recursive: true, force: true }));

describe('open at login', () => {
  it('on Linux, writes and removes an XDG autostart entry in ~/.config/autostart', async () => {
    const item = createLoginItem({ platform: 'linux', app, executable: '/opt/pw sync/pwsync', env: {}, home, systemAutostartFile: path.join(home, 'none') });
    const file = path.join(home, '.config', 'autostart', 'pwsync.desktop');
    expect(item.get()).toBe(false);
    item.set(true);
    expect(item.get()).toBe(true);
    const text = await fs.readFile(file, 'utf8');
    expect(text.split('\n')).toEqual(
      expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Name=pwsync', 'Exec="/opt/pw sync/pwsync"', 'X-GNOME-Autostart-enabled=true']),
    );
    item.set(false);
    expect(item.get()).toBe(false);
    await expect(fs.stat(file)).rejects.toThrow();
    expect(fake.called('app.setLoginItemSettings')).toEqual([]);
  });

  it('on Linux, where the package installed an entry for everyone, turns it off for the person with Hidden=true', async () => {
    const systemAutostartFile = path.join(home, 'etc-xdg-autostart-pwsync.desktop');
    await fs.writeFile(systemAutostartFile, '[Desktop Entry]\nType=Application\nName=pwsync\nExec=/usr/bin/pwsync\n');
    const item = createLoginItem({ platform: 'linux', app, executable: '/usr/bin/pwsync', env: {}, home, systemAutostartFile });
    const file = path.join(home, '.config', 'autostart', 'pwsync.desktop');
    expect(item.get()).toBe(true);
    item.set(false);
    expect(item.get()).toBe(false);
    expect((await fs.readFile(file, 'utf8')).split('\n')).toContain('Hidden=true');
    item.set(true);
    expect(item.get()).toBe(true);
    expect(await fs.readFile(file, 'utf8')).not.toContain('Hidden=true');
  });

  it('on Linux, follows XDG_CONFIG_HOME when it is absolute', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/a')).toBe('/cfg/autostart/pwsync.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative' }, '/home/a')).toBe('/home/a/.config/autostart/pwsync.desktop');
  });

  it('on macOS and Windows, asks Electron', () => {
    const mac = createLoginItem({ platform: 'darwin', app, executable: '/Applications/pwsync.app/Contents/MacOS/pwsync', home });
    mac.set(true);
    expect(mac.get()).toBe(true);
    const win = createLoginItem({ platform: 'win32', app, executable: 'C:\\pwsync\\pwsync.exe', home });
    win.set(false);
    expect(fake.called('app.setLoginItemSettings').map((c) => c.args[0])).toEqual([
      { openAtLogin: true },
      { openAtLogin: false, path: 'C:\\pwsync\\pwsync.exe', args: [] },
    ]);
  });
});
