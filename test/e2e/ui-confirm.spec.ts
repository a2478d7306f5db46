/** The confirm flow in Chromium against the real agent: what a person sees, does, and what never leaks. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { SandboxBackend } from '@pwsync/agent/backends/sandbox';
import { verifyPassword } from '@pwsync/passwords';
import { expect, expectAccessible, expectNoSecrets, PASSWORDS, screenshot, test, USER } from './fixtures';

async function accountMovedTo(stateDir: string, password: string): Promise<boolean> {
  const file = path.join(SandboxBackend.folder(stateDir, USER), 'account.json');
  return verifyPassword(password, (JSON.parse(await fs.readFile(file, 'utf8')) as { hash: string }).hash);
}

async function confirmWith(page: Page, next: string, previous: string): Promise<void> {
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Previous password', { exact: true }).fill(previous);
  await page.getByRole('button', { name: 'Update password on this Mac' }).click();
}

test('happy path: new first, previous second, live steps, then what changed', async ({ page, world }) => {
  await world.open(page);
  const newField = page.getByLabel('New password', { exact: true });
  await expect(newField).toBeFocused();
  await expect(page.getByText('The password you just set at Okta.')).toBeVisible();
  await expect(page.getByText('Step 1 of 2')).toBeVisible();
  await expectAccessible(page, 'confirm, new password');
  await screenshot(page, 'confirm-new-password');

  await newField.fill(PASSWORDS.next);
  await page.getByRole('button', { name: 'Show password' }).click();
  await expect(newField).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Hide password' }).click();
  await expect(newField).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Continue' }).click();

  const previousField = page.getByLabel('Previous password', { exact: true });
  await expect(previousField).toBeFocused();
  await expect(page.getByText('The password you used to unlock this computer until now.')).toBeVisible();
  await expectAccessible(page, 'confirm, previous password');
  await screenshot(page, 'confirm-previous-password');
  await previousField.fill(PASSWORDS.previous);
  await page.getByRole('button', { name: 'Update password on this Mac' }).click();

  await expect(page.locator('[data-phase="synced"]')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Your password is updated' })).toBeFocused();
  await expect(page.getByText('The next time your Mac starts up, type your new password at the FileVault unlock screen.')).toBeVisible();
  await expect(page.getByText('Each of your other Macs will ask you once too.')).toBeVisible();
  await expectAccessible(page, 'synced');
  await screenshot(page, 'synced');
  expect(await accountMovedTo(world.agent!.stateDir, PASSWORDS.next)).toBe(true);

  // Done: in the browser the page cannot hide, and the result gives way to the resting screen.
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your password is in sync' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Check for changes now' })).toBeVisible();

  // Neither password is left in any field, in the diagnostics, or anywhere else.
  for (const input of await page.locator('input').all()) expect(await input.inputValue()).toBe('');
  await page.getByRole('button', { name: 'Help' }).click();
  await expect(page.locator('[data-support-code]')).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await page.getByText('Show the diagnostics').click();
  const diagnostics = await page.locator('.report-text').innerText();
  expect(diagnostics).toContain('[Agent]');
  for (const secret of world.secrets) expect(diagnostics.includes(secret)).toBe(false);
  await expectNoSecrets(world, page);
});

test('while the agent works, the live list shows the six steps and their states in words', async ({ page, world }) => {
  // Every state of the step list the page ever showed, recorded as it changed.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { seenSteps: string[] }).seenSteps = seen;
    new MutationObserver(() => {
      const list = document.querySelector('[aria-live="polite"] ol');
      if (list) seen.push([...list.querySelectorAll('li')].map((li) => li.textContent).join(' | '));
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await world.open(page);
  await confirmWith(page, PASSWORDS.next, PASSWORDS.previous);
  await expect(page.locator('[data-phase="synced"]')).toBeVisible();
  const seen = await page.evaluate(() => (window as unknown as { seenSteps: string[] }).seenSteps);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen[0]).toContain('Checking your new password');
  expect(seen.at(-1)).toMatch(/Checking your new password, ?Done/);
  for (const snapshot of seen) expect(snapshot.split(' | ')).toHaveLength(6);
  await expectNoSecrets(world, page);
});

test('a wrong previous password: what it is, tries left, and Try again', async ({ page, world }) => {
  await world.open(page);
  world.secrets.push('wrong-previous-1');
  await confirmWith(page, PASSWORDS.next, 'wrong-previous-1');
  const alert = page.getByRole('alert');
  await expect(alert).toBeFocused();
  await expect(alert).toContainText("That previous password didn't work");
  await expect(alert).toContainText('You can try 4 more times.');
  await expect(alert).toContainText('Nothing has been changed on this computer.');
  await expectAccessible(page, 'previous password wrong');
  await screenshot(page, 'attention-previous-wrong');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByLabel('New password', { exact: true })).toBeFocused();
  await expect(page.getByLabel('New password', { exact: true })).toHaveValue('');
  await expectNoSecrets(world, page);
});

test('a new password that does not match the identity provider: check it, or change it there again', async ({ page, world }) => {
  await world.open(page);
  world.secrets.push('not-the-okta-one');
  await confirmWith(page, 'not-the-okta-one', PASSWORDS.previous);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText("That new password doesn't match Okta");
  await expect(page.getByText('change your password at Okta again')).toBeVisible();
  await expectAccessible(page, 'new password mismatch');
  expect(await accountMovedTo(world.agent!.stateDir, PASSWORDS.previous)).toBe(true);
  await expectNoSecrets(world, page);
});

test('five wrong tries lock it, with a live countdown and no Try again', async ({ page, world }) => {
  test.setTimeout(60_000);
  await world.open(page);
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const wrong = `wrong-try-${attempt}`;
    world.secrets.push(wrong);
    await confirmWith(page, PASSWORDS.next, wrong);
    await expect(page.getByRole('alert')).toBeVisible();
    if (attempt < 5) {
      await expect(page.getByRole('alert')).toContainText(attempt === 4 ? 'You can try 1 more time.' : `You can try ${5 - attempt} more times.`);
      await page.getByRole('button', { name: 'Try again' }).click();
    }
  }
  await expect(page.locator('[data-problem="lockedOut"]')).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Too many tries for now');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  const countdown = page.locator('.countdown');
  const first = await countdown.innerText();
  expect(first).toMatch(/^You can try again in (1 minute|\d+ seconds)\.?$|^You can try again in .* and .*\.$/);
  await expect(countdown).not.toHaveText(first, { timeout: 3000 });
  await expectAccessible(page, 'locked out');
  await screenshot(page, 'attention-locked-out');
  await expectNoSecrets(world, page);
});

test('Escape on the second step goes back to the first, keeping the new password; on the first it clears it', async ({ page, world }) => {
  await world.open(page);
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.keyboard.press('Enter');
  await page.getByLabel('Previous password', { exact: true }).fill(PASSWORDS.previous);
  await page.keyboard.press('Escape');
  await expect(page.getByText('Step 1 of 2')).toBeVisible();
  await expect(page.getByLabel('New password', { exact: true })).toHaveValue(PASSWORDS.next);
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('New password', { exact: true })).toHaveValue('');
  await expect(page.getByText('Step 1 of 2')).toBeVisible();
  await expectNoSecrets(world, page);
});
