/**
 * The hosts' side of the window's first paint (the renderer's first-paint/ explains
 * it): loading the module built from the renderer, and serving index.html with the
 * first screen drawn in, or plain where it cannot be.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AppState, FirstPaintPage } from '../contract';
import type { Logger } from '@pwsync/node-kit/log';

/** Where the build puts the module: beside the renderer's own folder. */
export function firstPaintFileFor(rendererDir: string): string {
  return path.join(path.dirname(path.resolve(rendererDir)), 'first-paint', 'first-paint.cjs');
}

/** The module's drawing function, or null (the page then draws itself) when it is missing or not what is expected. */
export function loadFirstPaint(file: string, logger: Logger): FirstPaintPage | null {
  try {
    const loaded = createRequire(file)(file) as { firstPaintPage?: unknown };
    if (typeof loaded.firstPaintPage === 'function') return loaded.firstPaintPage as FirstPaintPage;
    logger.warn('the first-paint module has no drawing function; the window draws itself', { file });
  } catch (error) {
    logger.warn('could not load the first-paint module; the window draws itself', { file, error: error instanceof Error ? error.name : 'unknown' });
  }
  return null;
}

/**
 * The drawing function, loaded when the first page is asked for rather than at start:
 * the module (React's server renderer and every language, 859 KB) is as large as the
 * rest of main, and most starts of the tray app never open the window. It is looked
 * for once; missing or unexpected, every page is the page as built.
 */
export function firstPaintOnDemand(file: string, logger: Logger): FirstPaintPage {
  let draw: FirstPaintPage | null | undefined;
  return (template, state, systemLanguages) => {
    if (draw === undefined) draw = loadFirstPaint(file, logger);
    return draw ? draw(template, state, systemLanguages) : null;
  };
}

/** index.html with the first screen drawn in where there is one to draw; the page as built otherwise, and always if drawing fails. */
export function pageWithFirstPaint(
  template: string,
  state: AppState,
  systemLanguages: readonly string[],
  draw: FirstPaintPage | null,
  logger: Logger,
): string {
  if (!draw) return template;
  try {
    return draw(template, state, systemLanguages) ?? template;
  } catch (error) {
    // The name only: a message could quote the state.
    logger.error('drawing the first paint failed; the window draws itself', { error: error instanceof Error ? error.name : 'unknown' });
    return template;
  }
}

/** The languages of an Accept-Language header, most wanted first ("de-CH,de;q=0.9,en;q=0.8" → de-CH, de, en). */
export function languagesFromAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter(({ tag, q }) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) && q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ tag }) => tag);
}
