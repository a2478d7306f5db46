import { describe, expect, it } from 'vitest';
import { english, loaders } from 'virtual:tray-words';
import en from './locales/en.json';
import { LANGUAGES, createI18n, matchLanguage, switchLanguage, trayWordsFor } from './index';

const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*.json', { eager: true });
const locales = Object.fromEntries(Object.entries(files).map(([path, module]) => [/\/([^/]+)\.json$/.exec(path)![1]!, module.default]));

function leaves(value: unknown, path = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

/** i18next's plural forms differ by language (ja has only _other, fr has _many): compare the base key. */
const baseKey = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1]!).sort();
const ENGLISH = new Map(leaves(en).map(([key, text]) => [baseKey(key), text]));

describe('the console in eight languages', () => {
  it('has the tray\'s eight languages, and the tray\'s words in each', () => {
    expect([...LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fr', 'ja', 'nl', 'pt-BR', 'zh-CN']);
    expect(Object.keys(locales).sort()).toEqual([...LANGUAGES].sort());
    expect(Object.keys(loaders).sort()).toEqual(LANGUAGES.filter((code) => code !== 'en').sort());
  });

  it.each(Object.keys(locales).filter((code) => code !== 'en'))('%s has exactly the English keys, with the same placeholders', (code) => {
    const entries = leaves(locales[code]);
    const keys = new Set(entries.map(([key]) => baseKey(key)));
    const missing = [...ENGLISH.keys()].filter((key) => !keys.has(key));
    const extra = [...keys].filter((key) => !ENGLISH.has(key));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    for (const [key, text] of entries) {
      expect(text, `${code} ${key}`).toMatch(/\S/);
      const english = ENGLISH.get(baseKey(key));
      const allowed = new Set([...placeholders(english), 'count']);
      for (const name of placeholders(text)) expect(allowed.has(name), `${code} ${key} has {{${name}}}`).toBe(true);
      if (!/_(one|other|many|few|two|zero)$/.test(key)) expect(placeholders(text), `${code} ${key}`).toEqual(placeholders(english));
    }
  });

  it.each(Object.keys(locales).filter((code) => code !== 'en'))('%s is a translation, not an English copy', (code) => {
    const entries = leaves(locales[code]).filter(([key]) => !key.startsWith('app.'));
    const same = entries.filter(([key, text]) => text === ENGLISH.get(baseKey(key)) && placeholders(text).join('') !== String(text).replace(/[^\w]/g, ''));
    // A few words are the same in both ("Mac", "Linux", "Windows", "Support"), but not many.
    expect(same.map(([key]) => key).length / entries.length).toBeLessThan(0.05);
  });

  it('has no empty strings', () => {
    for (const [key, text] of leaves(en)) expect(text, key).toMatch(/\S/);
  });

  it('matches wanted languages to the files there are, else English', () => {
    expect(matchLanguage('de-CH')).toBe('de');
    expect(matchLanguage('pt')).toBe('pt-BR');
    expect(matchLanguage('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLanguage('zh-TW')).toBe('en');
    expect(matchLanguage('sv-SE')).toBe('en');
    expect(matchLanguage(undefined)).toBe('en');
  });

  it('loads a language and the tray\'s words in it together', async () => {
    const i18n = createI18n();
    expect(i18n.t('search.title')).toBe('Find a person');
    expect(trayWordsFor('de')).toBe(english);
    await switchLanguage(i18n, 'de-DE');
    expect(i18n.language).toBe('de');
    expect(i18n.t('search.title')).not.toBe('Find a person');
    expect(trayWordsFor('de').situations.oneMacOnline.title).not.toBe(english.situations.oneMacOnline.title);
    expect(document.documentElement.lang).toBe('de');
  });
});
