/**
 * The service definitions in packaging/ (packaging/README.md): the systemd unit's
 * hardening, and the launchd property lists, read by a strict XML parser and a plist
 * parser. `systemd-analyze verify` runs on the unit as installed, in
 * debian-package.test.ts.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUILT, makeTempDir, ROOT } from '@pwsync/testing/processes';
import { unitKeys } from './unit-file';

const require = createRequire(import.meta.url);
const plist = require('plist') as { parse(xml: string): unknown };
const sax = require('sax') as { parser(strict: boolean): { write(s: string): { close(): void }; onerror: ((e: Error) => void) | null } };
const run = promisify(execFile);

/** Well-formed XML (comments included: no "--" in them), then a property list. */
function readPlist(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  const parser = sax.parser(true);
  parser.write(text).close();
  return plist.parse(text) as Record<string, unknown>;
}

const UNIT = path.join(ROOT, 'packaging/linux/pwsync-agent.service');

describe('the systemd unit', () => {
  const keys = unitKeys(readFileSync(UNIT, 'utf8'));
  const one = (key: string) => {
    const values = keys.get(key);
    expect(values, key).toBeDefined();
    return values!.at(-1) ?? '';
  };

  it('restarts on failure but not on a configuration the administrator must fix, and logs to the journal', () => {
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')).toBe('2');
    expect(one('StandardOutput')).toBe('journal');
    expect(one('StandardError')).toBe('journal');
  });

  it('is confined: a read-only system but for what it changes, its own /tmp, no new privileges, five capabilities', () => {
    expect(one('ProtectSystem')).toBe('strict');
    expect(keys.get('ReadWritePaths')).toEqual(['/etc', '-/run/cryptsetup']);
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('CapabilityBoundingSet').split(' ').sort()).toEqual(['CAP_CHOWN', 'CAP_FOWNER', 'CAP_IPC_LOCK', 'CAP_SETGID', 'CAP_SETUID']);
    expect(one('AmbientCapabilities')).toBe('');
    expect(one('UMask')).toBe('0077');
    expect({ run: one('RuntimeDirectory'), runMode: one('RuntimeDirectoryMode'), state: one('StateDirectory'), stateMode: one('StateDirectoryMode') }).toEqual({
      run: 'pwsync',
      runMode: '0755',
      state: 'pwsync',
      stateMode: '0700',
    });
    for (const key of ['ProtectKernelTunables', 'ProtectKernelModules', 'ProtectControlGroups', 'RestrictSUIDSGID', 'LockPersonality']) expect(one(key), key).toBe('yes');
    // Node's JIT writes the code it runs: this one would stop the agent at start.
    expect(keys.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('starts the one daemon with the shipped configuration, which refuses with a sentence, exit 2, until the computer is enrolled', async () => {
    const [program, ...args] = one('ExecStart').split(/\s+/);
    expect([program, ...args]).toEqual(['/usr/sbin/pwsync-agent', 'serve']);
    // The package's agent.json as it ships, its folders moved into a throw-away place.
    const dir = makeTempDir();
    await fs.chmod(dir, 0o755);
    const shipped = JSON.parse(await fs.readFile(path.join(ROOT, 'packaging/linux/agent.json'), 'utf8'));
    const config = path.join(dir, 'agent.json');
    await fs.writeFile(config, JSON.stringify({ ...shipped, folders: { state: path.join(dir, 'state'), sockets: path.join(dir, 'run') } }));
    const result = await run(process.execPath, [BUILT.agent, ...args, '--config', config]).catch((e: { code: number; stderr: string }) => e);
    const refusal = process.getuid?.() === 0 ? 'this computer is not enrolled: run pwsync-agent enroll' : 'must run as root';
    expect(result as { code: number; stderr: string }).toMatchObject({ code: 2, stderr: expect.stringContaining(refusal) });
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('the launchd property lists', () => {
  const daemon = readPlist(path.join(ROOT, 'packaging/macos/org.pwsync.agent.plist'));
  const agent = readPlist(path.join(ROOT, 'packaging/macos/org.pwsync.tray.plist'));

  it('a strict parser refuses what plutil would (a "--" inside a comment, say)', () => {
    const parser = sax.parser(true);
    expect(() => parser.write('<?xml version="1.0"?><plist><!-- a --flag --><dict/></plist>').close()).toThrow(/comment/i);
  });

  it('the agent: a root daemon, started at boot, restarted when it fails, umask 077, its own signed program, logging to its file', () => {
    expect(daemon).toMatchObject({ Label: 'org.pwsync.agent', RunAtLoad: true, KeepAlive: { SuccessfulExit: false }, Umask: 0o077, UserName: 'root' });
    expect(daemon.ProgramArguments).toEqual(['/usr/local/libexec/pwsync/pwsync-agent', 'serve']);
    expect(daemon).toMatchObject({ StandardOutPath: '/Library/Logs/pwsync/pwsync-agent.log', StandardErrorPath: '/Library/Logs/pwsync/pwsync-agent.log' });
  });

  it('the tray app: in every graphical session, started again if it crashes, the app\'s own executable', () => {
    expect(agent).toMatchObject({ Label: 'org.pwsync.tray', LimitLoadToSessionType: 'Aqua', RunAtLoad: true, KeepAlive: { SuccessfulExit: false } });
    expect(agent.ProgramArguments).toEqual(['/Applications/pwsync.app/Contents/MacOS/pwsync']);
  });

  it('the agent starts with a command it has: serve, the daemon for every person (the macOS package test checks the rest: test/packaging/macos-package.test.ts)', async () => {
    const [, command, ...rest] = daemon.ProgramArguments as string[];
    expect(rest).toEqual([]);
    const { stdout } = await run(process.execPath, [BUILT.agent, '--help']);
    expect(stdout).toMatch(new RegExp(`^\\s*(Usage:)?\\s*pwsync-agent ${command}\\b`, 'm'));
  });
});
