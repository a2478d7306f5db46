/**
 * The support console end to end, in Chromium, against the real directory, real agents
 * and a real OpenID provider (console-world.ts): signing in, finding a person, a device's
 * result arriving live, sync turned off and the device told, the CSV export, an enrolment
 * code made and used, the roles, the CSRF token, an expired session. After each test
 * every output is searched for the people's passwords.
 */
import { expect, test } from '@playwright/test';
import { PASSWORDS, startConsoleWorld, type ConsoleWorld } from './console-world';

let world: ConsoleWorld;

test.beforeEach(async () => {
  world = await startConsoleWorld();
  await world.createPerson('alex@example.com', { givenName: 'Alex', familyName: 'Rivera' }, 'alex@example.com');
});

test.afterEach(async ({ page }) => {
  const everything = `${await world.allOutput()}\n${await page.content().catch(() => '')}`;
  await world.stop();
  for (const secret of Object.values(PASSWORDS)) expect(everything.includes(secret), 'a password reached an output').toBe(false);
});

test('an administrator signs in with the identity provider, finds a person as they type, and watches a Mac take the new password live', async ({ page }) => {
  const mac = await world.agent('alex@example.com', 'Alex MacBook', 'darwin');
  await world.signIn(page, 'sub-ada');
  await expect(page.getByRole('heading', { name: 'Find a person' })).toBeVisible();
  await expect(page.getByText('Ada Admin')).toBeVisible();

  await page.getByLabel('Name, user name or email').fill('riv');
  await page.getByRole('link', { name: /Alex Rivera/ }).click();
  await expect(page.getByRole('heading', { name: 'Alex Rivera', level: 1 })).toBeVisible();
  const device = page.locator('[data-device]', { hasText: 'Alex MacBook' });
  await expect(device.getByTestId('device-connection')).toHaveText('Online now');
  await expect(page.getByText('Live: this page updates by itself.')).toBeVisible();

  await world.changePassword('alex@example.com', PASSWORDS.next);
  await expect(device.getByTestId('device-result')).toHaveText('Waiting for the person to finish the change');
  await expect(page.locator('.walkthrough[data-situation="oneMacOnline"] h3')).toHaveText('One Mac, connected to the internet');

  await world.confirm(mac);
  await expect(device.getByTestId('device-result')).toHaveText(/^Synced/, { timeout: 1500 });
});
