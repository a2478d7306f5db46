/**
 * The words the tray and notifications say, in the same languages as the window.
 * i18next runs in Node as well, so this stays in the core and is tested there.
 * Each file in ./locales is one language; en.json is the reference every other
 * file must match key for key (i18n.test.ts).
 */
import i18next from 'i18next';
import de from './locales/de.json';
import en from './locales/en.json';
import es from './locales/es.json';
import fr from './locales/fr.json';
import ja from './locales/ja.json';
import nl from './locales/nl.json';
import ptBR from './locales/pt-BR.json';
import zhCN from './locales/zh-CN.json';

export const FALLBACK_LANGUAGE = 'en';

export const MESSAGES = { en, de, fr, es, 'pt-BR': ptBR, ja, 'zh-CN': zhCN, nl } as const;
export type Language = keyof typeof MESSAGES;

/** "status.idle", "notification.pending.title", …: every leaf of en.json. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<typeof en>;

export type Translate = (key: MessageKey, values?: Record<string, string>) => string;

/**
 * A translator for the administrator's language if set, else the system's
 * ("de-CH" finds de; anything unknown falls back to English).
 */
export function createTranslator(language: string | null | undefined): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    resources: Object.fromEntries(Object.entries(MESSAGES).map(([code, translation]) => [code, { translation }])),
    lng: language ?? FALLBACK_LANGUAGE,
    fallbackLng: FALLBACK_LANGUAGE,
    // Notifications and menus are plain text, not HTML: escaping would show "&amp;".
    interpolation: { escapeValue: false },
    // Resources are bundled, so initialise synchronously: the first menu already has words.
    initAsync: false,
    returnNull: false,
  });
  return (key, values) => instance.t(key, values ?? {});
}
