/**
 * The end-to-end world: a real agent (the built CLI) on a real socket, the browser
 * demo host (the same core the tray app runs), and Debian's Chromium on the page it
 * serves. After each test every output — both programs' logs, every file the agent
 * wrote, the page's HTML and console — is searched for the test's passwords.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { test as base, expect, type Page } from '@playwright/test';
import { makeTempDir, readAllFiles, type Running, startAgent, startDemoHost } from '../support/processes';
import { seedAccount } from '../support/seed';

export const USER = os.userInfo().username;

export interface World {
  dir: string;
  agent: (Running & { socketPath: string; stateDir: string }) | undefined;
  host: Running & { url: string };
  changeId: string;
  /** Starts (or restarts) the agent on the same socket and state. */
  startAgent(): Promise<void>;
  stopAgent(signal?: NodeJS.Signals): Promise<void>;
  open(page: Page): Promise<void>;
  /** Everything the system printed or wrote, for searching. */
  allOutput(page: Page): Promise<string>;
  secrets: string[];
}

export const PASSWORDS = { previous: 'Prev-Ünïcode pass 1', next: 'Nëw "quoted" pass 2' };

export const test = base.extend<{ world: World; worldOptions: { seed: boolean; agent: boolean } }>({
  worldOptions: [{ seed: true, agent: true }, { option: true }],
  world: async ({ worldOptions }, use) => {
    const dir = makeTempDir('pwe-');
    const stateDir = `${dir}/state`;
    const socketPath = `${dir}/agent.sock`;
    const change = worldOptions.seed ? await seedAccount(stateDir, USER, PASSWORDS.previous, PASSWORDS.next) : undefined;
    const logs: string[] = [];
    let agent: World['agent'];
    const world: World = {
      dir,
      agent: undefined,
      host: undefined as never,
      changeId: change?.id ?? '',
      secrets: [PASSWORDS.previous, PASSWORDS.next],
      async startAgent() {
        agent = await startAgent(dir);
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
    world.host = await startDemoHost(socketPath);
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

export { expect };
