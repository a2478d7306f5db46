/**
 * Every screen and state (screen-scenes.ts) in English, German and Japanese, light and
 * dark, at 100 % and 125 % zoom in the window's usual size and at its minimum size
 * (main/window.ts: 420 × 600, at least 360 × 480), each written to
 * test-results/screens/<language>/<size>-<theme>/<scene>.png for a person to look at.
 * For each one: nothing runs past the window or is cut off by a box that hides its
 * overflow, nothing scrolls sideways, the one scroll container under the header is the
 * only thing that scrolls up and down and reaches everything, no two controls overlap, a row of
 * buttons that wraps stacks them all at full width (never Back alone above a wide
 * primary), and axe reports nothing. One page per size, its state pushed through a test
 * bridge, so the whole set takes well under a minute per language.
 */
import axe from 'axe-core';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openWithTestBridge } from './screen-bridge';
import { SCENES, TYPED, type Scene } from './screen-scenes';

/** Zoom in Electron divides the window's CSS pixels; the device pixels stay. */
const SIZES = [
  { name: '100', width: 420, height: 600, zoom: 1 },
  { name: '125', width: 420, height: 600, zoom: 1.25 },
  { name: 'min', width: 360, height: 480, zoom: 1 },
] as const;
const THEMES = ['light', 'dark'] as const;
const LANGUAGES = [
  { code: 'en', locale: 'en-US' },
  { code: 'de', locale: 'de-DE' },
  { code: 'ja', locale: 'ja-JP' },
] as const;

test.describe.configure({ mode: 'parallel' });

// One test per language and size, so the two workers share the set evenly.
for (const { code, locale } of LANGUAGES) {
  for (const size of SIZES) {
    test(`every screen in ${code} at ${size.name === 'min' ? 'the smallest window' : `${size.name} %`}: nothing clipped or overlapping, axe clean, light and dark`, async ({ browser }) => {
      test.setTimeout(60_000);
      await walkScenes(browser, code, locale, size);
    });
  }
}

async function walkScenes(browser: Browser, language: string, locale: string, size: (typeof SIZES)[number]): Promise<void> {
  const context = await browser.newContext({
    locale,
    viewport: { width: Math.round(size.width / size.zoom), height: Math.round(size.height / size.zoom) },
    deviceScaleFactor: size.zoom,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(message.text()));
  // axe once per page, not once per look (AxeBuilder injects it at every call: minutes over this set).
  await page.addInitScript({ content: axe.source });
  await openWithTestBridge(page);
  // Before any state: connecting.
  await expect(page.locator('[data-phase="connecting"]')).toBeVisible();
  await check(page, language, size, 'connecting');
  for (const scene of SCENES) {
    await show(page, scene, language);
    await check(page, language, size, scene.name, scene.docs);
  }
  // The page's own link to the app gone (the browser demo): said over the last state.
  await page.evaluate(() => {
    window.__screens!.view('main');
    window.__screens!.lose();
  });
  await expect(page.locator('[data-unreachable="appConnectionLost"]')).toBeVisible();
  await check(page, language, size, 'unreachable-app-lost');
  const everything = [await page.content(), consoleLines.join('\n')].join('\n');
  for (const typed of Object.values(TYPED)) expect(everything.includes(typed), 'a typed password reached the page or its console').toBe(false);
  await context.close();
}

/** Pushes the scene's state from a neutral start (the store keeps a step or a view otherwise), in its view, then does its part. */
async function show(page: Page, scene: Scene, language: string): Promise<void> {
  const state = scene.state(language);
  await page.evaluate(
    ([neutral, wanted, view]) => {
      window.__screens!.view('main');
      window.__screens!.push(neutral);
      window.__screens!.push(wanted);
      if (view !== 'main') window.__screens!.view(view);
    },
    [{ ...state, phase: 'idle' } as typeof state, state, scene.view ?? 'main'] as const,
  );
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(page.locator(`[data-phase="${state.phase}"][data-view="${scene.view ?? 'main'}"]`)).toBeVisible();
  await scene.act?.(page);
  // A help view loads its diagnostics; everything else is drawn at once.
  if (scene.view === 'support') await page.locator('[data-support-code]').waitFor();
}

async function check(page: Page, language: string, size: (typeof SIZES)[number], name: string, docs?: string): Promise<void> {
  expect(await page.locator('input[type="text"][id$="password"]').count(), 'no password is shown in clear').toBe(0);
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    const where = `${language} ${size.name} ${theme} ${name}`;
    expect(await layoutProblems(page), where).toEqual([]);
    expect(await axeViolations(page), where).toEqual([]);
    await page.screenshot({ path: `test-results/screens/${language}/${size.name}-${theme}/${name}.png`, animations: 'disabled', caret: 'hide' });
    if (docs && language === 'en' && size.name === '100' && theme === 'light' && process.env.PWSYNC_DOCS_SCREENSHOTS === '1') {
      await page.screenshot({ path: `docs/screenshots/${docs}.png`, animations: 'disabled', caret: 'hide' });
    }
  }
}

