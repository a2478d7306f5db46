/**
 * The tray app's words that the console repeats, taken from the tray window's own locale
 * files at build time, so the walkthrough support reads out is the one the person reads
 * in Help, in every language, with nothing copied by hand: the situations' titles, "when"
 * lines and steps (each $t(…) reference resolved as the window resolves it), and the
 * names of the agent's steps ("Updating your login keychain"). Only these few keys reach
 * the console's bundle, not the tray's whole files.
 *
 * A Vite plugin serves them as `virtual:tray-words` (English, and a loader per language).
 * test/unit/one-source.test.ts holds the result to the tray's texts and the support guide.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { CONSOLE_SITUATIONS, type ConsoleSituation, type TrayWords, type Walkthrough } from './src/walkthroughs/tray-words-types.ts';

const LOCALES = fileURLToPath(new URL('../tray/renderer/src/i18n/locales/', import.meta.url));

type Tree = { [key: string]: Tree | string | string[] };

export { CONSOLE_SITUATIONS } from './src/walkthroughs/tray-words-types.ts';

export function trayLanguages(): string[] {
  return readdirSync(LOCALES)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

function lookUp(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Tree | undefined)?.[part], tree);
}

/** A text as the tray window shows it: each $t(key) replaced by that key's words; {{provider}} is left for the console to fill. */
function render(tree: Tree, text: string, depth = 0): string {
  if (depth > 5) throw new Error(`tray words: $t() nested too deep in "${text}"`);
  return text.replace(/\$t\(([\w.]+)\)/g, (_, key: string) => {
    const words = lookUp(tree, key);
    if (typeof words !== 'string') throw new Error(`tray words: $t(${key}) names no text`);
    return render(tree, words, depth + 1);
  });
}

function texts(tree: Tree, key: string): Record<string, string> {
  const node = lookUp(tree, key) as Record<string, unknown> | undefined;
  if (!node) throw new Error(`tray words: no ${key}`);
  return Object.fromEntries(Object.entries(node).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, render(tree, v as string)]));
}

/** The words for one language, read from the tray window's file. */
export function trayWords(language: string): TrayWords {
  const tree = JSON.parse(readFileSync(path.join(LOCALES, `${language}.json`), 'utf8')) as Tree;
  const situations = Object.fromEntries(
    CONSOLE_SITUATIONS.map((situation) => {
      const node = lookUp(tree, `support.situations.${situation}`) as { title: string; when: string; steps: string[]; stepsNotOffered?: string[] } | undefined;
      if (!node) throw new Error(`tray words: ${language} has no walkthrough ${situation}`);
      const walkthrough: Walkthrough = { title: render(tree, node.title), when: render(tree, node.when), steps: node.steps.map((step) => render(tree, step)) };
      if (node.stepsNotOffered) walkthrough.stepsNotOffered = node.stepsNotOffered.map((step) => render(tree, step));
      return [situation, walkthrough];
    }),
  ) as Record<ConsoleSituation, Walkthrough>;
  return { situations, steps: texts(tree, 'confirming.steps'), linuxSteps: texts(tree, 'confirming.linux.steps') };
}

const ID = 'virtual:tray-words';
const RESOLVED = `\0${ID}`;

/** `import { english, loadTrayWords } from 'virtual:tray-words'`: English in the bundle, each other language its own chunk. */
export function trayWordsPlugin(): Plugin {
  return {
    name: 'pwsync-tray-words',
    resolveId(id) {
      if (id === ID || id.startsWith(`${ID}/`)) return `\0${id}`;
      return undefined;
    },
    load(id) {
      if (id === RESOLVED) {
        const others = trayLanguages().filter((language) => language !== 'en');
        const loaders = others.map((language) => `  ${JSON.stringify(language)}: () => import(${JSON.stringify(`${ID}/${language}`)}).then((m) => m.default),`);
        return `export const english = ${JSON.stringify(trayWords('en'))};\nexport const loaders = {\n${loaders.join('\n')}\n};\n`;
      }
      if (id.startsWith(`${RESOLVED}/`)) {
        const language = id.slice(RESOLVED.length + 1);
        for (const file of ['en', language]) this.addWatchFile(path.join(LOCALES, `${file}.json`));
        return `export default ${JSON.stringify(trayWords(language))};\n`;
      }
      return undefined;
    },
  };
}
