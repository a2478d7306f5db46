/**
 * The macOS runner's workflow (.github/workflows/macos.yml) can only run on GitHub's
 * Macs; here it is read as the runner would (a YAML parser) and held to what it must do:
 * build, sign and notarize the app with named secrets that never appear as values, check
 * the built app with the tests written for a Mac, and run the darwin backend's real-Mac
 * tests as root against a throw-away account.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FILE = path.join(ROOT, '.github/workflows/macos.yml');
const SECRETS = ['CSC_LINK', 'CSC_KEY_PASSWORD', 'CSC_INSTALLER_LINK', 'CSC_INSTALLER_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'];

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  'runs-on': string;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = readFileSync(FILE, 'utf8');
const workflow = parse(text) as Workflow;
const steps = (job: string) => workflow.jobs[job]!.steps;
const stepRunning = (job: string, pattern: RegExp) => steps(job).find((step) => step.run !== undefined && pattern.test(step.run));

describe('the macOS workflow', () => {
  it('parses, runs on macOS for pushes, tags and pull requests, and may only read the repository', () => {
    expect(workflow.name).toBe('macOS');
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs)) expect(job['runs-on']).toMatch(/^macos-/);
  });

  it('builds the app, then packages, signs and notarizes it with electron-builder', () => {
    expect(stepRunning('app', /^npm ci\b/m)?.name).toBe('Install');
    expect(stepRunning('app', /^npm run build$/m)?.name).toBe('Build');
    const packaging = stepRunning('app', /electron-builder --mac\b/);
    expect(packaging?.name).toBe('Package, sign and notarize');
    expect(packaging?.run).toContain('--projectDir packages/tray');
    expect(packaging?.run).toContain('--publish never');
  });

  it('names its secrets, and takes each only from the secret of that name', () => {
    const env = workflow.jobs.app!.env!;
    expect(Object.keys(env).sort()).toEqual([...SECRETS].sort());
    for (const name of SECRETS) expect(env[name]).toBe(`\${{ secrets.${name} }}`);
    // Nowhere else: not in a step, not in the other job, not on a command line.
    expect(text.match(/secrets\.[A-Z_]+/g)?.sort()).toEqual(SECRETS.map((name) => `secrets.${name}`).sort());
    for (const job of Object.values(workflow.jobs)) for (const step of job.steps) expect(JSON.stringify(step)).not.toMatch(/secrets\./);
  });

  it('checks the built app with the tests written for a Mac: signed and notarized only when it was', () => {
    const check = stepRunning('app', /macos-app\.test\.ts/);
    expect(check?.name).toMatch(/^Check the built app/);
    expect(check?.run).toContain('PWSYNC_MAC_APP=');
    expect(check?.run).toMatch(/if \[ -n "\$CSC_LINK" \]; then export PWSYNC_MAC_SIGNED=1; fi/);
    expect(check?.run).toMatch(/\[ -n "\$APPLE_ID" \]; then export PWSYNC_MAC_NOTARIZED=1; fi/);
    expect(existsSync(path.join(ROOT, 'packages/tray/test/macos-app.test.ts'))).toBe(true);
  });

  it('builds the installer package with the Node of both architectures around the app it built, then checks it on the Mac as root', () => {
    const all = steps('app');
    const at = (pattern: RegExp) => all.findIndex((step) => step.run !== undefined && pattern.test(step.run));
    const build = all[at(/package-macos\.mjs build\b/)]!;
    expect(build.run).toContain('--app packages/tray/dist/release/mac-universal/pwsync.app');
    expect(build.run).toContain('--node "$(command -v node)" --node "$PWSYNC_NODE_X64"');
    expect(at(/package-macos\.mjs build\b/)).toBeGreaterThan(at(/electron-builder --mac\b/));
    const intel = all.find((step) => step.uses?.startsWith('actions/setup-node@') && step.with?.architecture === 'x64');
    expect(intel).toBeDefined();
    expect(all.findIndex((step) => step === intel)).toBeLessThan(all.findIndex((step) => step.uses?.startsWith('actions/setup-node@') && step.with?.architecture === undefined));
    const check = all[at(/macos-package-real\.test\.ts/)]!;
    expect(check.run).toMatch(/sudo env "PATH=\$PATH" PWSYNC_MAC_PKG=/);
    expect(check.run).toMatch(/if \[ -n "\$CSC_INSTALLER_LINK" \]; then export PWSYNC_MAC_SIGNED=1; fi/);
    expect(at(/macos-package-real\.test\.ts/)).toBeGreaterThan(at(/package-macos\.mjs build\b/));
    expect(existsSync(path.join(ROOT, 'test/packaging/macos-package-real.test.ts'))).toBe(true);
    expect(all.at(-1)?.with?.path).toContain('dist/*.pkg');
  });

  it("runs the darwin backend's real-Mac tests as root, then makes sure no test account is left", () => {
    const real = stepRunning('darwin-backend', /darwin-real\.test\.ts/);
    expect(real?.run).toMatch(/^sudo env "PATH=\$PATH" PWSYNC_DARWIN_REAL=1 /);
    expect(existsSync(path.join(ROOT, 'packages/agent/test/backends/darwin-real.test.ts'))).toBe(true);
    const after = steps('darwin-backend').at(-1)!;
    expect(after.if).toBe('always()');
    expect(after.run).toContain("grep -q '^pwsynctest'");
  });

  it('pins every action to a commit and keeps no credentials in the checkout', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.uses)) {
        expect(step.uses, step.name).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
        if (step.uses!.startsWith('actions/checkout@')) expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
  });
});