/** axe-core's violations on the page as it is (all its rules but the experimental ones, as AxeBuilder runs it). */
function axeViolations(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const { violations } = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** What is wrong with the layout as drawn, in words a failure message can show. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    const label = (element: Element) => `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ')[0]}` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
    const shown = (element: Element) => {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) return false;
      const style = getComputedStyle(element);
      return style.visibility !== 'hidden' && style.display !== 'none' && !element.closest('.visually-hidden, details:not([open]) > :not(summary)');
    };
    const elements = [...document.querySelectorAll('body *')].filter(shown);

    // The page itself never scrolls: what is under the header does, and only up and down.
    const page = document.scrollingElement!;
    if (page.scrollWidth > width + 1) problems.push(`the page scrolls sideways: ${page.scrollWidth} > ${width}`);
    if (page.scrollHeight > height + 1) problems.push(`the page itself scrolls: ${page.scrollHeight} > ${height}`);

    for (const element of elements) {
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (rect.left < -0.5 || rect.right > width + 0.5) problems.push(`${label(element)} runs past the window: ${Math.round(rect.left)}–${Math.round(rect.right)} of ${width}`);
      // A box that cuts off or scrolls its content sideways hides part of it.
      // (A text field scrolls what is typed into it: that is how fields work.)
      if (!element.matches('input, textarea') && style.overflowX !== 'visible' && element.scrollWidth > element.clientWidth + 1) problems.push(`${label(element)} hides ${element.scrollWidth - element.clientWidth} px sideways`);
      const scrolls = style.overflowY === 'auto' || style.overflowY === 'scroll';
      if (style.overflowY !== 'visible' && !scrolls && element.scrollHeight > element.clientHeight + 1) problems.push(`${label(element)} cuts off ${element.scrollHeight - element.clientHeight} px`);
      // Out of sight: only inside the one scroll container, which reaches it.
      if (rect.bottom > height + 0.5 || rect.top < -0.5) {
        const scroller = element.closest('.app-scroll');
        if (!scroller || getComputedStyle(scroller).overflowY !== 'auto') problems.push(`${label(element)} is out of the window, with no scroll to reach it`);
      }
    }

    // No two controls overlap, as far as each can be seen (what the screen has scrolled away is not drawn).
    const scroller = document.querySelector('.app-scroll')!.getBoundingClientRect();
    const seen = (element: Element): DOMRect => {
      const rect = element.getBoundingClientRect();
      if (!element.closest('.app-scroll')) return rect;
      const top = Math.max(rect.top, scroller.top);
      const bottom = Math.min(rect.bottom, scroller.bottom);
      return new DOMRect(rect.left, top, rect.width, Math.max(0, bottom - top));
    };
    const controls = elements.filter((element) => element.matches('button, input, summary, a[href], select, textarea'));
    for (let i = 0; i < controls.length; i += 1) {
      for (let j = i + 1; j < controls.length; j += 1) {
        const a = seen(controls[i]!);
        const b = seen(controls[j]!);
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        if (overlap && !controls[i]!.contains(controls[j]!) && !controls[j]!.contains(controls[i]!)) problems.push(`${label(controls[i]!)} overlaps ${label(controls[j]!)}`);
      }
    }

    // A row of buttons that wraps stacks them all at one width: Back never sits alone above a wide primary.
    for (const row of elements.filter((element) => element.matches('.actions'))) {
      const buttons = [...row.children].filter((child) => child.matches('button')).map((button) => button.getBoundingClientRect());
      if (buttons.length < 2 || new Set(buttons.map((b) => Math.round(b.top))).size === 1) continue;
      if (new Set(buttons.map((b) => Math.round(b.width))).size > 1) problems.push(`${label(row)} wraps into buttons of different widths`);
    }
    return problems;
  });
}
