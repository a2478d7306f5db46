/** The other screens and views, each checked with axe, and the whole flow by keyboard alone. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEVICE_TOKEN, startFakeDirectory } from '@pwsync/testing/fake-directory';
import { expect, expectAccessible, expectNoSecrets, PASSWORDS, screenshot, test } from './fixtures';

test('keyboard alone: type, Enter, errors take focus, Help and back, all without a mouse', async ({ page, world }) => {
  await world.open(page);
  const newField = page.getByLabel('New password', { exact: true });
  await expect(newField).toBeFocused();
  // Continue with nothing typed: the error is said and focus stays on the field to fix it.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Show password' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Continue' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText(/Type your new password to continue/);
  await expect(newField).toBeFocused();
  await page.keyboard.type(PASSWORDS.next);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Previous password', { exact: true })).toBeFocused();
  await page.keyboard.type(PASSWORDS.previous);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Your password is updated' })).toBeFocused();
  // Help is one Shift+Tab away from the screen's heading.
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Help' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Help' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByText('One Mac, connected to the internet')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Help' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-phase="synced"][data-view="main"]')).toBeVisible();
  await expectNoSecrets(world, page);
});

test.describe('with the clipboard allowed', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('Help: walkthroughs as numbered steps, contact, support code, and Copy diagnostics', async ({ page, world }) => {
    await world.open(page);
    await page.getByRole('button', { name: 'Help' }).click();
    await expect(page.getByRole('button', { name: 'Help' })).toHaveAttribute('aria-pressed', 'true');
    for (const title of [
      'One Mac, connected to the internet',
      'One Mac that was offline during the change',
      'Several Macs, all connected',
      'Several Macs, some of them offline',
      'Windows',
      'Linux',
    ]) {
      await expect(page.locator('summary', { hasText: title })).toBeVisible();
    }
    // The practice agent plays a Mac on whatever host the demo runs: the Mac's walkthrough opens first.
    await expect(page.locator('[data-situation="oneMacOnline"]')).toHaveAttribute('open', '');
    await expect(page.locator('[data-situation="linux"]')).not.toHaveAttribute('open', '');
    await expect(page.locator('[data-situation="linux"] li')).toHaveCount(5);
    await page.locator('summary', { hasText: 'One Mac that was offline during the change' }).click();
    await expect(page.locator('[data-situation="oneMacOffline"] li').first()).toContainText('type your previous password');
    await expect(page.getByText('IT Help Desk, extension 4357 (Example Corp)')).toBeVisible();
    const code = page.locator('[data-support-code]');
    await expect(code).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await expectAccessible(page, 'help');
    await screenshot(page, 'help');

    await page.getByRole('button', { name: 'Copy diagnostics' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/pwsync diagnostics — support code [A-Z0-9]{4}-[A-Z0-9]{4}/);
    // The practice agent plays a Mac, and the report says the same system as the screens.
    expect(copied).toMatch(/^Platform: darwin$/m);
    expect(copied).toContain('[Policy]');
    for (const secret of world.secrets) expect(copied.includes(secret)).toBe(false);

    const opened = page.context().waitForEvent('page');
    await page.getByRole('button', { name: 'Open the support page' }).click();
    await expect(page.getByText('The support page opened in your browser.')).toBeVisible();
    expect((await opened).url()).toMatch(/^(https:\/\/support\.example\.com|about:blank|chrome-error)/);
  });
});

test('Status: agent connected, last check-in, the waiting change, the last update', async ({ page, world }) => {
  await world.open(page);
  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.locator('[data-fact="agent"]')).toContainText('Connected (version');
  await expect(page.locator('[data-fact="pending"]')).toContainText('From Okta');
  await expect(page.locator('[data-fact="lastResult"]')).toHaveText('None');
  await expectAccessible(page, 'status');
  await screenshot(page, 'status');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('New password', { exact: true })).toBeVisible();
});

test.describe('with nothing waiting', () => {
  test.use({ worldOptions: { seed: false, agent: true } });

  test('idle: in sync, and a way to check now', async ({ page, world }) => {
    await world.open(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Your password is in sync' })).toBeVisible();
    await page.getByRole('button', { name: 'Check for changes now' }).click();
    await expect(page.getByRole('status').filter({ hasText: /Checked|couldn't check/ })).toBeVisible();
    await expectAccessible(page, 'idle');
    await screenshot(page, 'idle');
  });
});

test.describe('without an agent', () => {
  test.use({ worldOptions: { seed: false, agent: false } });

  test('unreachable: what is wrong and what to do, and Status says not connected', async ({ page, world }) => {
    await world.open(page);
    await expect(page.getByRole('heading', { level: 1, name: "The pwsync agent isn't running" })).toBeVisible();
    await expectAccessible(page, 'unreachable');
    await screenshot(page, 'unreachable');
    await page.getByRole('button', { name: 'Status' }).click();
    await expect(page.locator('[data-fact="agent"]')).toContainText('Not connected');
    await expectAccessible(page, 'status, not connected');
  });
});

test.describe('on Linux, where the agent applied the change', () => {
  // The practice agent plays a Linux computer: the window's words follow the agent's platform.
  test.use({ worldOptions: { seed: true, agent: true, mode: 'applied', agentArgs: ['--sandbox-platform', 'linux'] } });

  test('informed: the new password is in use; what it covers on this system', async ({ page, world }) => {
    await world.open(page);
    await expect(page.locator('[data-phase="informed"]')).toBeVisible();
    await expect(page.getByText('Use your new password from now on to sign in to this computer.')).toBeVisible();
    await expect(page.getByText('unlocking the screen and running commands as administrator (sudo)')).toBeVisible();
    await expect(page.getByLabel('New password', { exact: true })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Your keyring and disk password' })).toBeVisible();
    await expectAccessible(page, 'informed');
    await screenshot(page, 'informed');

    // The optional keyring and disk password update: the confirm form, in Linux words.
    await page.getByRole('button', { name: 'Update keyring and disk password…' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Update your keyring and disk password' })).toBeVisible();
    await expect(page.getByLabel('New password', { exact: true })).toBeFocused();
    await expectAccessible(page, 'informed, keyring update, new password');
    await page.keyboard.type(PASSWORDS.next);
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Previous password', { exact: true })).toBeFocused();
    await expectAccessible(page, 'informed, keyring update, previous password');
    await screenshot(page, 'informed-keyring-update');
    // Escape goes back a step at a time, forgetting what was typed, to the informed screen.
    await page.keyboard.press('Escape');
    await expect(page.getByText('Step 1 of 2')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('heading', { level: 1, name: 'Your password was updated' })).toBeFocused();
    await expect(page.locator('[data-phase="informed"]')).toBeVisible();
    await expectNoSecrets(world, page);
  });
});

test.describe('with a directory that has something to say', () => {
  test.use({ worldOptions: { seed: false, agent: false } });

  test('idle: a deactivated account, sync turned off, and the directory out of reach, each said plainly', async ({ page, world }) => {
    const directory = await startFakeDirectory({ user: { userName: 'alex', active: false, syncEnabled: true } });
    try {
      const tokenFile = path.join(world.dir, 'device.token');
      await fs.writeFile(tokenFile, `${DEVICE_TOKEN}\n`, { mode: 0o600 });
      await world.startAgent(['--directory', directory.url, '--device-token-file', tokenFile, '--checkin-interval', '1']);
      await world.open(page);

      await expect(page.locator('[data-phase="idle"]')).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Your account at Okta is deactivated' })).toBeVisible();
      await expectAccessible(page, 'idle, account deactivated');
      await screenshot(page, 'idle-deactivated');

      directory.set({ user: { userName: 'alex', active: true, syncEnabled: false } });
      await expect(page.getByRole('heading', { level: 2, name: 'Password sync is turned off for this computer' })).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Your account at Okta is deactivated' })).toHaveCount(0);
      await expectAccessible(page, 'idle, sync off');
      await screenshot(page, 'idle-sync-off');

      await page.getByRole('button', { name: 'Status' }).click();
      // With the account's name as the directory gives it.
      await expect(page.locator('[data-fact="account"]')).toHaveText('Active (alex)');
      await expect(page.locator('[data-fact="sync"]')).toHaveText('Turned off by an administrator');
      await directory.goOffline();
      await expect(page.locator('[data-fact="directory"]')).toContainText("Can't be reached right now");
      await expect(page.locator('[data-fact="directory"]')).toContainText('a password change will arrive the next time pwsync checks in');
      await expectAccessible(page, 'status, directory offline');
      await screenshot(page, 'status-directory-offline');
    } finally {
      await world.stopAgent();
      await directory.close();
    }
  });
});
