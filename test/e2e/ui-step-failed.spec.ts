/** A step fails for a reason the agent knows: the page, the status and the diagnostics say why, and no password goes anywhere. */
import { keychainOnAnotherPassword } from '@pwsync/testing/seed';
import { expect, expectAccessible, expectNoSecrets, PASSWORDS, screenshot, test, USER } from './fixtures';

// The sandbox backend's words when the login keychain is on neither password.
const REASON = 'The login keychain is not on the previous password';

test('the keychain on another password: the step, what was done, and the agent\'s reason for support', async ({ page, world }) => {
  // The practice keychain was changed behind pwsync's back, as an out-of-band reset would.
  await keychainOnAnotherPassword(world.agent!.stateDir, USER);
  await world.open(page);
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.keyboard.press('Enter');
  await page.getByLabel('Previous password', { exact: true }).fill(PASSWORDS.previous);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('alert')).toContainText("pwsync couldn't finish updating your password");
  await expect(page.getByText("This step didn't work: Updating your login keychain.")).toBeVisible();
  await expect(page.locator('.completed-steps')).toContainText('Updating your account password');
  const reason = page.locator('[data-failure-reason]');
  await expect(reason).toHaveText(`Details for your IT support: ${REASON}`);
  await expect(reason.locator('[lang="en"]')).toHaveText(REASON);
  await expectAccessible(page, 'step failed, with the agent\'s reason');
  await screenshot(page, 'attention-step-failed-reason');

  await page.getByRole('button', { name: 'Help' }).click();
  await page.getByText('Show the diagnostics').click();
  const diagnostics = await page.locator('.report-text').innerText();
  expect(diagnostics).toContain(`State: attention (stepFailed at keychain: ${REASON})`);
  expect(diagnostics).toMatch(new RegExp(`failed at keychain: ${REASON} \\[verifyNew, verifyPrevious, account\\]`));
  await expectNoSecrets(world, page);
});
