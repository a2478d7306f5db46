/** A console session ends when it is not used for a while: the page says so, and asks to sign in again. */
import { expect, test } from '@playwright/test';
import { startConsoleWorld, type ConsoleWorld } from './console-world';

let world: ConsoleWorld;
const IDLE_MS = 2_000;

test.beforeEach(async () => {
  world = await startConsoleWorld({ idleTimeoutMs: IDLE_MS });
  await world.createPerson('alex@example.com', { givenName: 'Alex', familyName: 'Rivera' }, 'alex@example.com');
});

test.afterEach(async () => {
  await world.stop();
});

test('a session left idle ends: the next search brings the sign-in screen, which says why', async ({ page }) => {
  await world.signIn(page, 'sub-sam');
  await expect(page.getByRole('heading', { name: 'Find a person' })).toBeVisible();
  await page.waitForTimeout(IDLE_MS + 500);
  await page.getByLabel('Name, user name or email').fill('alex');
  await expect(page.getByRole('heading', { name: 'Sign in to the pwsync console' })).toBeVisible();
  await expect(page.getByText("Your session ended because it wasn't used for a while. Sign in again to continue.")).toBeVisible();
  // Signing in again works, and the old cookie is no use to anyone.
  await page.getByRole('link', { name: 'Sign in with Okta' }).click();
  await expect(page.getByRole('heading', { name: 'Find a person' })).toBeVisible();
});

test('a person\'s live page ends with the session, and shows the sign-in screen', async ({ page }) => {
  await world.signIn(page, 'sub-sam');
  await page.goto(`${world.consoleUrl}#/people/alex%40example.com`);
  await expect(page.getByText('Live: this page updates by itself.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in to the pwsync console' })).toBeVisible({ timeout: IDLE_MS + 20_000 });
  await expect(page.getByText("Your session ended because it wasn't used for a while. Sign in again to continue.")).toBeVisible();
});
