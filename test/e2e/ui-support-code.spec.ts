/** One support code per state, wherever support meets it: Help, the copied text, the app's log. */
import { promises as fs } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, expectNoSecrets, PASSWORDS, test } from './fixtures';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const CODE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

/** Help's support code, once the panel has one. */
async function codeInHelp(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Help' }).click();
  const code = page.locator('[data-support-code]');
  await expect(code).toHaveText(CODE);
  return (await code.textContent())!;
}

async function copiedReport(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy diagnostics' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible();
  return page.evaluate(() => navigator.clipboard.readText());
}

/** The codes the app logged, in order (one JSON line each, as pwsync doctor reads them). */
async function loggedCodes(file: string): Promise<string[]> {
  const lines = (await fs.readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { msg: string; supportCode?: string });
  return lines.filter((line) => line.msg === 'diagnostics generated').map((line) => line.supportCode!);
}

test('one code per state: the same on screen, in the copy and in the log at every opening and after a reload; a new one once the state changes', async ({ page, world }) => {
  await world.open(page);
  const first = await codeInHelp(page);
  expect(await copiedReport(page)).toContain(`pwsync diagnostics — support code ${first}\n`);

  // Help closed and opened again, and the page reloaded: the state is the same, so is the code.
  await page.getByRole('button', { name: 'Back' }).click();
  expect(await codeInHelp(page)).toBe(first);
  await page.reload();
  expect(await codeInHelp(page)).toBe(first);
  expect(await copiedReport(page)).toContain(`support code ${first}\n`);
  await expect.poll(() => loggedCodes(world.appLog)).toEqual([first]);

  // The change confirmed: another state, another code, in all three places.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.next);
  await page.keyboard.press('Enter');
  await page.getByLabel('Previous password', { exact: true }).fill(PASSWORDS.previous);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Your password is updated' })).toBeVisible();
  const after = await codeInHelp(page);
  expect(after).not.toBe(first);
  expect(await copiedReport(page)).toContain(`support code ${after}\n`);
  await expect.poll(() => loggedCodes(world.appLog)).toEqual([first, after]);
  // The diagnostics name the log they are in.
  expect(await copiedReport(page)).toContain(`Log: ${world.appLog}`);
  await expectNoSecrets(world, page);
});
