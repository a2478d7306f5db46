import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxBackend } from '@pwsync/agent/backends/sandbox';
import { verifyPassword } from '@pwsync/passwords';
import { expect, expectNoSecrets, PASSWORDS, test, USER } from './fixtures';

async function sandboxHash(stateDir: string, part: 'account' | 'keychain' | 'filevault'): Promise<string> {
  const file = path.join(SandboxBackend.folder(stateDir, USER), `${part}.json`);
  return (JSON.parse(await fs.readFile(file, 'utf8')) as { hash: string }).hash;
}

test('a person confirms the change and their password is in sync', async ({ page, world }) => {
  await world.open(page);
  await expect(page.locator('[data-phase="pending"]')).toBeVisible();
  await expect(page.getByText('Demo mode')).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Previous password', { exact: true }).fill(PASSWORDS.previous);
  await page.getByRole('button', { name: /^Update password/ }).click();
  await expect(page.locator('[data-phase="synced"]')).toBeVisible();
  await expect(page.getByText('is now the one you set at Okta')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/synced.png' });

  const stateDir = world.agent!.stateDir;
  for (const part of ['account', 'keychain', 'filevault'] as const) {
    const hash = await sandboxHash(stateDir, part);
    expect(await verifyPassword(PASSWORDS.next, hash), `${part} moved to the new password`).toBe(true);
    expect(await verifyPassword(PASSWORDS.previous, hash), `${part} left the previous password`).toBe(false);
  }
  await expectNoSecrets(world, page);
});

test('a wrong previous password is refused with a clear message and changes nothing', async ({ page, world }) => {
  const stateDir = world.agent!.stateDir;
  const before = await Promise.all((['account', 'keychain', 'filevault'] as const).map((p) => sandboxHash(stateDir, p)));
  await world.open(page);
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.keyboard.press('Enter');
  await page.getByLabel('Previous password', { exact: true }).fill('not my password');
  await page.keyboard.press('Enter');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('previous password');
  await expect(alert).toContainText('4');
  await page.screenshot({ path: 'test-results/screens/wrong-previous.png' });
  const after = await Promise.all((['account', 'keychain', 'filevault'] as const).map((p) => sandboxHash(stateDir, p)));
  expect(after).toEqual(before);
  world.secrets.push('not my password');
  await expectNoSecrets(world, page);
});

test.describe('without an agent', () => {
  test.use({ worldOptions: { seed: false, agent: false } });

  test('the app says the agent is not running', async ({ page, world }) => {
    await world.open(page);
    await expect(page.locator('[data-phase="unreachable"]')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 }).or(page.getByRole('heading', { level: 2 })).first()).toContainText(/agent/i);
    await page.screenshot({ path: 'test-results/screens/unreachable.png' });
  });
});

test('the agent stopping mid-session is noticed, and the app reconnects when it returns', async ({ page, world }) => {
  await world.open(page);
  await expect(page.locator('[data-phase="pending"]')).toBeVisible();
  await world.stopAgent('SIGKILL');
  await expect(page.locator('[data-phase="unreachable"]')).toBeVisible();
  await world.startAgent();
  await expect(page.locator('[data-phase="pending"]')).toBeVisible({ timeout: 10_000 });
  // And the change can still be confirmed on the new connection.
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Previous password', { exact: true }).fill(PASSWORDS.previous);
  await page.getByRole('button', { name: /^Update password/ }).click();
  await expect(page.locator('[data-phase="synced"]')).toBeVisible();
  await expectNoSecrets(world, page);
});
