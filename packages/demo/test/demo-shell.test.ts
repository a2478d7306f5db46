import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT, ROOT } from '@pwsync/testing/processes';
import { demoShellEnvironment } from '../src/demo-shell';

const DEMO = path.join(ROOT, 'packages/demo');

describe("the demo's tray app", () => {
  it('runs the tray’s shell in demo mode against the demo’s socket, the tray’s own files and the simulated identity provider', () => {
    const { demo } = demoShellEnvironment({
      PWSYNC_DEMO_SOCKET: '/run/user/1000/pwsync-demo/agent.sock',
      PWSYNC_DEMO_TRAY_ROOT: 'packages/tray',
      PWSYNC_DEMO_DIRECTORY: 'http://127.0.0.1:4000',
      PWSYNC_DEMO_TOKEN_FILE: '/tmp/token',
      PWSYNC_DEMO_USER: 'alex@example.com',
    });
    expect(demo).toMatchObject({ socketPath: '/run/user/1000/pwsync-demo/agent.sock', appRoot: path.resolve('packages/tray'), policyFile: undefined });
    expect(demo!.simulatePasswordChange).toBeTypeOf('function');
  });

  it('plays an administrator with the policy file it is given, and simulates nothing without a directory', () => {
    const { demo } = demoShellEnvironment({ PWSYNC_DEMO_SOCKET: '/s.sock', PWSYNC_DEMO_TRAY_ROOT: '/t', PWSYNC_DEMO_POLICY: '/etc/policy.json' });
    expect(demo).toMatchObject({ policyFile: '/etc/policy.json', simulatePasswordChange: undefined });
  });

  it("logs into the demo's folder npm start names, where pwsync doctor --demo finds the log", () => {
    const { demo } = demoShellEnvironment({ PWSYNC_DEMO_SOCKET: '/s.sock', PWSYNC_DEMO_TRAY_ROOT: '/t', PWSYNC_DEMO_LOG_DIR: '/run/user/1000/pwsync-demo/logs' });
    expect(demo).toMatchObject({ logFolder: '/run/user/1000/pwsync-demo/logs' });
    expect(demoShellEnvironment({ PWSYNC_DEMO_SOCKET: '/s.sock', PWSYNC_DEMO_TRAY_ROOT: '/t' }).demo!.logFolder).toBeUndefined();
  });

  it('says which of its variables is missing, and reads no other program’s', () => {
    expect(() => demoShellEnvironment({ PWSYNC_SOCKET: '/s.sock', PWSYNC_DEMO_TRAY_ROOT: '/t' })).toThrow(/needs PWSYNC_DEMO_SOCKET \(npm start sets them\)/);
    expect(() => demoShellEnvironment({})).toThrow(/PWSYNC_DEMO_SOCKET and PWSYNC_DEMO_TRAY_ROOT/);
  });

  it('is what Electron starts for this package, built beside the demo’s other programs and not into the tray’s', () => {
    const pkg = JSON.parse(readFileSync(path.join(DEMO, 'package.json'), 'utf8')) as { main: string };
    expect(path.join(DEMO, pkg.main)).toBe(path.join(DEMO, 'dist/electron-main.cjs'));
    expect(existsSync(path.join(DEMO, pkg.main))).toBe(true);
    expect(existsSync(path.join(BUILT.trayDist, 'electron-main.cjs'))).toBe(false);
    // Its sources: the demo's entry and the tray's shell, wired together here.
    const sources = (JSON.parse(readFileSync(path.join(DEMO, 'dist/electron-main.cjs.map'), 'utf8')) as { sources: string[] }).sources;
    expect(sources).toContain('../src/electron-main.ts');
    expect(sources).toContain('../../tray/src/main/main.ts');
  });
});
