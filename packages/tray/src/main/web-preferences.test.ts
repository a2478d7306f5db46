import { describe, expect, it } from 'vitest';
import { buildWebPreferences } from './web-preferences';

describe('buildWebPreferences', () => {
  it('pins every security-relevant value, DevTools off in a packaged build', () => {
    expect(buildWebPreferences({ preloadPath: '/app/dist/preload.cjs', development: false })).toStrictEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      backgroundThrottling: true,
      preload: '/app/dist/preload.cjs',
    });
  });

  it('turns DevTools on in development and changes nothing else', () => {
    const production = buildWebPreferences({ preloadPath: '/p.cjs', development: false });
    const development = buildWebPreferences({ preloadPath: '/p.cjs', development: true });
    expect(development).toStrictEqual({ ...production, devTools: true });
  });
});
