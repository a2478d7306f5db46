/**
 * The headers every response of the window's page carries, wherever it is served:
 * Electron's app:// protocol (main/app-protocol.ts) and the browser demo's server,
 * which takes them from here so the two cannot drift apart. index.html repeats the
 * policy in a <meta> tag for a page opened any other way; a meta tag cannot carry
 * frame-ancestors, which is why the header is the one that counts.
 */

/** Scripts, styles and everything else from the page's own origin only; no plugins, no framing, no form posts. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Overridden only for the renderer's content-hashed assets, which never go stale.
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
});
