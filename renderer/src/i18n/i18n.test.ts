import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import { createI18n, loadResources } from './index';

function leaves(value: unknown, path = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

describe('i18n', () => {
  it('finds every language file beside en.json', () => {
    expect(Object.keys(loadResources())).toContain('en');
  });

  it('falls back to English for a language it has no file for', () => {
    const i18n = createI18n('de-CH');
    expect(i18n.t('idle.title')).toBe('Your password is in sync');
  });

  it('puts the provider name into the words', () => {
    const i18n = createI18n('en');
    expect(i18n.t('synced.body', { provider: 'Okta' })).toBe('Your password on this Mac is now the one you set at Okta.');
  });

  it('has no empty strings', () => {
    for (const [key, text] of leaves(en)) expect(text, key).toMatch(/\S/);
  });
});
