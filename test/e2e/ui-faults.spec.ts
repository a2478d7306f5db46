/** The agent dies half way through a sync: the page never guesses, then says what the agent reports. */
import { expect, expectAccessible, expectNoSecrets, PASSWORDS, screenshot, test } from './fixtures';

test.use({ worldOptions: { seed: true, agent: true, agentEnv: { PWSYNC_FAULT_KILL_AT: 'keychain:after' } } });

test('connection lost mid-sync: "checking what happened", never a claim, then the agent\'s word', async ({ page, world }) => {
  // Every phase and problem the window ever showed, in order.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { seenPhases: string[] }).seenPhases = seen;
    new MutationObserver(() => {
      const app = document.querySelector('[data-phase]');
      const problem = document.querySelector('[data-problem]')?.getAttribute('data-problem');
      const now = `${app?.getAttribute('data-phase')}${problem ? `:${problem}` : ''}`;
      if (seen.at(-1) !== now) seen.push(now);
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await world.open(page);
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.keyboard.press('Enter');
  await page.getByLabel('Previous password', { exact: true }).fill(PASSWORDS.previous);
  await page.keyboard.press('Enter');

  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Checking what happened');
  await expect(page.getByText("don't change your password again yet")).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expectAccessible(page, 'outcome unknown');
  await screenshot(page, 'attention-checking');
  // The agent killed itself after the keychain step.
  await expect.poll(() => world.agent!.child.exitCode ?? world.agent!.child.signalCode).not.toBeNull();

  // Up to here the window claimed neither success nor failure.
  const seen = await page.evaluate(() => (window as unknown as { seenPhases: string[] }).seenPhases);
  expect(seen).not.toContain('synced');
  expect(seen.filter((phase) => phase.startsWith('attention:') && !/outcomeUnknown|connectionLost/.test(phase))).toEqual([]);

  await world.startAgent([], {});
  // Back, the agent reports the sync cut short at the keychain: the window says just that.
  const alert2 = page.getByRole('alert');
  await expect(alert2).toContainText("pwsync couldn't finish updating your password", { timeout: 10_000 });
  await expect(page.getByText("This step didn't work: Updating your login keychain.")).toBeVisible();
  await expect(page.locator('.completed-steps')).toContainText('Updating your account password');
  await expect(page.locator('.next-step').first()).toBeVisible();
  await expectAccessible(page, 'step failed, as the agent reported it');
  await screenshot(page, 'attention-step-failed');

  // The status view tells support the same.
  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.locator('[data-fact="lastResult"]')).toContainText('Stopped part way');
  await expect(page.locator('[data-fact="agent"]')).toContainText('Connected');
  await expectNoSecrets(world, page);
});
