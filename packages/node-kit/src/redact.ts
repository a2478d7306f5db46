/**
 * The one redaction list, used by every log (agent, directory, tray app, demo) and by
 * the tray app's diagnostics and `pwsync doctor`. It is the second line of defence:
 * nothing puts a secret in a log or a report on purpose, and this drops anything that
 * looks like one anyway — any field named like a secret, at any depth, and
 * "password=…"/"password: …" pairs inside free text.
 */

// A secret wherever the word appears in a field's name: newPassword, passphrase,
// deviceToken, clientSecret, credentials, apiKey. "passwd" too: that is how command
// lines and config files often spell it.
const SECRET_WORD = /pass(word|phrase|wd)?|secret|token|credential|api[_-]?key/i;
// A secret only as the whole name: the short spellings (pw, pwd), what carries one by
// its role (an HTTP Authorization header; a JSON-RPC request's params, which for the
// confirm call are the two passwords) and the directory's password hashes, which are
// not passwords but can be attacked offline.
const SECRET_NAME = /^(pw|pwd|authorization|params|hashes|sha512crypt|pbkdf2)$/i;
// The same words as pairs in free text: key, separator, then the value up to a space (or quoted).
const SECRET_PAIR = /\b((?:new|previous|old|current)?[ _-]?(?:pass(?:word|phrase|wd)?|pwd)|secret|token|api[_-]?key)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|\S+)/gi;

export const REDACTED = '[redacted]';

/** Whether a field of this name is dropped whole. */
export function isSecretKey(key: string): boolean {
  return SECRET_WORD.test(key) || SECRET_NAME.test(key);
}

export function redactText(text: string): string {
  return text.replace(SECRET_PAIR, (_match, key: string, separator: string) => `${key}${separator}${REDACTED}`);
}

/**
 * Nothing but yes/no answers (and nulls), however nested: no secret fits in one, so a
 * field of a secret's name holding only these is a fact about the secret and is kept
 * (a Mac's `secureToken: false`, its `bootstrapToken: { escrowedToServer: true }`).
 */
function onlyFlags(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (depth > 2 || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((item) => onlyFlags(item, depth + 1));
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = isSecretKey(key) && !onlyFlags(item) ? REDACTED : redactValue(item, depth + 1);
    return out;
  }
  return value;
}
