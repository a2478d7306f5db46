/**
 * The host's half of the first paint (see ./first-paint.ts): built on its own into
 * dist/first-paint/first-paint.cjs, which Electron's main process and the browser
 * demo's server load to serve index.html with the first screen already drawn.
 */
import type { i18n } from 'i18next';
import { renderToString } from 'react-dom/server';
import type { FirstPaintPage, PwsyncBridge } from '../app-types';
import { createI18n, matchLanguage, type Messages } from '../i18n';
import { startStoreFrom, useAppStore } from '../store/app-store';
import { selectWindowState } from '../store/window-state';
import { WindowTree } from '../window-tree';
import { composePage, FIRST_PAINT_PHASES } from './first-paint';

// Every language at hand, so a drawing is made synchronously, in one go.
const MESSAGES = import.meta.glob<Messages>('../i18n/locales/*.json', { eager: true, import: 'default' });
const instances = new Map<string, i18n>();

function i18nFor(language: string): i18n {
  let instance = instances.get(language);
  if (!instance) {
    instance = createI18n(language, MESSAGES[`../i18n/locales/${language}.json`]);
    instances.set(language, instance);
  }
  return instance;
}

/**
 * Drawing runs no effect and no event handler, so nothing calls the bridge; the
 * components only hold it. Should one ever be called here, it says so plainly.
 */
const DRAWING_BRIDGE = new Proxy({} as PwsyncBridge, {
  get: (_, name) => () => {
    throw new Error(`the bridge's ${String(name)} is not available while the host draws the window`);
  },
});

export const firstPaintPage: FirstPaintPage = (template, state, systemLanguages) => {
  // Drawing is synchronous, so the one store can begin from this state for this drawing.
  startStoreFrom(state);
  if (!FIRST_PAINT_PHASES.has(selectWindowState(useAppStore.getState()).phase)) return null;
  const language = matchLanguage(state.policy.language ?? systemLanguages[0]);
  const i18n = i18nFor(language);
  const html = renderToString(<WindowTree i18n={i18n} bridge={DRAWING_BRIDGE} />);
  return composePage(template, { html, language, dir: i18n.dir(language), title: i18n.t('app.name') }, { language, state });
};
