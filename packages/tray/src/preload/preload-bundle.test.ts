import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it, vi } from 'vitest';
import { BridgeErrorCode, EVENT_NAMES, Events, INVOKE_NAMES, Invokes } from '../contract';

vi.mock('electron', () => import('../../test/main/fake-electron'));

describe('the preload bundle', () => {
  // The preload builds the bridge from the names alone (contract-names.ts), so the names must be the tables'.
  it('gets every call and push of the contract, each on a pwsync: channel of its own', () => {
    expect(Object.keys(Invokes)).toEqual(INVOKE_NAMES);
    expect(Object.keys(Events)).toEqual(EVENT_NAMES);
    const channels = [...Object.values(Invokes), ...Object.values(Events)].map((entry) => entry.channel);
    expect(new Set(channels).size).toBe(channels.length);
    for (const channel of channels) expect(channel).toMatch(/^pwsync:[a-z-]+$/);
    expect(BridgeErrorCode.options).toEqual(['forbiddenSender', 'invalidPayload', 'internal']);
  });

  // Built the way scripts/build.mjs builds it: one CommonJS file for the sandbox,
  // where `require` reaches only a few modules, so 'electron' must be its only import.
  it('is one small CommonJS file whose only require is electron', async () => {
    const result = await build({
      entryPoints: [path.join(import.meta.dirname, 'preload.ts')],
      bundle: true,
      platform: 'browser',
      target: 'chrome130',
      format: 'cjs',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    const required = [...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code.length).toBeLessThan(8 * 1024);
  });
});
