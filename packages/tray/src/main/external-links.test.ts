import { beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '@pwsync/node-kit/log';
import { allowedHosts, createExternalLinks, isAllowedUrl } from './external-links';
import { fake, shell } from '../../test/main/fake-electron';

vi.mock('electron', () => import('../../test/main/fake-electron'));

beforeEach(() => fake.reset());

describe('external links', () => {
  const hosts = allowedHosts('https://help.example.com/pwsync?x=1');

  it('allow only the support URL’s host, over https', () => {
    expect([...hosts]).toEqual(['help.example.com']);
    expect(allowedHosts('http://help.example.com/')).toEqual(new Set());
    expect(allowedHosts(null)).toEqual(new Set());
  });

  it.each([
    ['https://help.example.com/other/page', true],
    ['http://help.example.com/pwsync', false],
    ['https://help.example.com.evil.example/', false],
    ['https://evil.example/?https://help.example.com', false],
    ['https://user:pw@help.example.com/', false],
    ['https://help.example.com:8443/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedUrl(url, hosts)).toBe(allowed);
  });

  it('opens the support page through shell.openExternal, and nothing else', async () => {
    const links = createExternalLinks(shell, 'https://help.example.com/pwsync', silentLogger);
    expect(await links.openSupport()).toEqual({ ok: true });
    expect(await links.open('https://evil.example/')).toEqual({ ok: false });
    expect(fake.called('shell.openExternal')).toEqual([{ api: 'shell.openExternal', args: ['https://help.example.com/pwsync'] }]);
  });

  it('with no support URL in policy, opens nothing', async () => {
    const links = createExternalLinks(shell, null, silentLogger);
    expect(await links.openSupport()).toEqual({ ok: false });
    expect(await links.open('https://help.example.com/')).toEqual({ ok: false });
    expect(fake.called('shell.openExternal')).toEqual([]);
  });
});
