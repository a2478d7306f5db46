/**
 * Every screen of the support console, drawn from a real directory with real agents in
 * real states (console-world.ts), in English, German and Japanese, at 100 % and 125 %
 * zoom, light and dark, each written to test-results/console-screens/<language>/<size>-<theme>/<screen>.png
 * for a person to look at. For each one: nothing runs past the window or scrolls
 * sideways, no box cuts off what it holds, no two controls overlap, every control can be
 * reached with the keyboard and shows where the focus is, and axe reports nothing. With
 * PWSYNC_DOCS_SCREENSHOTS=1 the English light set at 100 % goes to docs/screenshots/.
 */
import axe from 'axe-core';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { ADMIN_TOKEN, type ConsoleWorld, PASSWORDS, startConsoleWorld } from './console-world';

const SIZES = [
  { name: '100', width: 1280, height: 800, zoom: 1 },
  { name: '125', width: 1280, height: 800, zoom: 1.25 },
] as const;
const THEMES = ['light', 'dark'] as const;
const LANGUAGES = [
  { code: 'en', locale: 'en-US', heading: { search: 'Find a person', signIn: 'Sign in to the pwsync console' } },
  { code: 'de', locale: 'de-DE', heading: { search: 'Person suchen', signIn: 'Bei der pwsync-Konsole anmelden' } },
  { code: 'ja', locale: 'ja-JP', heading: { search: '人を探す', signIn: 'pwsync コンソールにサインイン' } },
] as const;
type Language = (typeof LANGUAGES)[number];

test.describe.configure({ mode: 'serial' });

