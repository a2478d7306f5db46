/**
 * Which password to type where, and when, is said in the same words everywhere: where a
 * sentence repeats, it has one source. In the window that is one key ($t(…) in the
 * locale files: the walkthroughs take the done screen's FileVault sentence and the
 * buttons' names from their keys); between the window and the tray's notifications, the
 * same sentence in every language; and docs/support-guide.md quotes the English exactly:
 * its walkthroughs are the window's, and every word it sets in bold or “curly quotes” is
 * one of the window's or the tray's English texts. The support console shows support the
 * same walkthroughs and step names, taken from the window's files at build time
 * (packages/console/tray-words.ts): held here to the window's words in every language and
 * to the guide, and docs/console.md's quotes to the console's and the window's English.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_SITUATIONS, trayLanguages, trayWords as consoleWalkthroughs } from '../../packages/console/tray-words.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'zh-CN', 'nl'];
const PROVIDER = 'Okta';

type Tree = { [key: string]: Tree | string | string[] };
const load = (file: string): Tree => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Tree;
const windowWords = (language: string) => load(`packages/tray/renderer/src/i18n/locales/${language}.json`);
const trayWords = (language: string) => load(`packages/tray/src/core/i18n/locales/${language}.json`);

function lookUp(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Tree | undefined)?.[part], tree);
}

/** A text as the window shows it: each $t(key) replaced by that key's words, the provider named. */
function render(tree: Tree, text: string): string {
  return text.replace(/\$t\(([\w.]+)\)/g, (_, key: string) => render(tree, String(lookUp(tree, key)))).replaceAll('{{provider}}', PROVIDER);
}

function leaves(tree: Tree | string | string[]): string[] {
  if (typeof tree === 'string') return [tree];
  return Object.values(tree).flatMap((child) => leaves(child as Tree));
}

const EN = windowWords('en');
const GUIDE = readFileSync(path.join(ROOT, 'docs/support-guide.md'), 'utf8');

