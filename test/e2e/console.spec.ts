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

test('each device says where it stands in the tray\'s words: a step that failed with the agent\'s reason, a Mac that is offline, then online; the walkthrough fits and copies', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await world.createPerson('bea@example.com', { givenName: 'Bea', familyName: 'Novak' }, 'bea.novak@example.com');
  const broken = await world.agent('bea@example.com', 'Bea MacBook Air', 'darwin');
  const later = await world.agent('bea@example.com', 'Bea iMac', 'darwin', { offline: true });
  await world.breakKeychain(broken);
  await world.signIn(page, 'sub-ada');
  // By email, as support often has it.
  await page.getByLabel('Name, user name or email').fill('bea.novak');
  await page.getByRole('link', { name: /Bea Novak/ }).click();
  const air = page.locator('[data-device]', { hasText: 'Bea MacBook Air' });
  const imac = page.locator('[data-device]', { hasText: 'Bea iMac' });
  await expect(imac.getByTestId('device-connection')).toHaveText('Offline');

  await world.changePassword('bea@example.com', PASSWORDS.next);
  await expect(imac.getByTestId('device-result')).toHaveText("Waiting: the computer gets the change when it's next online");
  const result = await world.confirm(broken);
  expect(result).toMatchObject({ outcome: 'failed', failedStep: 'keychain' });
  await expect(air.getByTestId('device-result')).toHaveText("Didn't work at “Updating your login keychain”The agent said: The login keychain is not on the previous password");
  await expect(page.getByText('Bea MacBook Air couldn\'t take the new password. It stopped at “Updating your login keychain”.', { exact: false })).toBeVisible();

  // Two Macs, one offline: the support guide's walkthrough for that, word for word, and copied as the person reads it.
  const walkthrough = page.locator('article.walkthrough[data-situation="severalMacsSomeOffline"]');
  await expect(walkthrough.locator('h3')).toHaveText('Several Macs, some of them offline');
  await expect(walkthrough.locator('li').first()).toHaveText('Finish the change on the Macs that are online first, as described above.');
  await walkthrough.getByRole('button', { name: 'Copy walkthrough' }).click();
  await expect(walkthrough.getByRole('status')).toHaveText('Copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.split('\n').slice(0, 5)).toEqual([
    'Several Macs, some of them offline',
    '',
    'You use more than one Mac, and some were off or not connected when you changed your password.',
    '',
    '1. Finish the change on the Macs that are online first, as described above.',
  ]);

  // The offline Mac comes online: the page says so by itself.
  await later.start();
  await expect(imac.getByTestId('device-connection')).toHaveText('Online now', { timeout: 3000 });
  await expect(imac.getByTestId('device-result')).toHaveText('Waiting for the person to finish the change');
});

test('Windows and Linux: the walkthrough for Windows first, each other one a click away', async ({ page }) => {
  await world.createPerson('chen@example.com', { givenName: 'Chen', familyName: 'Wei' }, 'chen@example.com');
  await world.agent('chen@example.com', 'Chen ThinkPad', 'win32');
  await world.agent('chen@example.com', 'Chen Workstation', 'linux');
  await world.changePassword('chen@example.com', PASSWORDS.next);
  await world.signIn(page, 'sub-sam');
  await page.goto(`${world.consoleUrl}#/people/chen%40example.com`);
  await expect(page.locator('article.walkthrough h3')).toHaveText('Windows');
  await expect(page.locator('article.walkthrough li')).toHaveText([
    'Change your password at Okta.',
    'Keep the computer switched on and connected. The pwsync agent updates your Windows password by itself.',
    "pwsync tells you when it's done.",
    'From then on, sign in and unlock the screen with your new password.',
  ]);
  const linux = page.locator('details.walkthrough[data-situation="linux"]');
  await linux.locator('summary').click();
  await expect(linux.locator('li').last()).toHaveText(/^Your login keyring and, if your disk is encrypted/);
});

test('support turns sync off for a computer and the computer is told at once; turned on again, and both are in the audit log', async ({ page }) => {
  const mac = await world.agent('alex@example.com', 'Alex MacBook', 'darwin');
  await world.signIn(page, 'sub-sam');
  await page.goto(`${world.consoleUrl}#/people/alex%40example.com`);
  const device = page.locator('[data-device]', { hasText: 'Alex MacBook' });
  await expect(device.getByTestId('device-connection')).toHaveText('Online now');
  expect((await world.agentStatus(mac)).directory.syncEnabled).toBe(true);

  await device.getByRole('button', { name: 'Turn sync off for this computer' }).click();
  await expect(device.getByText('The computer was told at once.')).toBeVisible();
  await expect(device.getByTestId('device-result')).toHaveText('Sync is turned off for this computer');
  await expect.poll(async () => (await world.agentStatus(mac)).directory.syncEnabled, { timeout: 1500 }).toBe(false);
  await expect(page.locator('.history')).toContainText('sam@example.com: Turned sync off or on for a computer (Alex MacBook).');

  await device.getByRole('button', { name: 'Turn sync on for this computer' }).click();
  await expect.poll(async () => (await world.agentStatus(mac)).directory.syncEnabled, { timeout: 1500 }).toBe(true);

  // The whole person, too.
  await page.getByRole('button', { name: 'Turn sync off for this person' }).click();
  await expect(page.getByTestId('person-sync')).toHaveText('Turned off');
  await expect(device.getByTestId('device-result')).toHaveText('Sync is turned off for this person');
  await expect.poll(async () => (await world.agentStatus(mac)).directory.syncEnabled, { timeout: 1500 }).toBe(false);
});