let world: ConsoleWorld;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  world = await startConsoleWorld();
  await world.createPerson('alex@example.com', { givenName: 'Alex', familyName: 'Rivera' }, 'alex@example.com');
  await world.createPerson('bea@example.com', { givenName: 'Bea', familyName: 'Novak' }, 'bea.novak@example.com');
  await world.createPerson('chen@example.com', { givenName: 'Chen', familyName: 'Wei' }, 'chen@example.com');
  await world.createPerson('alexandra.stone@example.com', { givenName: 'Alexandra', familyName: 'Stone' }, 'alexandra.stone@example.com');
  const alexMac = await world.agent('alex@example.com', 'Alex MacBook Pro', 'darwin');
  const beaAir = await world.agent('bea@example.com', 'Bea MacBook Air', 'darwin');
  await world.agent('bea@example.com', 'Bea iMac (studio)', 'darwin', { offline: true });
  await world.agent('chen@example.com', 'Chen ThinkPad', 'win32');
  await world.agent('chen@example.com', 'Chen Workstation', 'linux');
  for (const person of ['alex@example.com', 'bea@example.com', 'chen@example.com']) await world.changePassword(person, PASSWORDS.next);
  await world.confirm(alexMac);
  await world.breakKeychain(beaAir);
  await world.confirm(beaAir);
  // An enrolment code and a local account, so their screens have rows.
  await fetch(`${world.url}/api/v1/enrolment-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userName: 'chen@example.com', label: 'Chen spare laptop', uses: 2 }),
  });
});

test.afterAll(async () => {
  const everything = await world.allOutput();
  await world.stop();
  for (const secret of Object.values(PASSWORDS)) expect(everything.includes(secret), 'a password reached an output').toBe(false);
});

for (const language of LANGUAGES) {
  for (const size of SIZES) {
    test(`every console screen in ${language.code} at ${size.name} %: nothing clipped or overlapping, keyboard reachable, axe clean, light and dark`, async ({ browser }) => {
      test.setTimeout(120_000);
      await walkScreens(browser, language, size);
    });
  }
}

async function walkScreens(browser: Browser, language: Language, size: (typeof SIZES)[number]): Promise<void> {
  const context = await browser.newContext({
    locale: language.locale,
    viewport: { width: Math.round(size.width / size.zoom), height: Math.round(size.height / size.zoom) },
    deviceScaleFactor: size.zoom,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    // Asking for the session before signing in is answered 401: that is how the page learns no one is signed in.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text());
  });
  await page.addInitScript({ content: axe.source });
  const shot = (name: string) => check(page, language.code, size.name, name);

  await page.goto(world.consoleUrl);
  await expect(page.getByRole('heading', { name: language.heading.signIn })).toBeVisible();
  await shot('sign-in');

  world.oidc.signInAs = 'sub-ada';
  await page.locator('a[href^="/console/auth/oidc"]').click();
  await expect(page.getByRole('heading', { name: language.heading.search })).toBeVisible();
  await page.locator('input[type="search"]').fill('alex');
  await expect(page.locator('.result')).toHaveCount(2);
  await shot('search');

  await page.goto(`${world.consoleUrl}#/people/bea%40example.com`);
  await expect(page.locator('[data-device][data-state="failed"]')).toBeVisible();
  await expect(page.locator('[data-live="live"]')).toBeVisible();
  await shot('person-failed-and-offline');

  await page.goto(`${world.consoleUrl}#/people/chen%40example.com`);
  await expect(page.locator('[data-device]')).toHaveCount(2);
  await page.locator('details.walkthrough[data-situation="linux"] summary').click();
  await shot('person-windows-linux');

  await page.goto(`${world.consoleUrl}#/people/alex%40example.com`);
  await expect(page.locator('[data-device][data-state="synced"]')).toBeVisible();
  await shot('person-synced');

  await page.goto(`${world.consoleUrl}#/fleet`);
  await page.locator('input[inputmode="numeric"]').fill('0');
  await page.locator('form.inline-form button[type="submit"]').click();
  await expect(page.locator('tbody tr')).toHaveCount(4);
  await shot('fleet');

  await page.goto(`${world.consoleUrl}#/codes`);
  await expect(page.locator('tbody tr[data-code]').first()).toBeVisible();
  await page.locator('input[name="userName"]').fill('alex@example.com');
  await page.locator('input[name="label"]').fill('Alex replacement');
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('new-code')).toBeVisible();
  await shot('enrolment-codes');

  await page.goto(`${world.consoleUrl}#/accounts`);
  await expect(page.locator('tr[data-account]').first()).toBeVisible();
  await shot('console-accounts');

  await page.goto(`${world.consoleUrl}#/audit`);
  await expect(page.locator('tbody tr').first()).toBeVisible();
  await shot('audit-log');

  await page.locator('.app-account button').click();
  await expect(page.locator('.sign-in .note')).toBeVisible();
  await shot('signed-out');

  // A support engineer (a browser of their own: the provider remembers who signed in) following a link to an administrator's page.
  const support = await browser.newContext({ locale: language.locale, viewport: { width: Math.round(size.width / size.zoom), height: Math.round(size.height / size.zoom) }, deviceScaleFactor: size.zoom });
  const supportPage = await support.newPage();
  await supportPage.addInitScript({ content: axe.source });
  world.oidc.signInAs = 'sub-sam';
  await supportPage.goto(world.consoleUrl);
  await supportPage.locator('a[href^="/console/auth/oidc"]').click();
  await expect(supportPage.locator('.app-nav a')).toHaveCount(2);
  await supportPage.goto(`${world.consoleUrl}#/accounts`);
  await expect(supportPage.locator('h1')).not.toHaveText(language.heading.search);
  await check(supportPage, language.code, size.name, 'admin-only');
  await support.close();

  expect(errors, 'the page logged no errors').toEqual([]);
  await context.close();
}

