/** The load tool reaches only this computer: it refuses any other address before it sends a byte. */
import { isIP } from 'node:net';

export function isLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.split('.')[0] === '127');
}

export function requireLoopback(urls: readonly string[]): void {
  for (const url of urls) {
    if (!isLoopbackUrl(url)) throw new Error(`the load tool reaches only this computer (127.0.0.0/8, ::1, localhost), not ${url}`);
  }
}

/** Bounds on what one run may do, so a mistyped figure cannot turn it into a flood. */
export const LOAD_BOUNDS = { maxDevices: 20_000, maxSeconds: 3_600, maxChangesPerMinute: 6_000 } as const;

export function checkBounds(devices: number, seconds: number, changesPerMinute = 0): void {
  if (!Number.isInteger(devices) || devices < 1 || devices > LOAD_BOUNDS.maxDevices) throw new Error(`devices must be from 1 to ${LOAD_BOUNDS.maxDevices}`);
  if (!(seconds > 0) || seconds > LOAD_BOUNDS.maxSeconds) throw new Error(`seconds must be above 0 and at most ${LOAD_BOUNDS.maxSeconds}`);
  if (!(changesPerMinute >= 0) || changesPerMinute > LOAD_BOUNDS.maxChangesPerMinute) throw new Error(`changes per minute must be from 0 to ${LOAD_BOUNDS.maxChangesPerMinute}`);
}
