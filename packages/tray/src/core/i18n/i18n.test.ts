import { describe, expect, it } from 'vitest';
import { createTranslator, MESSAGES } from './index';

function leaves(value: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') return out.set(path, value);
  for (const [key, child] of Object.entries(value as object)) for (const [k, v] of leaves(child, path ? `${path}.${key}` : key)) out.set(k, v);
  return out;
}

const english = leaves(MESSAGES.en);
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('the tray and notification words', () => {
  it('come in the same eight languages as the window', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(['de', 'en', 'es', 'fr', 'ja', 'nl', 'pt-BR', 'zh-CN']);
  });

  it.each(Object.keys(MESSAGES).filter((code) => code !== 'en'))('%s has exactly the English keys, none empty, same placeholders', (code) => {
    const theirs = leaves(MESSAGES[code as keyof typeof MESSAGES]);
    expect([...theirs.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of theirs) {
      expect(text, `${code} ${key}`).toMatch(/\S/);
      expect(placeholders(text), `${code} ${key}`).toEqual(placeholders(english.get(key)!));
    }
  });

  it('follows the administrator’s or system language, falling back to English', () => {
    expect(createTranslator('de')('menu.quit')).toBe('Beenden');
    expect(createTranslator('de-CH')('menu.quit')).toBe('Beenden');
    expect(createTranslator('pt-BR')('menu.quit')).toBe('Sair');
    expect(createTranslator('tlh')('menu.quit')).toBe('Quit');
    expect(createTranslator(null)('menu.quit')).toBe('Quit');
  });

  it('puts the provider in without escaping it', () => {
    expect(createTranslator('en')('notification.synced.body', { provider: 'Okta & Co' })).toBe(
      'Your password on this computer is now the one you set at Okta & Co.',
    );
  });
});
