/**
 * The password policy's own words. When Open Directory's preflight
 * (passwordChangeAllowed) refuses a new password, the backend reads the policy with
 * `/usr/bin/pwpolicy -getaccountpolicies` (the global policy, where configuration
 * profiles put theirs as `ProfilePayload:<uuid>:<rule>`) and `-u USER` (the account's
 * own), and takes each content rule's `policyContentDescription`: a dictionary of
 * localized sentences keyed by language (`en`, `de`, …, `default`), or, for profile
 * rules, by `policyDefaultContentDescription`. That text is what macOS itself shows.
 *
 * The backend does not evaluate the rules (their `policyContent` is an ICU predicate;
 * Open Directory's preflight is the judge): it shows every content rule's text.
 */

export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

const MAX_DEPTH = 32;
const MAX_REQUIREMENTS = 8;
const MAX_REQUIREMENT_CHARS = 200;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return safeCodePoint(parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10)) ?? whole;
    return ENTITIES[name] ?? whole;
  });
}

function safeCodePoint(value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= 0x10ffff ? String.fromCodePoint(value) : undefined;
}

/** A tag or a run of text, in order. */
type Token = { tag: string; closing: boolean; empty: boolean } | { text: string };

function tokens(xml: string): Token[] {
  const out: Token[] = [];
  // Comments, processing instructions and the DOCTYPE carry nothing a plist needs.
  const body = xml.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/g, '');
  const pattern = /<(\/?)([A-Za-z]+)(?:\s[^>]*?)?(\/?)>|([^<]+)/g;
  for (const match of body.matchAll(pattern)) {
    if (match[4] !== undefined) out.push({ text: match[4] });
    else out.push({ tag: match[2]!, closing: match[1] === '/', empty: match[3] === '/' });
  }
  return out;
}

/**
 * Parses an XML property list (the subset pwpolicy prints: dict, array, key, string,
 * integer, real, true, false, date, data). Text before `<plist` (pwpolicy prints a
 * heading line first) is ignored. Anything malformed answers undefined, never throws.
 */
export function parsePlist(output: string): PlistValue | undefined {
  const start = output.indexOf('<plist');
  if (start < 0) return undefined;
  const list = tokens(output.slice(start));
  let at = 0;
  const skipText = () => {
    while (at < list.length && 'text' in list[at]! && (list[at] as { text: string }).text.trim() === '') at++;
  };
  const textUntil = (tag: string): string => {
    let text = '';
    while (at < list.length) {
      const token = list[at++]!;
      if ('text' in token) text += token.text;
      else if (token.closing && token.tag === tag) return decodeText(text);
      else throw new Error('unexpected tag in text');
    }
    throw new Error('unclosed text element');
  };
  const value = (depth: number): PlistValue => {
    if (depth > MAX_DEPTH) throw new Error('too deep');
    skipText();
    const token = list[at++];
    if (!token || 'text' in token || token.closing) throw new Error('expected a value');
    const { tag, empty } = token;
    if (tag === 'true' || tag === 'false') {
      if (!empty) {
        skipText();
        const close = list[at++];
        if (!close || 'text' in close || !close.closing || close.tag !== tag) throw new Error('unclosed boolean');
      }
      return tag === 'true';
    }
    if (empty) {
      if (tag === 'dict') return {};
      if (tag === 'array') return [];
      if (tag === 'string' || tag === 'data' || tag === 'date') return '';
      throw new Error('unexpected empty element');
    }
    if (tag === 'string' || tag === 'date' || tag === 'data') return textUntil(tag);
    if (tag === 'integer' || tag === 'real') {
      const number = Number(textUntil(tag).trim());
      if (!Number.isFinite(number)) throw new Error('not a number');
      return number;
    }
    if (tag === 'array') {
      const items: PlistValue[] = [];
      for (;;) {
        skipText();
        const next = list[at];
        if (next && !('text' in next) && next.closing && next.tag === 'array') {
          at++;
          return items;
        }
        items.push(value(depth + 1));
      }
    }
    if (tag === 'dict') {
      const dict: { [key: string]: PlistValue } = {};
      for (;;) {
        skipText();
        const next = list[at++];
        if (!next || 'text' in next) throw new Error('expected a key');
        if (next.closing && next.tag === 'dict') return dict;
        if (next.tag !== 'key' || next.closing) throw new Error('expected a key');
        const key = next.empty ? '' : textUntil('key');
        dict[key] = value(depth + 1);
      }
    }
    throw new Error(`unknown element ${tag}`);
  };
  try {
    skipText();
    const open = list[at++];
    if (!open || 'text' in open || open.tag !== 'plist' || open.closing) return undefined;
    if (open.empty) return undefined;
    return value(0);
  } catch {
    return undefined;
  }
}

