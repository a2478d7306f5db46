import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import { createI18n, LANGUAGES, matchLanguage, switchLanguage } from './index';

const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*.json', { eager: true });
const locales = Object.fromEntries(Object.entries(files).map(([path, module]) => [/\/([^/]+)\.json$/.exec(path)![1]!, module.default]));

function leaves(value: unknown, path = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

/** i18next plural forms differ by language (ja has only _other; fr has _many): compare the base key. */
function baseKey(key: string): string {
  return key.replace(/_(zero|one|two|few|many|other)$/, '');
}

function placeholders(text: unknown): string[] {
  return [...String(text).matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1]!).sort();
}

/** The other keys a text takes words from ("$t(confirm.submit)"): one source for a sentence or a button's name. */
function references(text: unknown): string[] {
  return [...String(text).matchAll(/\$t\(([\w.]+)\)/g)].map((match) => match[1]!).sort();
}

/** A text that is nothing but a reference is the same in every language by design. */
const onlyReference = (text: unknown) => /^\$t\([\w.]+\)$/.test(String(text));

const ENGLISH = new Map(leaves(en).map(([key, text]) => [baseKey(key), text]));

describe('i18n', () => {
  it('has the eight languages', () => {
    expect([...LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fr', 'ja', 'nl', 'pt-BR', 'zh-CN']);
    expect(Object.keys(locales).sort()).toEqual([...LANGUAGES].sort());
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
      // A plural form may say the number in words ("一"), but never invents a placeholder.
      const allowed = new Set([...placeholders(english), 'count']);
      for (const name of placeholders(text)) expect(allowed.has(name), `${code} ${key} has {{${name}}}`).toBe(true);
      if (!/_(one|other|many|few|two|zero)$/.test(key)) expect(placeholders(text), `${code} ${key}`).toEqual(placeholders(english));
      // Where English repeats another screen's words, so does every language, from the same key.
      expect(references(text), `${code} ${key}`).toEqual(references(english));
    }
  });

  it('takes repeated words only from keys that hold words', () => {
    const keys = new Set(leaves(en).map(([key]) => key));
    for (const [key, text] of leaves(en)) for (const name of references(text)) expect(keys.has(name), `${key} → ${name}`).toBe(true);
  });

  it.each(Object.keys(locales).filter((code) => code !== 'en'))('%s is a translation, not an English copy', (code) => {
    const entries = leaves(locales[code]).filter(([key, text]) => !key.startsWith('app.') && !key.startsWith('nav.label') && !onlyReference(text));
    const same = entries.filter(([key, text]) => text === ENGLISH.get(baseKey(key)) && placeholders(text).join('') !== String(text).replace(/[^\w]/g, ''));
    // A few words are the same in both (a product name, "Status"), but not many.
    expect(same.length / entries.length).toBeLessThan(0.05);
  });

  it('matches wanted languages to the files there are, else English', () => {
    expect(matchLanguage('de-CH')).toBe('de');
    expect(matchLanguage('pt')).toBe('pt-BR');
    expect(matchLanguage('pt-PT')).toBe('pt-BR');
    expect(matchLanguage('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLanguage('zh-TW')).toBe('en');
    expect(matchLanguage('JA')).toBe('ja');
    expect(matchLanguage('sv-SE')).toBe('en');
    expect(matchLanguage(null)).toBe('en');
  });

  it('starts in English and loads another language when asked', async () => {
    const i18n = createI18n();
    expect(i18n.t('idle.title')).toBe('Your password is in sync');
    await switchLanguage(i18n, 'de-DE');
    expect(i18n.language).toBe('de');
    expect(i18n.t('idle.title')).not.toBe('Your password is in sync');
    expect(document.documentElement.lang).toBe('de');
  });

  it('puts the provider name into the words', () => {
    expect(createI18n().t('synced.body', { provider: 'Okta' })).toBe('Your password on this Mac is now the one you set at Okta.');
  });

  it('has no empty strings', () => {
    for (const [key, text] of leaves(en)) expect(text, key).toMatch(/\S/);
  });
});
