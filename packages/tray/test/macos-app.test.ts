/**
 * The real macOS app, as electron-builder made it on the macOS runner
 * (.github/workflows/macos.yml): skipped everywhere else. PWSYNC_MAC_APP is the path to
 * pwsync.app; PWSYNC_MAC_SIGNED=1 when it was signed with a Developer ID, and
 * PWSYNC_MAC_NOTARIZED=1 when it was notarized too (a fork's pull request has neither).
 *
 * What only a Mac can show: that the app, under the hardened runtime with only allow-jit,
 * starts and runs its JavaScript (it would die with SIGTRAP without it); that the fuses
 * the Linux package test reads from a stand-in are flipped in Electron's real framework
 * and hold (ELECTRON_RUN_AS_NODE, NODE_OPTIONS and --inspect are ignored); that
 * app.asar's integrity hash is in Info.plist; and that what codesign signed the app and
 * its helpers with is exactly build/entitlements.mac.plist and .inherit.plist.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'plist';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '@pwsync/testing/processes';
import { PACKAGED_FUSES, readFuses } from './fuse-wire';

const APP = process.env.PWSYNC_MAC_APP ?? '';
const enabled = process.platform === 'darwin' && APP !== '';
const signed = process.env.PWSYNC_MAC_SIGNED === '1';
const notarized = process.env.PWSYNC_MAC_NOTARIZED === '1';
const EXECUTABLE = path.join(APP, 'Contents/MacOS/pwsync');
const entitlementsFile = (name: string) => parse(readFileSync(path.join(ROOT, 'packages/tray/build', name), 'utf8'));

const scratch = enabled ? mkdtempSync(path.join(os.tmpdir(), 'pwm-')) : '';
afterAll(() => void (scratch && rmSync(scratch, { recursive: true, force: true })));

/** `pwsync doctor --json` against a socket that is not there: the app's own code runs in its main process and says so (exit 3). */
function doctor(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(EXECUTABLE, [...args, 'doctor', '--json', '--socket', path.join(scratch, 'none.sock')], {
    env: { PATH: '/usr/bin:/bin', HOME: os.homedir(), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!enabled)('the macOS app as built', () => {
  it('starts under the hardened runtime and runs its JavaScript: pwsync doctor answers', () => {
    const result = doctor();
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'socketMissing', exitCode: 3, app: { platform: 'darwin' } });
  });

  it("has its fuses flipped in Electron's framework", async () => {
    expect(await readFuses(APP)).toEqual(PACKAGED_FUSES);
  });

  it('ignores ELECTRON_RUN_AS_NODE: it stays the app (as Node it would look for a script named doctor)', () => {
    const result = doctor([], { ELECTRON_RUN_AS_NODE: '1' });
    expect(result.status, result.stderr).toBe(3);
  });

  it('ignores NODE_OPTIONS: a --require given there never runs', () => {
    const marker = path.join(scratch, 'required');
    const script = path.join(scratch, 'require.js');
    writeFileSync(script, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`);
    const result = doctor([], { NODE_OPTIONS: `--require ${script}` });
    expect(result.status, result.stderr).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it('ignores --inspect: no debugger listens', () => {
    const result = doctor(['--inspect=127.0.0.1:0']);
    expect(result.status, result.stderr).toBe(3);
    expect(result.stderr).not.toMatch(/Debugger listening/);
  });

  it("carries app.asar's header hash in Info.plist, which the integrity fuse checks at start", () => {
    const info = parse(readFileSync(path.join(APP, 'Contents/Info.plist'), 'utf8')) as { ElectronAsarIntegrity?: Record<string, { algorithm: string; hash: string }> };
    expect(info.ElectronAsarIntegrity?.['Resources/app.asar']).toMatchObject({ algorithm: 'SHA256', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe.skipIf(!enabled || !signed)('the signed macOS app', () => {
  const signedWith = (target: string) => parse(execFileSync('/usr/bin/codesign', ['-d', '--entitlements', '-', '--xml', target], { encoding: 'utf8' }) || '<plist><dict/></plist>');

  it('verifies, deep and strict, with the hardened runtime', () => {
    execFileSync('/usr/bin/codesign', ['--verify', '--deep', '--strict', '--verbose=2', APP], { stdio: 'pipe' });
    const details = spawnSync('/usr/bin/codesign', ['-dv', '--verbose=4', APP], { encoding: 'utf8' }).stderr;
    expect(details).toMatch(/flags=0x[0-9a-f]+\(runtime\)/);
    expect(details).toMatch(/^TeamIdentifier=[A-Z0-9]{10}$/m);
  });

  it('was signed with exactly build/entitlements.mac.plist, and each helper with .inherit.plist', () => {
    expect(signedWith(APP)).toEqual(entitlementsFile('entitlements.mac.plist'));
    const frameworks = path.join(APP, 'Contents/Frameworks');
    const helpers = readdirSync(frameworks).filter((name) => name.endsWith('.app'));
    expect(helpers.length).toBeGreaterThanOrEqual(3);
    for (const helper of helpers) expect(signedWith(path.join(frameworks, helper)), helper).toEqual(entitlementsFile('entitlements.mac.inherit.plist'));
  });
});

describe.skipIf(!enabled || !notarized)('the notarized macOS app', () => {
  it('has its ticket stapled, and Gatekeeper accepts it as a notarized Developer ID app', () => {
    execFileSync('/usr/bin/xcrun', ['stapler', 'validate', APP], { stdio: 'pipe' });
    const assessment = spawnSync('/usr/sbin/spctl', ['--assess', '--type', 'execute', '--verbose=4', APP], { encoding: 'utf8' });
    expect(assessment.status, assessment.stderr).toBe(0);
    expect(assessment.stderr).toMatch(/source=Notarized Developer ID/);
  });
});
