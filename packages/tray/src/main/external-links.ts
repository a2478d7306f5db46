/**
 * The one way out of the app to the browser: https addresses whose host is on the
 * allowlist, which is built from the policy's support URL and nothing else. Every
 * other address (another scheme, another host, credentials in it) is refused.
 * https://www.electronjs.org/docs/latest/tutorial/security#15-do-not-use-shellopenexternal-with-untrusted-content
 */
import type { Shell } from 'electron';
import type { Logger } from '@pwsync/node-kit/log';

export interface ExternalLinks {
  /** Opens url in the browser if it is allowed; says whether it did. */
  open(url: string): Promise<{ ok: boolean }>;
  /** The support page from policy, if there is one. */
  openSupport(): Promise<{ ok: boolean }>;
}

export function allowedHosts(supportUrl: string | null): Set<string> {
  const hosts = new Set<string>();
  if (supportUrl === null) return hosts;
  try {
    const url = new URL(supportUrl);
    if (url.protocol === 'https:') hosts.add(url.host);
  } catch {
    // parsePolicy already refused it; nothing to allow.
  }
  return hosts;
}

export function isAllowedUrl(candidate: string, hosts: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.username === '' && url.password === '' && hosts.has(url.host);
}

export function createExternalLinks(shell: Pick<Shell, 'openExternal'>, supportUrl: string | null, logger: Logger): ExternalLinks {
  const hosts = allowedHosts(supportUrl);
  const open = async (url: string): Promise<{ ok: boolean }> => {
    if (!isAllowedUrl(url, hosts)) {
      // Not the address: it came from the page and could carry anything.
      logger.warn('refused to open a link that is not on the allowlist');
      return { ok: false };
    }
    try {
      await shell.openExternal(url);
      return { ok: true };
    } catch (error) {
      logger.warn('the browser could not be opened', { error: error instanceof Error ? error.name : 'unknown' });
      return { ok: false };
    }
  };
  return { open, openSupport: () => (supportUrl === null ? Promise.resolve({ ok: false }) : open(supportUrl)) };
}