async function check(page: Page, language: string, size: string, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  expect(await keyboardProblems(page), `${language} ${size} ${name}: keyboard`).toEqual([]);
  // The pictures show the screen as it opens, without the last Tab's focus ring.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    const where = `${language} ${size} ${theme} ${name}`;
    expect(await layoutProblems(page), where).toEqual([]);
    expect(await axeViolations(page), where).toEqual([]);
    await page.screenshot({ path: `test-results/console-screens/${language}/${size}-${theme}/${name}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
    if (language === 'en' && size === '100' && theme === 'light' && process.env.PWSYNC_DOCS_SCREENSHOTS === '1') {
      await page.screenshot({ path: `docs/screenshots/console-${name}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

function axeViolations(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const { violations } = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/**
 * Keyboard only: Tab from the top reaches the skip link first (once signed in) and then
 * every control of the page in reading order, each drawn with a visible focus outline.
 */
async function keyboardProblems(page: Page): Promise<string[]> {
  // Tab starts from the top of the page, as after loading it: a focused stand-in at the start of the body, removed at once.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
    start.remove();
    window.scrollTo(0, 0);
  });
  const expected = await page.evaluate(
    () =>
      [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), summary, [tabindex="0"]')].filter((element) => {
        const rect = element.getBoundingClientRect();
        return rect.width > 0 && rect.height > 0 && !element.closest('details:not([open]) > :not(summary)');
      }).length,
  );
  const problems: string[] = [];
  const seen: string[] = [];
  for (let i = 0; i < expected + 1; i += 1) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
      const label = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ')[0]}` : ''} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 30)}"`;
      // Round the page and back to the start: every control has been visited.
      const again = element.dataset.tabVisited === '1';
      element.dataset.tabVisited = '1';
      return { label, visible, again };
    });
    if (!focus || focus.again) break;
    seen.push(focus.label);
    if (!focus.visible) problems.push(`${focus.label} has no visible focus`);
  }
  await page.evaluate(() => document.querySelectorAll('[data-tab-visited]').forEach((element) => delete (element as HTMLElement).dataset.tabVisited));
  const first = await page.evaluate(() => document.querySelector('.skip-link') !== null);
  if (first && seen.length > 0 && !seen[0]!.startsWith('a.skip-link')) problems.push(`the first Tab reaches ${seen[0]} instead of the skip link`);
  if (seen.length < expected) problems.push(`Tab reached ${seen.length} of ${expected} controls`);
  return problems;
}

/** What is wrong with the layout as drawn, in words a failure message can show. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    const label = (element: Element) => `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ')[0]}` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
    const shown = (element: Element) => {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) return false;
      const style = getComputedStyle(element);
      return style.visibility !== 'hidden' && style.display !== 'none' && !element.closest('.visually-hidden, .skip-link, details:not([open]) > :not(summary)');
    };
    const elements = [...document.querySelectorAll('body *')].filter(shown);
    const root = document.scrollingElement!;
    if (root.scrollWidth > width + 1) problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${width}`);
    for (const element of elements) {
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      // Inside a table's own scroll box, a cell may lie beyond the box's edge: the box scrolls to it.
      const inScroller = element.closest('.table-wrap');
      if (!inScroller && (rect.left < -0.5 || rect.right > width + 0.5)) problems.push(`${label(element)} runs past the window: ${Math.round(rect.left)}–${Math.round(rect.right)} of ${width}`);
      const scrollsX = style.overflowX === 'auto' || style.overflowX === 'scroll';
      if (!element.matches('input, textarea, select') && style.overflowX !== 'visible' && !scrollsX && element.scrollWidth > element.clientWidth + 1) problems.push(`${label(element)} hides ${element.scrollWidth - element.clientWidth} px sideways`);
      const scrollsY = style.overflowY === 'auto' || style.overflowY === 'scroll';
      if (style.overflowY !== 'visible' && !scrollsY && element.scrollHeight > element.clientHeight + 1) problems.push(`${label(element)} cuts off ${element.scrollHeight - element.clientHeight} px`);
    }
    const controls = elements.filter((element) => element.matches('button, input, summary, a[href], select, textarea'));
    for (let i = 0; i < controls.length; i += 1) {
      for (let j = i + 1; j < controls.length; j += 1) {
        const a = controls[i]!.getBoundingClientRect();
        const b = controls[j]!.getBoundingClientRect();
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        if (overlap && !controls[i]!.contains(controls[j]!) && !controls[j]!.contains(controls[i]!)) problems.push(`${label(controls[i]!)} overlaps ${label(controls[j]!)}`);
      }
    }
    return problems;
  });
}
