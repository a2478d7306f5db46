import { describe, expect, it, vi } from 'vitest';
import { createFakeBridge } from '../../test/fake-bridge';
import { appState } from '../../test/app-states';
import { getBridge } from './index';

describe('getBridge', () => {
  it('uses the preload bridge when Electron provides one', () => {
    const preload = createFakeBridge(appState());
    vi.stubGlobal('pwsync', preload);
    try {
      expect(getBridge()).toBe(preload);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('otherwise speaks HTTP, taking the token out of the address bar once', async () => {
    window.history.replaceState(null, '', '/?token=page-token');
    const fetch = vi.fn(async () => new Response(JSON.stringify(appState()), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    try {
      const bridge = getBridge();
      expect(window.location.search).toBe('');
      expect(getBridge()).toBe(bridge);
      await bridge.getState();
      expect(fetch).toHaveBeenCalledWith(
        '/api/invoke/getState',
        expect.objectContaining({ headers: expect.objectContaining({ 'X-Pwsync-Token': 'page-token' }) }),
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
