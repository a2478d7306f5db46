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
  // The agent's reason is its own English, marked so a screen reader in another language reads it as English.
  await expect(air.locator('[lang="en"]')).toHaveText('The login keychain is not on the previous password');
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

test('the fleet counts devices by state, lists those not synced for more than N hours, and exports what it lists as CSV', async ({ page }) => {
  const mac = await world.agent('alex@example.com', 'Alex MacBook', 'darwin');
  await world.createPerson('bea@example.com', { givenName: 'Bea', familyName: 'Novak' }, 'bea@example.com');
  await world.agent('bea@example.com', 'Bea iMac', 'darwin', { offline: true });
  await world.changePassword('alex@example.com', PASSWORDS.next);
  await world.changePassword('bea@example.com', PASSWORDS.next);
  await world.confirm(mac);
  await world.signIn(page, 'sub-sam');
  await page.getByRole('link', { name: 'Fleet' }).click();
  await expect(page.getByRole('heading', { name: 'Fleet', level: 1 })).toBeVisible();
  const count = (name: string) => page.locator(`[data-count="${name}"] .count-value`);
  await expect(count('devices')).toHaveText('2');
  await expect(count('synced')).toHaveText('1');
  await expect(count('waiting')).toHaveText('1');
  await expect(count('online')).toHaveText('1');

  // Nothing has waited a day yet; everything still waiting shows with 0 hours.
  await expect(page.getByRole('status').filter({ hasText: 'computers shown' })).toHaveText('0 computers shown.');
  await page.getByLabel('Hours').fill('x');
  await expect(page.getByText('Type a whole number of hours from 0 to 8760.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show' })).toBeDisabled();
  await page.getByLabel('Hours').fill('0');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('heading', { name: 'Not synced for more than 0 hours' })).toBeVisible();
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody tr')).toContainText(['bea@example.comBea iMacMacWaitingOffline']);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export as CSV' }).click()]);
  const csv = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]!.replaceAll('"', '')).toBe('userName,deviceName,deviceId,platform,state,online,lastCheckIn,changeId,changeCreatedAt,failedStep,reason');
  expect(lines.slice(1)).toHaveLength(1);
  expect(lines[1]).toMatch(/^"?bea@example\.com"?,"?Bea iMac"?,/);
});

test('an administrator makes an enrolment code, a computer enrols with it and appears on the person\'s page, and the code is used up; another is revoked', async ({ page }) => {
  await world.signIn(page, 'sub-ada');
  await page.getByRole('link', { name: 'Enrolment codes' }).click();
  await page.getByLabel('Person (user name, optional)').fill('alex@example.com');
  await page.getByLabel('Label').fill('Alex replacement MacBook');
  await page.getByLabel('Uses').fill('1');
  await page.getByLabel('Valid for').selectOption({ label: '1 day' });
  await page.getByRole('button', { name: 'Create code' }).click();
  await expect(page.getByText('Code “Alex replacement MacBook” created:')).toBeVisible();
  const code = (await page.getByTestId('new-code').textContent())!.trim();
  expect(code.length).toBeGreaterThanOrEqual(16);
  const row = page.locator('tbody tr', { hasText: 'Alex replacement MacBook' });
  await expect(row).toContainText('1 of 1');
  await expect(row).toContainText('Can be used');

  const { deviceId } = await world.enrol('alex@example.com', 'Alex new MacBook', 'darwin', code);
  await page.reload();
  await expect(page.locator('tbody tr', { hasText: 'Alex replacement MacBook' })).toContainText('Used up');
  await page.getByRole('link', { name: 'Find a person' }).click();
  await page.getByLabel('Name, user name or email').fill('alex');
  await page.getByRole('link', { name: /Alex Rivera/ }).click();
  await expect(page.locator(`[data-device="${deviceId}"] h3`)).toHaveText('Alex new MacBook');

  // A second code, revoked before use: the directory refuses it then.
  await page.getByRole('link', { name: 'Enrolment codes' }).click();
  await page.getByLabel('Person (user name, optional)').fill('alex@example.com');
  await page.getByLabel('Label').fill('Spare');
  await page.getByRole('button', { name: 'Create code' }).click();
  const spare = (await page.getByTestId('new-code').textContent())!.trim();
  await page.getByRole('button', { name: 'Revoke “Spare”' }).click();
  await expect(page.locator('tbody tr', { hasText: 'Spare' })).toContainText('Revoked');
  await expect(world.enrol('alex@example.com', 'Never enrolled', 'darwin', spare)).rejects.toThrow(/^4\d\d /);

  // Removing the new computer, confirmed first.
  await page.goto(`${world.consoleUrl}#/people/alex%40example.com`);
  const card = page.locator(`[data-device="${deviceId}"]`);
  await card.getByRole('button', { name: 'Remove computer…' }).click();
  await card.getByRole('button', { name: 'Remove computer', exact: true }).click();
  await expect(card).toHaveCount(0);

  await page.getByRole('link', { name: 'Audit log' }).click();
  for (const action of ['codeCreated', 'codeRevoked', 'deviceRemoved', 'signIn']) await expect(page.locator(`tbody tr[data-action="${action}"]`).first()).toBeVisible();
  expect(await page.content()).not.toContain(code);
});