function isDict(value: PlistValue | undefined): value is { [key: string]: PlistValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Control characters become spaces and runs of space one; long texts are cut. */
function tidy(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REQUIREMENT_CHARS ? `${flat.slice(0, MAX_REQUIREMENT_CHARS - 1)}…` : flat;
}

const normal = (tag: string) => tag.toLowerCase().replace(/-/g, '_');

/**
 * The description in the person's language: their macOS languages in order (exact tag,
 * then the language alone), then `default`, `policyDefaultContentDescription`, `en`,
 * then the first text there is.
 */
export function pickLocalized(description: PlistValue | undefined, languages: readonly string[]): string | undefined {
  if (typeof description === 'string') return description;
  if (!isDict(description)) return undefined;
  const texts = Object.entries(description).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  const byKey = new Map(texts.map(([key, text]) => [normal(key), text]));
  for (const language of languages) {
    const tag = normal(language);
    const exact = byKey.get(tag);
    if (exact !== undefined) return exact;
    const base = tag.split('_')[0]!;
    const same = byKey.get(base) ?? texts.find(([key]) => normal(key).startsWith(`${base}_`))?.[1];
    if (same !== undefined) return same;
  }
  return byKey.get('default') ?? byKey.get('policydefaultcontentdescription') ?? byKey.get('en') ?? texts[0]?.[1];
}

/** The content rules' descriptions from `pwpolicy -getaccountpolicies` output, deduplicated. */
export function passwordRequirements(outputs: readonly string[], languages: readonly string[]): string[] {
  const found: string[] = [];
  for (const output of outputs) {
    const root = parsePlist(output);
    if (!isDict(root)) continue;
    const rules = root.policyCategoryPasswordContent;
    if (!Array.isArray(rules)) continue;
    for (const rule of rules) {
      if (!isDict(rule)) continue;
      const text = pickLocalized(rule.policyContentDescription, languages);
      const tidied = text === undefined ? '' : tidy(text);
      if (tidied !== '' && !found.includes(tidied)) found.push(tidied);
    }
  }
  return found.slice(0, MAX_REQUIREMENTS);
}

/** Plain words for Open Directory's policy codes, for when the policy has no description. */
const CODE_WORDS: Record<number, string> = {
  5402: 'it is not accepted by the password quality rules',
  5403: 'it is too short',
  5404: 'it is too long',
  5405: 'it needs a letter',
  5406: 'it needs a digit',
};

/**
 * The message when the preflight refuses the new password: macOS's own requirement
 * text when the policy has one, plain words for the code otherwise. It never holds a
 * password: only the policy's descriptions, which an administrator wrote.
 */
export function policyRefusalMessage(code: number, requirements: readonly string[]): string {
  if (code === 5407) return 'This Mac\'s password rules do not allow another change so soon after the last one';
  if (requirements.length > 0) return `The new password does not meet this Mac's password rules: ${requirements.join(' ')}`;
  return `The new password does not meet this Mac's password rules: ${CODE_WORDS[code] ?? 'it is not accepted'}`;
}
