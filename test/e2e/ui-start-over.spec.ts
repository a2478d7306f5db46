/** The forgotten previous password: offered only where policy and agent allow it, explained before anything happens. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxBackend } from '@pwsync/agent/backends/sandbox';
import { verifyPassword } from '@pwsync/passwords';
import { expect, expectAccessible, expectNoSecrets, PASSWORDS, screenshot, test, USER } from './fixtures';

const FORGOT = "I don't remember my previous password";

test.describe('allowed by policy and agent', () => {
  test.use({
    worldOptions: { seed: true, agent: true, agentArgs: ['--allow-new-keychain'], policy: { newKeychainOffered: true, identityProvider: 'Okta' } },
  });

  test('explains first, needs "I understand", then asks for the new password only', async ({ page, world }) => {
    await world.open(page);
    await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: FORGOT }).click();

    // Nothing has happened yet, and the page says what will.
    await expect(page.getByRole('heading', { level: 1, name: 'Start over without your previous password' })).toBeFocused();
    await expect(page.getByText('A new, empty login keychain will be created')).toBeVisible();
    await expect(page.getByText("Passwords saved in your old keychain (Wi-Fi, websites, apps) won't be available.")).toBeVisible();
    await expect(page.getByText('Your old keychain file is kept on this Mac')).toBeVisible();
    await expect(page.getByText('Nothing has changed yet.')).toBeVisible();
    await expectAccessible(page, 'start over, explained');
    await screenshot(page, 'start-over-explained');

    // Going on without ticking the box is refused, in words. (The button is marked
    // aria-disabled, not disabled, so it stays reachable and can explain itself.)
    await expect(page.getByRole('button', { name: 'Continue' })).toHaveAttribute('aria-disabled', 'true');
    await page.getByRole('button', { name: 'Continue' }).click({ force: true });
    await expect(page.getByRole('alert')).toContainText('Tick the box to confirm you understand');
    await expectAccessible(page, 'start over, not ticked');
    await page.getByLabel("I understand that my saved passwords won't be available in the new keychain").check();
    await page.getByRole('button', { name: 'Continue' }).click();

    const field = page.getByLabel('New password', { exact: true });
    await expect(field).toBeFocused();
    await expect(page.getByLabel('Previous password', { exact: true })).toHaveCount(0);
    await expectAccessible(page, 'start over, new password');
    await screenshot(page, 'start-over-new-password');
    await field.fill(PASSWORDS.next);
    await page.getByRole('button', { name: 'Create new keychain and update password' }).click();

    await expect(page.locator('[data-phase="synced"]')).toBeVisible();
    await expect(page.getByText('A new login keychain was created. Your old one is kept on this Mac for IT support.')).toBeVisible();
    const folder = SandboxBackend.folder(world.agent!.stateDir, USER);
    const account = (JSON.parse(await fs.readFile(path.join(folder, 'account.json'), 'utf8')) as { hash: string }).hash;
    expect(await verifyPassword(PASSWORDS.next, account)).toBe(true);
    await expectNoSecrets(world, page);
  });
});

test.describe('refused by policy', () => {
  test.use({
    worldOptions: { seed: true, agent: true, agentArgs: ['--allow-new-keychain'], policy: { newKeychainOffered: false, identityProvider: 'Okta' } },
  });

  test('the path is not shown at all', async ({ page, world }) => {
    await world.open(page);
    await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Previous password', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: FORGOT })).toHaveCount(0);
    await expect(page.getByText('new keychain')).toHaveCount(0);
  });
});
