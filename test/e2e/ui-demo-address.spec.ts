/** The browser demo survives a reload, and a page opened without its token says which address to open. */
import { expect, expectAccessible, expectNoSecrets, PASSWORDS, screenshot, test } from './fixtures';

test('a reload keeps the demo: the same screen, the demo notice, true facts in Status, diagnostics, and a change still confirms', async ({ page, world }) => {
  await world.open(page);
  await expect(page.getByLabel('New password', { exact: true })).toBeVisible();
  // The token left the address bar at once, as before.
  expect(page.url()).not.toContain('token');
  await page.reload();
  await expect(page.getByLabel('New password', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Demo mode' })).toBeVisible();
  await expect(page.getByText(/lost its connection|Restart the computer/)).toHaveCount(0);

  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.locator('[data-fact="agent"]')).toContainText('Connected');
  await expect(page.locator('[data-fact="pending"]')).toContainText('From Okta');
  await page.getByRole('button', { name: 'Help' }).click();
  await expect(page.locator('[data-support-code]')).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

  // Reloaded twice, then a whole confirmation: the page still drives the demo.
  await page.reload();
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.keyboard.press('Enter');
  await page.getByLabel('Previous password', { exact: true }).fill(PASSWORDS.previous);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Your password is updated' })).toBeVisible();
  await expectNoSecrets(world, page);
});

test('the address without its token (a new tab), or with an earlier run\'s: what to do, and nothing false', async ({ page, world }) => {
  const base = world.host.url.split('?')[0]!;
  const token = new URL(world.host.url).searchParams.get('token')!;
  for (const address of [base, `${base}?token=${'x'.repeat(token.length)}`]) {
    await page.goto(address);
    await expect(page.getByRole('heading', { level: 1, name: 'Open the demo at the address npm start printed' })).toBeVisible();
    await expect(page.getByText(/pwsync demo: open http:\/\/127\.0\.0\.1:…\/\?token=…/)).toBeVisible();
    await expect(page.getByRole('region', { name: 'Demo mode' })).toBeVisible();
    const text = (await page.locator('body').textContent()) ?? '';
    for (const untrue of ['lost its connection', 'Restart the computer', "isn't running", 'Never', 'None']) expect(text).not.toContain(untrue);
    await page.getByRole('button', { name: 'Status' }).click();
    await expect(page.locator('[data-fact]')).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 1, name: 'Open the demo at the address npm start printed' })).toBeVisible();
  }
  await expectAccessible(page, 'address without its token');
  await screenshot(page, 'demo-address-needed');

  // The page this test opened first still works in its own tab once given its address.
  await page.goto(world.host.url);
  await expect(page.getByLabel('New password', { exact: true })).toBeVisible();
  // A new tab at the bare address has no token: sessionStorage is this tab's alone.
  const other = await page.context().newPage();
  await other.goto(base);
  await expect(other.getByRole('heading', { level: 1, name: 'Open the demo at the address npm start printed' })).toBeVisible();
  await other.close();
  await expectNoSecrets(world, page);
});
