import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it, vi } from 'vitest';
import { BridgeErrorCode, Events, Invokes } from '../contract';
import { INVOKE_CHANNELS, STATE_CHANNEL } from './preload';

vi.mock('electron', () => import('../../test/main/fake-electron'));

describe('the preload bundle', () => {
  it('uses the contract’s channel names', () => {
    expect(INVOKE_CHANNELS).toEqual(Object.fromEntries(Object.entries(Invokes).map(([name, entry]) => [name, entry.channel])));
    expect(STATE_CHANNEL).toBe(Events.stateChanged.channel);
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
