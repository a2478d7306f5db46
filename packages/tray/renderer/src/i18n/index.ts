/**
 * Sets up i18next for the page. Every file in ./locales is a language, named by its
 * code (en.json, de.json, …): adding a language is adding a file beside en.json.
 * English is bundled with the page; the others are separate chunks of the app's own
 * files, loaded when chosen, so the page carries one language, not eight.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';

export const FALLBACK_LANGUAGE = 'en';

type Messages = Record<string, unknown>;

// Chunks of the app's own files: the page's CSP allows nothing else to be fetched.
const otherLocales = import.meta.glob<{ default: Messages }>(['./locales/*.json', '!./locales/en.json']);

function codeOf(path: string): string {
  return /\/([^/]+)\.json$/.exec(path)?.[1] ?? '';
}

/** Every language there is a file for, English first. */
export const LANGUAGES: readonly string[] = [FALLBACK_LANGUAGE, ...Object.keys(otherLocales).map(codeOf)];

/**
 * The language to show for a wanted one ("de-CH", "pt", "zh-Hans-CN"): the exact file,
 * else the one for its base language, else English. Traditional Chinese readers are
 * not given Simplified: English is the safer default for them.
 */
export function matchLanguage(wanted: string | null | undefined): string {
  if (!wanted) return FALLBACK_LANGUAGE;
  const exact = LANGUAGES.find((code) => code.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  const parts = wanted.toLowerCase().split(/[-_]/);
  if (parts[0] === 'zh') return parts.some((part) => ['tw', 'hk', 'mo', 'hant'].includes(part)) ? FALLBACK_LANGUAGE : 'zh-CN';
  return LANGUAGES.find((code) => code.toLowerCase().split('-')[0] === parts[0]) ?? FALLBACK_LANGUAGE;
}

/** The person's language as the system reports it, e.g. "de-CH". */
export function preferredLanguage(): string {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : FALLBACK_LANGUAGE;
}

/** An i18next instance with English ready at once, so the first frame is in words. */
export function createI18n(): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { [FALLBACK_LANGUAGE]: { translation: en } },
    lng: FALLBACK_LANGUAGE,
    fallbackLng: FALLBACK_LANGUAGE,
    // React escapes what it renders; escaping here too would show "&amp;" on screen.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  instance.on('languageChanged', (language) => {
    if (typeof document === 'undefined') return;
    document.documentElement.lang = language;
    document.documentElement.dir = instance.dir(language);
    document.title = instance.t('app.name');
  });
  return instance;
}

/** Loads a language's file if need be, then switches to it. Unknown languages become English. */
export async function switchLanguage(instance: i18n, wanted: string | null | undefined): Promise<string> {
  const language = matchLanguage(wanted);
  if (!instance.hasResourceBundle(language, 'translation')) {
    const load = otherLocales[`./locales/${language}.json`];
    if (load) instance.addResourceBundle(language, 'translation', (await load()).default);
  }
  if (instance.language !== language) await instance.changeLanguage(language);
  return language;
}
