import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, onSignedOut, setCsrfToken } from './client';

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('the console\'s calls to the directory', () => {
  afterEach(() => setCsrfToken(null));

  it('sends the session\'s CSRF token on every change, never on a read', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => answer(200, {}));
    setCsrfToken('token-123');
    await api('GET', '/console/api/people', { query: { q: 'al ex', limit: 20, cursor: undefined } });
    for (const method of ['POST', 'PATCH', 'DELETE'] as const) await api(method, '/console/api/x', { body: { a: 1 } });
    const calls = fetch.mock.calls.map(([url, init]) => ({ url, method: init!.method, csrf: (init!.headers as Record<string, string>)['x-csrf-token'] }));
    expect(calls).toEqual([
      { url: '/console/api/people?q=al+ex&limit=20', method: 'GET', csrf: undefined },
      { url: '/console/api/x', method: 'POST', csrf: 'token-123' },
      { url: '/console/api/x', method: 'PATCH', csrf: 'token-123' },
      { url: '/console/api/x', method: 'DELETE', csrf: 'token-123' },
    ]);
  });

  it('turns the contract\'s error into its stable code, and a 401 into a session that ended', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => answer(401, { code: 'signedOut', detail: 'Sign in first.' }));
    const ended = vi.fn();
    const stop = onSignedOut(ended);
    await expect(api('GET', '/console/api/session')).rejects.toMatchObject({ code: 'signedOut', status: 401 });
    expect(ended).toHaveBeenCalledTimes(1);
    // Asking whether there is a session at all is not a session that ended.
    await expect(api('GET', '/console/api/session', { expectSignedOut: true })).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledTimes(1);
    stop();
  });

  it('says "failed" for an answer that is not the contract\'s, and "unreachable" when nothing answers', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(api('GET', '/console/api/fleet')).rejects.toMatchObject({ code: 'failed', status: 502 });
    vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api('GET', '/console/api/fleet')).rejects.toMatchObject({ code: 'unreachable' });
  });
});
