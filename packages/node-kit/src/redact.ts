/**
 * The second line of defence for logs and diagnostics: nothing puts a secret there on
 * purpose, and this drops anything that looks like one anyway — any field whose name
 * says password, passphrase, secret, token or credential, at any depth, and
 * "password=…"/"password: …" pairs inside free text.
 */
const SECRET_KEY = /pass(word|phrase|wd)?|secret|token|credential|^pw$|^pwd$|api[_-]?key/i;
// "passwd" and "pwd" too: that is how command lines and config files often spell it.
const SECRET_PAIR = /\b((?:new|previous|old|current)?[ _-]?(?:pass(?:word|phrase|wd)?|pwd)|secret|token|api[_-]?key)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|\S+)/gi;

export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  return text.replace(SECRET_PAIR, (_match, key: string, separator: string) => `${key}${separator}${REDACTED}`);
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(item, depth + 1);
    return out;
  }
  return value;
}
