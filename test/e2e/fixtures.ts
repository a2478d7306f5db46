/**
 * The end-to-end world: a real agent (the built CLI) on a real socket, the browser
 * demo host (the same core the tray app runs), and Debian's Chromium on the page it
 * serves. After each test every output — both programs' logs, every file the agent
 * and the host wrote (the app's log file with its support codes among them), the page's
 * HTML and console — is searched for the test's passwords.
 */
import AxeBuilder from '@axe-core/playwright';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { UserState } from '@pwsync/agent/user-state';
import { makeTempDir, readAllFiles, type Running, startAgent, startDemoHost } from '@pwsync/testing/processes';
import { seedAccount } from '@pwsync/testing/seed';

export const USER = os.userInfo().username;

export interface World {
  dir: string;
  agent: (Running & { socketPath: string; stateDir: string }) | undefined;
  host: Running & { url: string };
  /** The tray app's log as the demo host keeps it (its --log-file), inside `dir`. */
  appLog: string;
  changeId: string;
  /** Starts (or restarts) the agent on the same socket and state; with no arguments, with the options' flags and environment. */
  startAgent(extra?: string[], env?: Record<string, string>): Promise<void>;
  stopAgent(signal?: NodeJS.Signals): Promise<void>;
  open(page: Page): Promise<void>;
  /** Everything the system printed or wrote, for searching. */
  allOutput(page: Page): Promise<string>;
  secrets: string[];
}

export const PASSWORDS = { previous: 'Prev-Ünïcode pass 1', next: 'Nëw "quoted" pass 2' };

export interface WorldOptions {
  seed: boolean;
  agent: boolean;
  /** More agent flags, e.g. ['--allow-new-keychain']. */
  agentArgs?: string[];
  /** The agent's environment, e.g. { PWSYNC_FAULT_KILL_AT: 'keychain:after' }. */
  agentEnv?: Record<string, string>;
  /** An administrator's policy for the demo host (written to a file and passed as --policy). */
  policy?: Record<string, unknown>;
  /** 'applied': the change as Windows and Linux agents report it, applied already. */
  mode?: 'confirm' | 'applied';
}

export const test = base.extend<{ world: World; worldOptions: WorldOptions }>({
  worldOptions: [{ seed: true, agent: true }, { option: true }],
  world: async ({ worldOptions }, use) => {
    const dir = makeTempDir('pwe-');
    const stateDir = `${dir}/state`;
    const socketPath = `${dir}/agent.sock`;
    const change = worldOptions.seed ? await seedAccount(stateDir, USER, PASSWORDS.previous, PASSWORDS.next) : undefined;
    if (change && worldOptions.mode === 'applied') {
      const state = new UserState(stateDir, USER, () => undefined);
      const pending = await state.readPending();
      await state.writePending({ ...pending, current: { ...pending.current!, change: { ...change, mode: 'applied' } } });
    }
    const logs: string[] = [];
    let agent: World['agent'];
    const world: World = {
      dir,
      agent: undefined,
      host: undefined as never,
      appLog: path.join(dir, 'logs', 'main.log'),
      changeId: change?.id ?? '',
      secrets: [PASSWORDS.previous, PASSWORDS.next],
      async startAgent(extra = worldOptions.agentArgs ?? [], env = worldOptions.agentEnv ?? {}) {
        agent = await startAgent(dir, extra, env);
        world.agent = agent;
      },
      async stopAgent(signal = 'SIGTERM') {
        if (!agent) return;
        logs.push(agent.output());
        await agent.stop(signal);
        agent = undefined;
        world.agent = undefined;
      },
      async open(page) {
        const consoleLines: string[] = [];
        page.on('console', (message) => consoleLines.push(message.text()));
        (page as Page & { consoleLines?: string[] }).consoleLines = consoleLines;
        await page.goto(world.host.url);
      },
      async allOutput(page) {
        const files = await readAllFiles(dir).catch(() => '');
        const consoleLines = (page as Page & { consoleLines?: string[] }).consoleLines ?? [];
        return [...logs, agent?.output() ?? '', world.host.output(), files, await page.content(), consoleLines.join('\n')].join('\n');
      },
    };
    if (worldOptions.agent) await world.startAgent();
    const hostArgs: string[] = ['--log-file', world.appLog];
    if (worldOptions.policy) {
      const policyFile = path.join(dir, 'policy.json');
      await fs.writeFile(policyFile, JSON.stringify(worldOptions.policy));
      hostArgs.push('--policy', policyFile);
    }
    world.host = await startDemoHost(socketPath, hostArgs);
    await use(world);
    await world.stopAgent();
    await world.host.stop();
    await fs.rm(dir, { recursive: true, force: true });
  },
});

/** Fails when any test password appears anywhere the system wrote or showed. */
export async function expectNoSecrets(world: World, page: Page): Promise<void> {
  const everything = await world.allOutput(page);
  expect(everything.length).toBeGreaterThan(0);
  for (const secret of world.secrets) expect(everything.includes(secret), `a password leaked into the output`).toBe(false);
}

/** axe-core finds nothing on the page as it is, in the light and the dark colour scheme. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const summary = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(summary, `${what} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * A screenshot for a person to look at, in test-results/screens. (The README's set in
 * docs/screenshots comes from screens.spec.ts, which draws every screen.) Never taken
 * while a password is shown in clear.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  expect(await page.locator('input[type="text"][id$="password"]').count(), 'no password is shown in clear').toBe(0);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

export { expect };
