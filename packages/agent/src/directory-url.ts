/**
 * Which directory URLs the agent accepts: https anywhere, plain http only to this
 * computer. Apart from the client so the configuration's schema can use it without
 * loading an HTTP stack.
 */
import { isIP } from 'node:net';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Why a directory URL is refused, or undefined: https anywhere, http only to this computer. */
export function directoryUrlProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'must be an https URL';
  if (!isLoopbackHost(url.hostname)) return 'must be https: plain http is accepted only to a directory on this computer (127.0.0.1, ::1, localhost)';
  return undefined;
}
