/**
 * The whole chain on one machine: the identity provider's SCIM PATCH at the real
 * directory → the agent (over the directory's event stream) → the tray core over a
 * real socket → the window in Chromium → the person confirms → the agent reports →
 * the directory shows the device synced.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Page } from '@playwright/test';
import { setActive, setPassword } from '@pwsync/demo/idp-client';
import { DEMO_PASSWORD_CYCLE, type DemoProcess, type DemoStack, startAgent, startDemoStack, startDirectory } from '@pwsync/demo/stack';
import { makeTempDir, ROOT, type Running, startDemoHost } from '@pwsync/testing/processes';
import { expect, expectAccessible, screenshot, test } from './fixtures';

const PREVIOUS = 'autumn-leaves-42';

interface Device {
  host: Running & { url: string };
  agent?: DemoProcess;
}

let dir: string;
let stack: DemoStack;
const extra: Array<{ stop(): Promise<void> }> = [];

test.beforeEach(async () => {
  dir = makeTempDir('pwc-');
  stack = await startDemoStack({ root: ROOT, runtimeDir: dir, firstChange: false, checkinInterval: 1, logLevel: 'info' });
});

test.afterEach(async () => {
  for (const part of extra.splice(0).reverse()) await part.stop();
  await stack.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function firstDevice(): Promise<Device> {
  // As npm start runs it: the demo banner can then simulate a change at the identity provider.
  const host = await startDemoHost(stack.socketPath, [], {
    PWSYNC_DEMO_DIRECTORY: stack.directory.url,
    PWSYNC_DEMO_TOKEN_FILE: stack.tokenFile,
    PWSYNC_DEMO_USER: stack.userName,
  });
  extra.push(host);
  return { host };
}

async function secondDevice(startNow = true): Promise<Device & { start(): Promise<void> }> {
  const tokenFile = await stack.enrollDevice('Second Mac');
  const socketPath = path.join(dir, 'agent2.sock');
  const device: Device & { start(): Promise<void> } = {
    host: await startDemoHost(socketPath),
    async start() {
      device.agent = await startAgent(ROOT, { socketPath, stateDir: path.join(dir, 'state2'), directory: stack.directory.url, deviceTokenFile: tokenFile, args: ['--checkin-interval', '1'] });
      extra.push(device.agent);
    },
  };
  extra.push(device.host);
  if (startNow) await device.start();
  return device;
}

async function confirm(page: Page, next: string, previous = PREVIOUS): Promise<void> {
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Previous password', { exact: true }).fill(previous);
  await page.getByRole('button', { name: /^Update password/ }).click();
  await expect(page.locator('[data-phase="synced"]')).toBeVisible();
}

async function devices(): Promise<Array<{ deviceName: string; lastResult: { outcome: string } | null }>> {
  const response = await fetch(new URL(`/api/v1/users/${encodeURIComponent(stack.userName)}/devices`, stack.directory.url), {
    headers: { authorization: `Bearer ${stack.adminToken}` },
  });
  return ((await response.json()) as { devices: Array<{ deviceName: string; lastResult: { outcome: string } | null }> }).devices;
}

test('a password changed at the identity provider reaches the window, is confirmed, and the directory shows the device synced', async ({ page }) => {
  const device = await firstDevice();
  await page.goto(device.host.url);
  await expect(page.locator('[data-phase="idle"]')).toBeVisible();
  await setPassword(stack.idp, stack.userName, DEMO_PASSWORD_CYCLE[0]);
  await expect(page.locator('[data-phase="pending"]')).toBeVisible({ timeout: 2000 });
  await confirm(page, DEMO_PASSWORD_CYCLE[0]);
  await expect.poll(async () => (await devices())[0]?.lastResult?.outcome).toBe('synced');
});

test('two Macs of one person each confirm on their own', async ({ page, browser }) => {
  const first = await firstDevice();
  const second = await secondDevice();
  const otherPage = await browser.newPage();
  await page.goto(first.host.url);
  await otherPage.goto(second.host.url);
  await setPassword(stack.idp, stack.userName, DEMO_PASSWORD_CYCLE[1]);
  await expect(page.locator('[data-phase="pending"]')).toBeVisible();
  await expect(otherPage.locator('[data-phase="pending"]')).toBeVisible();
  await confirm(page, DEMO_PASSWORD_CYCLE[1]);
  await expect.poll(async () => (await devices()).map((d) => d.lastResult?.outcome ?? null)).toEqual(['synced', null]);
  await expect(otherPage.locator('[data-phase="pending"]')).toBeVisible();
  await confirm(otherPage, DEMO_PASSWORD_CYCLE[1]);
  await expect.poll(async () => (await devices()).map((d) => d.lastResult?.outcome ?? null)).toEqual(['synced', 'synced']);
  await otherPage.close();
});

test('a Mac that was offline during the change catches up when it next checks in', async ({ page }) => {
  const late = await secondDevice(false);
  await setPassword(stack.idp, stack.userName, DEMO_PASSWORD_CYCLE[2]);
  await page.goto(late.host.url);
  await expect(page.locator('[data-phase="unreachable"]')).toBeVisible();
  await late.start();
  await expect(page.locator('[data-phase="pending"]')).toBeVisible({ timeout: 5000 });
  await confirm(page, DEMO_PASSWORD_CYCLE[2]);
});

test('the directory restarted mid-way loses nothing: the result reaches it once it is back', async ({ page }) => {
  const device = await firstDevice();
  await page.goto(device.host.url);
  await setPassword(stack.idp, stack.userName, DEMO_PASSWORD_CYCLE[3]);
  await expect(page.locator('[data-phase="pending"]')).toBeVisible();
  const port = new URL(stack.directory.url).port;
  stack.directory.child.kill('SIGKILL');
  await new Promise((resolve) => stack.directory.child.once('exit', resolve));
  // Confirmed while the directory is down: the computer is in sync; the report waits.
  await confirm(page, DEMO_PASSWORD_CYCLE[3]);
  const restarted = await startDirectory(ROOT, dir, 'warn', Number(port));
  extra.push(restarted);
  await expect.poll(async () => (await devices())[0]?.lastResult?.outcome, { timeout: 10_000 }).toBe('synced');
});

test('a change withdrawn by deactivating the account leaves nothing to confirm', async ({ page }) => {
  const device = await firstDevice();
  await page.goto(device.host.url);
  await setPassword(stack.idp, stack.userName, DEMO_PASSWORD_CYCLE[0]);
  await expect(page.locator('[data-phase="pending"]')).toBeVisible();
  await setActive(stack.idp, stack.userName, false);
  await expect(page.locator('[data-phase="idle"]')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Your account at Okta is deactivated' })).toBeVisible();
  await expect(page.getByText("Password changes won't arrive on this computer. Contact your IT support.")).toBeVisible();
});

test('a change withdrawn by turning sync off for the person leaves nothing to confirm', async ({ page }) => {
  const device = await firstDevice();
  await page.goto(device.host.url);
  await setPassword(stack.idp, stack.userName, DEMO_PASSWORD_CYCLE[0]);
  await expect(page.locator('[data-phase="pending"]')).toBeVisible();
  const response = await fetch(new URL(`/api/v1/users/${encodeURIComponent(stack.userName)}`, stack.directory.url), {
    method: 'PATCH',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ syncEnabled: false }),
  });
  expect(response.status).toBeLessThan(300);
  await expect(page.locator('[data-phase="idle"]')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Password sync is turned off for this computer' })).toBeVisible();
  await expect(page.getByText(/changes you make at Okta won't reach this computer\. Keep using your current password here\./)).toBeVisible();
});

test('in the browser demo, the banner simulates a change at the identity provider, and it arrives to be confirmed', async ({ page }) => {
  const device = await firstDevice();
  await page.goto(device.host.url);
  await expect(page.locator('[data-phase="idle"]')).toBeVisible();
  const banner = page.getByRole('region', { name: 'Demo mode' });
  const simulate = banner.getByRole('button', { name: 'Simulate a password change at Okta' });
  await expect(simulate).toBeVisible();
  // The footer names the demo's person as the directory knows them, not the account the practice agent runs as.
  await expect(page.getByRole('contentinfo')).toContainText(`${stack.userName} at Okta`);
  await expectAccessible(page, 'demo banner');
  await screenshot(page, 'demo-banner');
  await simulate.click();
  await expect(page.locator('[data-phase="pending"]')).toBeVisible({ timeout: 5000 });
  await expect(page.getByLabel('New password', { exact: true })).toBeVisible();
  // Once the change shows, "Sent. The change will show here in a moment." is no longer true, and is gone.
  await expect(banner.getByRole('status')).toHaveText('');
});