test('a support account sees no administrator\'s pages, and the directory refuses an administrator\'s change it sends anyway', async ({ page }) => {
  await world.agent('alex@example.com', 'Alex MacBook', 'darwin');
  await world.signIn(page, 'sub-sam');
  await expect(page.getByText('Sam Support')).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Console' });
  await expect(nav.getByRole('link')).toHaveText(['Find a person', 'Fleet']);
  await page.goto(`${world.consoleUrl}#/codes`);
  await expect(page.getByRole('heading', { name: 'For administrators only' })).toBeVisible();
  await page.goto(`${world.consoleUrl}#/people/alex%40example.com`);
  await expect(page.getByRole('button', { name: 'Turn sync off for this computer' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Remove computer…' })).toHaveCount(0);

  // With the session's own CSRF token, as the page would send it.
  const refused = await page.evaluate(async () => {
    const session = (await (await fetch('/console/api/session')).json()) as { csrfToken: string };
    const response = await fetch('/console/api/enrolment-codes', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify({ userName: 'alex@example.com', label: 'sneaky' }) });
    return { status: response.status, body: (await response.json()) as { code: string } };
  });
  expect(refused).toEqual({ status: 403, body: expect.objectContaining({ code: 'forbidden' }) });
});

test('a change without the session\'s CSRF token is refused and changes nothing', async ({ page }) => {
  const mac = await world.agent('alex@example.com', 'Alex MacBook', 'darwin');
  await world.signIn(page, 'sub-ada');
  await expect(page.getByRole('heading', { name: 'Find a person' })).toBeVisible();
  const refused = await page.evaluate(async (deviceId) => {
    const response = await fetch(`/console/api/devices/${deviceId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ syncEnabled: false }) });
    return { status: response.status, body: (await response.json()) as { code: string } };
  }, mac.deviceId);
  expect(refused).toEqual({ status: 403, body: expect.objectContaining({ code: 'csrf' }) });
  expect((await world.agentStatus(mac)).directory.syncEnabled).toBe(true);
  // The page itself comes with its strict policy: no inline script or style, nothing from elsewhere, no framing.
  const served = await page.request.get(world.consoleUrl);
  expect(served.headers()['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'/);
  await page.goto(`${world.consoleUrl}#/people/alex%40example.com`);
  await expect(page.locator('[data-device]').getByTestId('device-result')).not.toHaveText('Sync is turned off for this computer');
});

test('a local console account made by an administrator signs in with its password; a wrong one and an account without a role are refused', async ({ page, browser }) => {
  await world.signIn(page, 'sub-ada');
  await page.getByRole('link', { name: 'Console accounts' }).click();
  await page.getByLabel('Account name (to sign in with)').fill('helpdesk-night');
  await page.getByLabel('Name shown').fill('Night Helpdesk');
  await page.getByLabel('Role', { exact: true }).selectOption('support');
  await page.getByLabel('First password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('A console password needs at least 12 characters.')).toBeVisible();
  await page.getByLabel('Account name (to sign in with)').fill('helpdesk-night');
  await page.getByLabel('First password').fill(PASSWORDS.third);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('tr[data-account="helpdesk-night"]')).toContainText('Night Helpdesk');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();

  await page.getByLabel('Account name').fill('helpdesk-night');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'match' })).toHaveText("That account name and password don't match.");
  await expect(page.getByLabel('Password')).toHaveValue('');
  await page.getByLabel('Password').fill(PASSWORDS.third);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Night Helpdesk')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link')).toHaveText(['Find a person', 'Fleet']);

  // Someone the identity provider knows, in no group the console maps to a role (a browser of their own: the provider remembers who signed in).
  const other = await browser.newPage();
  await world.signIn(other, 'sub-nora');
  await expect(other.getByText("Your organization's account isn't allowed in the console. Ask an administrator to add you.")).toBeVisible();
  await expect(other.getByRole('heading', { name: 'Sign in to the pwsync console' })).toBeVisible();
  await other.close();
});
