/**
 * i18next for the console, as the tray window does it: every file in ./locales is a
 * language (the tray's eight); English is bundled, the others are chunks loaded when
 * chosen. The walkthroughs and step names come from the tray's own files
 * (virtual:tray-words), loaded with the language.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { english as englishTrayWords, loaders as trayWordLoaders } from 'virtual:tray-words';
import type { TrayWords } from '../walkthroughs/tray-words-types';
import en from './locales/en.json';

export const FALLBACK_LANGUAGE = 'en';
const STORAGE_KEY = 'pwsync.console.language';

type Messages = Record<string, unknown>;
const otherLocales = import.meta.glob<{ default: Messages }>(['./locales/*.json', '!./locales/en.json']);

const codeOf = (path: string) => /\/([^/]+)\.json$/.exec(path)?.[1] ?? '';

export const LANGUAGES: readonly string[] = [FALLBACK_LANGUAGE, ...Object.keys(otherLocales).map(codeOf)];

/** Each language's name in that language, for the picker. */
export const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  de: 'Deutsch',
  es: 'Español',
  fr: 'Français',
  ja: '日本語',
  nl: 'Nederlands',
  'pt-BR': 'Português (Brasil)',
  'zh-CN': '简体中文',
};

/** The closest language there is a file for; Traditional Chinese readers get English, as in the tray. */
export function matchLanguage(wanted: string | null | undefined): string {
  if (!wanted) return FALLBACK_LANGUAGE;
  const exact = LANGUAGES.find((code) => code.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  const parts = wanted.toLowerCase().split(/[-_]/);
  if (parts[0] === 'zh') return parts.some((part) => ['tw', 'hk', 'mo', 'hant'].includes(part)) ? FALLBACK_LANGUAGE : 'zh-CN';
  return LANGUAGES.find((code) => code.toLowerCase().split('-')[0] === parts[0]) ?? FALLBACK_LANGUAGE;
}

/** The viewer's choice if they made one here, else the browser's language. */
export function preferredLanguage(): string {
  try {
    const chosen = window.localStorage.getItem(STORAGE_KEY);
    if (chosen) return chosen;
  } catch {
    // Storage refused (a private window's policy): the browser's language will do.
  }
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : FALLBACK_LANGUAGE;
}

export function rememberLanguage(language: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered: the next visit starts in the browser's language.
  }
}

const trayWordsByLanguage = new Map<string, TrayWords>([[FALLBACK_LANGUAGE, englishTrayWords]]);

/** The tray's words in a language that has been loaded (English until then). */
export function trayWordsFor(language: string): TrayWords {
  return trayWordsByLanguage.get(language) ?? englishTrayWords;
}

export function createI18n(): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { [FALLBACK_LANGUAGE]: { translation: en } },
    lng: FALLBACK_LANGUAGE,
    fallbackLng: FALLBACK_LANGUAGE,
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  instance.on('languageChanged', (language) => {
    if (typeof document === 'undefined') return;
    document.documentElement.lang = language;
    document.documentElement.dir = instance.dir(language);
    document.title = instance.t('app.title');
  });
  return instance;
}

export async function switchLanguage(instance: i18n, wanted: string | null | undefined): Promise<string> {
  const language = matchLanguage(wanted);
  const loads: Promise<unknown>[] = [];
  if (!instance.hasResourceBundle(language, 'translation')) {
    const load = otherLocales[`./locales/${language}.json`];
    if (load) loads.push(load().then((module) => instance.addResourceBundle(language, 'translation', module.default)));
  }
  const loadTray = trayWordLoaders[language];
  if (!trayWordsByLanguage.has(language) && loadTray) loads.push(loadTray().then((words) => trayWordsByLanguage.set(language, words)));
  await Promise.all(loads);
  if (instance.language !== language) await instance.changeLanguage(language);
  return language;
}
