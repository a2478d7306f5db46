/**
 * The real macOS package, as `npm run package:macos` built it on the macOS runner
 * (.github/workflows/macos.yml), run as root there: skipped everywhere else.
 * PWSYNC_MAC_PKG is the .pkg; PWSYNC_MAC_SIGNED=1 when it (and the agent) were signed
 * with Developer ID certificates, PWSYNC_MAC_NOTARIZED=1 when it was notarized too.
 *
 * What only a Mac can show, beyond what macos-package.test.ts proves with stand-ins:
 * pkgbuild and productbuild made a package whose payload is the layout tested there;
 * its signature and notarization (Gatekeeper accepts it); the agent is one signed
 * single executable for both architectures, with the hardened runtime and exactly the
 * entitlements of packaging/macos/agent.entitlements.plist, and it starts and runs its
 * JavaScript that way; every property list passes plutil; the agent's folders pass
 * its own safety checks against the Mac's real /var, /Library and /etc; and Installer installs it
 * (preinstall, payload, postinstall: launchd has the agent's job), then the uninstaller
 * stops, removes and forgets all of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSafeFolder } from '@pwsync/agent/folder-safety';
import { ROOT } from '@pwsync/testing/processes';

const { parse } = createRequire(import.meta.url)('plist') as { parse(xml: string): unknown };
const PKG = process.env.PWSYNC_MAC_PKG ?? '';
const enabled = process.platform === 'darwin' && PKG !== '';
const signed = process.env.PWSYNC_MAC_SIGNED === '1';
const notarized = process.env.PWSYNC_MAC_NOTARIZED === '1';
const asRoot = process.getuid?.() === 0;
const AGENT = 'usr/local/libexec/pwsync/pwsync-agent';

const scratch = enabled ? mkdtempSync(path.join(os.tmpdir(), 'pwp-')) : '';
afterAll(() => void (scratch && rmSync(scratch, { recursive: true, force: true })));
const sh = (program: string, args: string[]) => execFileSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const expanded = () => {
  const dir = path.join(scratch, 'expanded');
  if (!existsSync(dir)) sh('pkgutil', ['--expand-full', PKG, dir]);
  return path.join(dir, 'pwsync-component.pkg/Payload');
};

describe.skipIf(!enabled)('the macOS package as built', () => {
  it('holds the payload laid out as tested: the app, the agent, both launchd jobs, the uninstaller, the audit, the log rotation', () => {
    const files = sh('pkgutil', ['--payload-files', PKG]).split('\n');
    for (const file of [
      './Applications/pwsync.app/Contents/MacOS/pwsync',
      './Applications/pwsync.app/Contents/Resources/app.asar',
      `./${AGENT}`,
      './usr/local/libexec/pwsync/agent.json',
      './usr/local/libexec/pwsync/uninstall',
      './usr/local/libexec/pwsync/audit',
      './Library/LaunchDaemons/org.pwsync.agent.plist',
      './Library/LaunchAgents/org.pwsync.tray.plist',
      './private/etc/newsyslog.d/org.pwsync.agent.conf',
      './Library/Logs/pwsync',
    ]) {
      expect(files, file).toContain(file);
    }
  });

  it('every property list in it passes plutil -lint', () => {
    const payload = expanded();
    for (const file of ['Library/LaunchDaemons/org.pwsync.agent.plist', 'Library/LaunchAgents/org.pwsync.tray.plist', 'Applications/pwsync.app/Contents/Info.plist']) {
      expect(sh('plutil', ['-lint', path.join(payload, file)]), file).toMatch(/: OK\n$/);
    }
  });

  it('the agent is one binary for Apple silicon and Intel, signed with the hardened runtime and only allow-jit', () => {
    const agent = path.join(expanded(), AGENT);
    expect(sh('lipo', ['-archs', agent]).trim().split(' ').sort()).toEqual(['arm64', 'x86_64']);
    const details = spawnSync('codesign', ['-dvvv', agent], { encoding: 'utf8' }).stderr;
    expect(details).toMatch(/Identifier=org\.pwsync\.agent/);
    expect(details).toMatch(/flags=0x10000\(runtime\)/);
    if (signed) expect(details).toMatch(/Authority=Developer ID Application: /);
    const entitlements = parse(sh('codesign', ['-d', '--entitlements', '-', '--xml', agent]));
    expect(entitlements).toEqual(parse(readFileSync(path.join(ROOT, 'packaging/macos/agent.entitlements.plist'), 'utf8')));
  });

  it('the signed agent starts under the hardened runtime and runs its JavaScript (it would be killed without allow-jit)', () => {
    const agent = path.join(expanded(), AGENT);
    const result = spawnSync(agent, ['--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: pwsync-agent');
    // Its Intel half too, under Rosetta where the runner has it.
    if (spawnSync('arch', ['-x86_64', '/usr/bin/true']).status === 0) {
      const intel = spawnSync('arch', ['-x86_64', agent, '--help'], { encoding: 'utf8', timeout: 60_000 });
      expect(intel.status, intel.stderr).toBe(0);
    }
  });

  it.skipIf(!signed)('is signed with a Developer ID Installer certificate', () => {
    expect(sh('pkgutil', ['--check-signature', PKG])).toMatch(/Status: signed by a developer certificate issued by Apple for distribution[\s\S]*Developer ID Installer: /);
  });

  it.skipIf(!notarized)('is notarized and stapled: Gatekeeper accepts it for install', () => {
    const assessed = spawnSync('spctl', ['--assess', '--type', 'install', '-vv', PKG], { encoding: 'utf8' });
    expect(assessed.status, assessed.stderr).toBe(0);
    expect(assessed.stderr).toMatch(/source=Notarized Developer ID/);
    expect(spawnSync('xcrun', ['stapler', 'validate', PKG]).status).toBe(0);
  });

  it.skipIf(!asRoot)("the agent's folders on a Mac (its state, its sockets, its settings' folder) pass the agent's own safety checks", async () => {
    // Every folder above each must be root's and writable by root alone (or sticky): what the
    // agent checks before it trusts a folder, against this Mac's real /var, /Library and /etc.
    const settings = JSON.parse(readFileSync(path.join(ROOT, 'packaging/macos/agent.json'), 'utf8')) as { folders: { state: string; sockets: string } };
    const made: string[] = [];
    try {
      for (const [folder, purpose, mode] of [
        [settings.folders.state, 'state folder', 0o700],
        [settings.folders.sockets, 'socket folder', 0o755],
        ['/etc/pwsync', 'configuration folder', 0o755],
      ] as const) {
        if (!existsSync(folder)) made.push(folder);
        await ensureSafeFolder(folder, { purpose, owners: [0], createMode: mode });
      }
    } finally {
      for (const folder of made.reverse()) rmSync(folder, { recursive: true, force: true });
    }
  });

  it.skipIf(!asRoot)('installs with Installer (launchd then has the agent\'s job), and the uninstaller removes and forgets all of it', () => {
    sh('installer', ['-pkg', PKG, '-target', '/']);
    try {
      for (const plist of ['/Library/LaunchDaemons/org.pwsync.agent.plist', '/Library/LaunchAgents/org.pwsync.tray.plist']) {
        const stats = statSync(plist);
        expect({ uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o777 }, plist).toEqual({ uid: 0, gid: 0, mode: 0o644 });
      }
      expect(existsSync('/etc/pwsync/agent.json')).toBe(true);
      expect(sh('pkgutil', ['--pkg-info', 'org.pwsync.pkg'])).toContain('package-id: org.pwsync.pkg');
      expect(spawnSync('launchctl', ['print', 'system/org.pwsync.agent']).status).toBe(0);
      // The audit names what it found in one line, whatever the agent's state on a runner.
      const audit = spawnSync('/usr/local/libexec/pwsync/audit', { encoding: 'utf8' });
      expect(audit.stdout).toMatch(/^pwsync: (healthy|agent not running|unhealthy)/);
    } finally {
      const removed = spawnSync('/usr/local/libexec/pwsync/uninstall', ['--remove-data'], { encoding: 'utf8' });
      expect(removed.status, removed.stderr).toBe(0);
    }
    expect(spawnSync('launchctl', ['print', 'system/org.pwsync.agent']).status).not.toBe(0);
    expect(spawnSync('pkgutil', ['--pkg-info', 'org.pwsync.pkg']).status).not.toBe(0);
    for (const gone of ['/Applications/pwsync.app', '/usr/local/libexec/pwsync', '/Library/LaunchDaemons/org.pwsync.agent.plist', '/etc/pwsync']) expect(existsSync(gone), gone).toBe(false);
  });
});
