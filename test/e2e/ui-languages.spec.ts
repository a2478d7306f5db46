/** Each language renders the confirm screen in its own words, without overflow; the policy's language wins over the system's. */
import { expect, expectAccessible, screenshot, test } from './fixtures';

const LANGUAGES = [
  { locale: 'en-US', lang: 'en', title: 'Finish your password change' },
  { locale: 'de-DE', lang: 'de', title: 'Passwortänderung abschließen' },
  { locale: 'fr-FR', lang: 'fr', title: 'Terminez le changement de mot de passe' },
  { locale: 'es-ES', lang: 'es', title: 'Termina el cambio de contraseña' },
  { locale: 'pt-BR', lang: 'pt-BR', title: 'Conclua a troca de senha' },
  { locale: 'ja-JP', lang: 'ja', title: 'パスワード変更を完了する' },
  { locale: 'zh-CN', lang: 'zh-CN', title: '完成密码更改' },
  { locale: 'nl-NL', lang: 'nl', title: 'Rond je wachtwoordwijziging af' },
];

/** Elements whose content would be cut off or scroll sideways if a translation were too long. */
const BOXES = ['.app', '.app-header', '.app-nav', 'main', '.app-footer', 'form', '.field-row', '.actions', 'h1', 'label', 'button'];

test('all eight languages render the confirm screen without overflow', async ({ browser, world }) => {
  test.setTimeout(60_000);
  for (const { locale, lang, title } of LANGUAGES) {
    const context = await browser.newContext({ locale, viewport: { width: 420, height: 600 } });
    const page = await context.newPage();
    await world.open(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    for (const step of ['new', 'previous'] as const) {
      if (step === 'previous') {
        await page.locator('#new-password').fill('x');
        await page.keyboard.press('Enter');
        await expect(page.locator('#previous-password')).toBeFocused();
      }
      const overflowing = await page.evaluate((selectors) => {
        const found: string[] = [];
        for (const selector of selectors) {
          for (const element of document.querySelectorAll(selector)) {
            if (element.scrollWidth > element.clientWidth + 1) found.push(`${selector}: "${element.textContent?.slice(0, 40)}" ${element.scrollWidth}>${element.clientWidth}`);
          }
        }
        return found;
      }, BOXES);
      expect(overflowing, `${locale}, ${step} password`).toEqual([]);
      await screenshot(page, `lang-${lang}-${step}`);
    }
    await context.close();
  }
});

test.describe('a language set by policy', () => {
  test.use({ worldOptions: { seed: true, agent: true, policy: { identityProvider: 'Okta', language: 'ja' } } });

  test('wins over the system language, and every screen is still accessible', async ({ page, world }) => {
    await world.open(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('パスワード変更を完了する');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expectAccessible(page, 'confirm in Japanese');
    await page.getByRole('button', { name: 'ヘルプ' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'ヘルプ' })).toBeVisible();
    await expectAccessible(page, 'help in Japanese');
    await screenshot(page, 'lang-ja-help');
  });
});
