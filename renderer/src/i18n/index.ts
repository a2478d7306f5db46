/**
 * Sets up i18next for the page. Every file in ./locales is a language, named by its
 * code (en.json, de.json, …): adding a language is adding a file beside en.json.
 */
import i18next, { type i18n, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

export const FALLBACK_LANGUAGE = 'en';

// Bundled at build time: the page's CSP allows no fetching of translations.
const localeFiles = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*.json', { eager: true });

export function loadResources(): Resource {
  const resources: Resource = {};
  for (const [path, module] of Object.entries(localeFiles)) {
    const language = /\/([^/]+)\.json$/.exec(path)?.[1];
    if (language) resources[language] = { translation: module.default };
  }
  return resources;
}

/** The person's language as the system reports it, e.g. "de-CH"; i18next falls back to en. */
export function preferredLanguage(): string {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : FALLBACK_LANGUAGE;
}

export function createI18n(language: string = preferredLanguage()): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: loadResources(),
    lng: language,
    fallbackLng: FALLBACK_LANGUAGE,
    // The default load ('all') lets "de-CH" find de.json when there is no de-CH.json.
    // React escapes what it renders; escaping here too would show "&amp;" on screen.
    interpolation: { escapeValue: false },
    // Resources are bundled, so initialise synchronously and render the first frame in words.
    initAsync: false,
    returnNull: false,
  });
  return instance;
}
