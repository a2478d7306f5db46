/**
 * The window's first paint: the host (Electron's app:// protocol, or the browser
 * demo's server) draws the first screen into index.html with the same React tree,
 * so the person sees the form, with its field focused, as soon as the page's HTML
 * is parsed, and can start typing while the page's script is still loading. The
 * page then hydrates it from the state the host drew it with (in a JSON data block:
 * not a script, so the Content-Security-Policy needs nothing new).
 *
 * This part is shared by both sides; the host's half is ./page.tsx.
 */
import type { AppState, Phase } from '../app-types';

export const FIRST_PAINT_ID = 'pwsync-first-paint';
/** How the built index.html leaves the window's root, for the host to fill. */
export const EMPTY_ROOT = '<div id="root"></div>';

/**
 * The screens a notification opens, drawn by the host. The others show times or
 * count down, which could read differently a moment later in the page (and in the
 * page's own ICU): those the page draws itself.
 */
export const FIRST_PAINT_PHASES: ReadonlySet<Phase> = new Set<Phase>(['pending', 'informed']);

/** What the page needs to take over the host's drawing exactly as it was made. */
export interface FirstPaintData {
  language: string;
  state: AppState;
}

export interface DrawnWindow {
  html: string;
  language: string;
  dir: 'ltr' | 'rtl';
  title: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** index.html with the drawn window in its root, its language and title, and the data the page hydrates from; null if the template is not the one expected. */
export function composePage(template: string, drawn: DrawnWindow, data: FirstPaintData): string | null {
  if (!template.includes(EMPTY_ROOT) || !/<html lang="[^"]*">/.test(template)) return null;
  // "<" never appears raw inside the data block, so no text in the state can end it early.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return template
    .replace(/<html lang="[^"]*">/, `<html lang="${escapeHtml(drawn.language)}" dir="${drawn.dir}">`)
    .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(drawn.title)}</title>`)
    .replace(EMPTY_ROOT, () => `<div id="root">${drawn.html}</div><script type="application/json" id="${FIRST_PAINT_ID}">${json}</script>`);
}

/** The data of the host's drawing, or null where the page was not drawn by its host (or the data is not usable). */
export function readFirstPaint(document: Pick<Document, 'getElementById'>): FirstPaintData | null {
  const text = document.getElementById(FIRST_PAINT_ID)?.textContent;
  if (!text) return null;
  try {
    const data = JSON.parse(text) as Partial<FirstPaintData> | null;
    if (typeof data?.language !== 'string' || typeof data.state?.phase !== 'string') return null;
    return { language: data.language, state: data.state };
  } catch {
    return null;
  }
}