/** Each English text the person can see, as a pattern: a placeholder other than the provider stands for anything. */
const ENGLISH_TEXTS = [...leaves(EN).map((text) => render(EN, text)), ...leaves(trayWords('en')).map((text) => render(trayWords('en'), text))];
const SENTENCES = ENGLISH_TEXTS.flatMap((text) => [text, ...text.split(/(?<=[.:!?])\s+/)]).flatMap((text) => [text, text.replace(/[.:]$/, '')]);
// A text that is mostly placeholders ("{{minutes}} and {{seconds}}") would match almost anything: not a quote's source.
const literalWords = (text: string) => text.replace(/\{\{\w+\}\}/g, ' ').split(/\s+/).filter((word) => /\w/.test(word)).length;
const PATTERNS = SENTENCES.filter((text) => !/\{\{/.test(text) || literalWords(text) >= 3).map(
  (text) => new RegExp(`^${text.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\{\w+\}\}/g, '.+')}$`),
);
const isEnglishText = (quote: string) => PATTERNS.some((pattern) => pattern.test(quote));

describe('one source for each sentence that repeats', () => {
  it.each(LANGUAGES)('%s: the notification after a sync says what the done screen says about FileVault', (language) => {
    const fileVault = lookUp(windowWords(language), 'synced.fileVault');
    expect(typeof fileVault).toBe('string');
    expect(lookUp(trayWords(language), 'notification.synced.fileVault')).toBe(fileVault);
  });

  it.each(LANGUAGES)('%s: walkthroughs 1 and 2 end with the done screen\'s FileVault sentence, from its key', (language) => {
    const words = windowWords(language);
    for (const situation of ['oneMacOnline', 'oneMacOffline']) {
      const steps = lookUp(words, `support.situations.${situation}.steps`) as string[];
      expect(steps.at(-1), situation).toBe('$t(support.say.useNew)');
    }
    expect(lookUp(words, 'support.say.useNew')).toMatch(/\$t\(synced\.fileVault\)$/);
  });

  it('the support guide\'s walkthroughs are the window\'s, word for word', () => {
    const section = GUIDE.slice(GUIDE.indexOf('## The walkthroughs'), GUIDE.indexOf('## What the screens mean'));
    const situations = lookUp(EN, 'support.situations') as Tree;
    const inGuide = section.split(/^### /m).slice(1);
    expect(inGuide.map((part) => part.split('\n')[0])).toEqual(Object.values(situations).map((situation) => (situation as Tree).title));
    Object.values(situations).forEach((situation, i) => {
      const part = inGuide[i]!;
      const { when, steps, stepsNotOffered } = situation as { when: string; steps: string[]; stepsNotOffered?: string[] };
      expect(part.split('\n').slice(1).find((line) => line.trim() !== ''), `${(situation as Tree).title}`).toBe(render(EN, when));
      // Each numbered list in turn: the steps, then (for a forgotten password) those where starting over is not offered.
      const lists = part.split(/\n\n+/).filter((block) => /^1\. /.test(block)).map((block) => block.split('\n').map((line) => line.replace(/^\d+\. /, '')));
      expect(lists, `${(situation as Tree).title}`).toEqual([steps, ...(stepsNotOffered ? [stepsNotOffered] : [])].map((list) => list.map((step) => render(EN, step))));
    });
  });

  it('every word the support guide quotes is one of the window\'s or the tray\'s English texts', () => {
    const quotes = [...GUIDE.matchAll(/\*\*([^*]+)\*\*|“([^”]+)”/g)].map((match) => (match[1] ?? match[2]!).replace(/\s+/g, ' '));
    // The one bold word that is about the guide itself.
    const shown = quotes.filter((quote) => quote !== 'bold');
    expect(shown.length).toBeGreaterThan(60);
    expect(shown.filter((quote) => !isEnglishText(quote))).toEqual([]);
  });

  it('does not take a sentence that is not in the window for one that is', () => {
    expect(isEnglishText('Until you restart, FileVault may still ask for your previous password.')).toBe(false);
    expect(isEnglishText('Your account password and FileVault will change to your new password.')).toBe(false);
    expect(isEnglishText('The next time your Mac starts up, type your new password at the FileVault unlock screen.')).toBe(true);
    expect(isEnglishText("This step didn't work: Updating your account password.")).toBe(true);
  });
});

describe('the support console says what the window and the guide say', () => {
  const consoleEnglish = load('packages/console/src/i18n/locales/en.json');
  const CONSOLE_GUIDE = readFileSync(path.join(ROOT, 'docs/console.md'), 'utf8');
  const withProvider = (text: string) => text.replaceAll('{{provider}}', PROVIDER);

  it('has a walkthrough for every situation the window has, in every language the window has', () => {
    expect(trayLanguages().sort()).toEqual([...LANGUAGES].sort());
    expect([...CONSOLE_SITUATIONS]).toEqual(Object.keys(lookUp(EN, 'support.situations') as Tree));
  });

  it.each(LANGUAGES)('%s: each walkthrough is the window\'s, word for word, and each step is named as the window names it', (language) => {
    const window = windowWords(language);
    const words = consoleWalkthroughs(language);
    for (const situation of CONSOLE_SITUATIONS) {
      const source = lookUp(window, `support.situations.${situation}`) as { title: string; when: string; steps: string[]; stepsNotOffered?: string[] };
      const shown = words.situations[situation];
      expect(withProvider(shown.title), situation).toBe(render(window, source.title));
      expect(withProvider(shown.when), situation).toBe(render(window, source.when));
      expect(shown.steps.map(withProvider), situation).toEqual(source.steps.map((step) => render(window, step)));
      expect(shown.stepsNotOffered?.map(withProvider), situation).toEqual(source.stepsNotOffered?.map((step) => render(window, step)));
      for (const text of [shown.title, shown.when, ...shown.steps]) expect(text, situation).not.toMatch(/\$t\(/);
    }
    expect(words.steps).toEqual(lookUp(window, 'confirming.steps'));
    expect(words.linuxSteps).toEqual(lookUp(window, 'confirming.linux.steps'));
  });

  it('its English walkthroughs are the support guide\'s', () => {
    const section = GUIDE.slice(GUIDE.indexOf('## The walkthroughs'), GUIDE.indexOf('## What the screens mean'));
    const inGuide = new Map(section.split(/^### /m).slice(1).map((part) => [part.split('\n')[0]!, part]));
    for (const situation of CONSOLE_SITUATIONS) {
      const shown = consoleWalkthroughs('en').situations[situation];
      const part = inGuide.get(shown.title);
      expect(part, shown.title).toBeDefined();
      expect(part!.split('\n').slice(1).find((line) => line.trim() !== ''), shown.title).toBe(withProvider(shown.when));
      const lists = part!.split(/\n\n+/).filter((block) => /^1\. /.test(block)).map((block) => block.split('\n').map((line) => line.replace(/^\d+\. /, '')));
      expect(lists, shown.title).toEqual([shown.steps, ...(shown.stepsNotOffered ? [shown.stepsNotOffered] : [])].map((list) => list.map(withProvider)));
    }
  });

  it('every word docs/console.md quotes is one of the console\'s or the window\'s English texts', () => {
    const consoleTexts = leaves(consoleEnglish).flatMap((text) => [text, ...text.split(/(?<=[.:!?])\s+/)]).flatMap((text) => [text, text.replace(/[.:]$/, '')]);
    const patterns = consoleTexts.filter((text) => !/\{\{/.test(text) || literalWords(text) >= 2).map((text) => new RegExp(`^${text.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\{\w+\}\}/g, '.+')}$`));
    const quotes = [...CONSOLE_GUIDE.matchAll(/\*\*([^*]+)\*\*|“([^”]+)”/g)].map((match) => (match[1] ?? match[2]!).replace(/\s+/g, ' '));
    expect(quotes.length).toBeGreaterThan(25);
    expect(quotes.filter((quote) => !isEnglishText(quote) && !patterns.some((pattern) => pattern.test(quote)))).toEqual([]);
  });
});
