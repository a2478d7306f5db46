/**
 * The window drawn by its host: the confirm form is on screen, focused, and takes
 * typing, Enter and Escape before the page's script has even arrived; React then takes
 * it over without losing any of it. The page's main chunk is held back here to make
 * "before" long enough to act in.
 */
import type { Page, Route } from '@playwright/test';
import { expect, expectNoSecrets, PASSWORDS, test } from './fixtures';

/** Opens the window with its main script held until `release()`; console lines kept for the password search. */
async function openHeld(page: Page, url: string): Promise<{ release(): Promise<void>; errors: string[] }> {
  const errors: string[] = [];
  const consoleLines: string[] = [];
  page.on('console', (message) => {
    consoleLines.push(message.text());
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { consoleLines?: string[] }).consoleLines = consoleLines;
  let held: Route | undefined;
  let arrived: () => void = () => undefined;
  const heldNow = new Promise<void>((resolve) => (arrived = resolve));
  await page.route(/\/assets\/main-[^/]+\.js$/, (route) => {
    held = route;
    arrived();
  });
  // The host draws the window once it knows there is a change to confirm.
  const token = new URL(url).searchParams.get('token')!;
  await expect
    .poll(async () => {
      const response = await page.request.post(new URL('/api/invoke/getState', url).href, { headers: { 'X-Pwsync-Token': token }, data: [] });
      return ((await response.json()) as { phase: string }).phase;
    })
    .toBe('pending');
  await page.goto(url, { waitUntil: 'commit' });
  await heldNow;
  return {
    errors,
    async release() {
      await held!.continue();
      await page.unroute(/\/assets\/main-[^/]+\.js$/);
    },
  };
}

test('typing and Enter before the script arrives are kept, and the change goes through', async ({ page, world }) => {
  const window = await openHeld(page, world.host.url);
  const newField = page.getByLabel('New password', { exact: true });
  await expect(newField).toBeFocused();
  await expect(page.getByText('The password you just set at Okta.')).toBeVisible();
  await page.keyboard.type(PASSWORDS.next);
  await page.keyboard.press('Enter');
  // Still the host's drawing: nothing happened yet, nothing was lost.
  await expect(newField).toHaveValue(PASSWORDS.next);
  await expect(page.getByText('Step 1 of 2')).toBeVisible();

  await window.release();
  const previousField = page.getByLabel('Previous password', { exact: true });
  await expect(previousField).toBeFocused();
  await page.keyboard.type(PASSWORDS.previous);
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-phase="synced"]')).toBeVisible();
  // React took the drawing over without starting again (that would have said so in the console).
  expect(window.errors).toEqual([]);
  await expectNoSecrets(world, page);
});

test('Escape before the script arrives still clears the form', async ({ page, world }) => {
  const window = await openHeld(page, world.host.url);
  const newField = page.getByLabel('New password', { exact: true });
  await expect(newField).toBeFocused();
  await page.keyboard.type(PASSWORDS.next);
  await page.keyboard.press('Escape');
  await window.release();
  await expect(page.getByLabel('New password', { exact: true })).toHaveValue('');
  expect(window.errors).toEqual([]);
  await expectNoSecrets(world, page);
});

test('the page address without its token gets the window undrawn, with no state in it', async ({ page, world }) => {
  const base = world.host.url.replace(/\?token=.*$/, '');
  const response = await page.request.get(base);
  const html = await response.text();
  expect(html).not.toContain('new-password');
  expect(html).not.toContain('pwsync-first-paint');
  expect(html).toContain('<div id="root"></div>');
});
