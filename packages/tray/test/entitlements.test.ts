/**
 * The macOS app is signed with the hardened runtime and exactly the exceptions it needs
 * (build/entitlements.mac.plist and .inherit.plist say why each): allow-jit for V8, and
 * nothing else. An empty file here (as before) makes the signed app die at launch, and
 * each extra key is a door the hardened runtime would otherwise keep shut. Parsed as
 * property lists, as codesign reads them; the signed app's own entitlements are compared
 * with these files on the macOS runner (.github/workflows/macos.yml).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'plist';
import { describe, expect, it } from 'vitest';
import { ROOT } from '@pwsync/testing/processes';

const TRAY = path.join(ROOT, 'packages/tray');
const mac = (JSON.parse(readFileSync(path.join(TRAY, 'package.json'), 'utf8')) as { build: { mac: Record<string, unknown> } }).build.mac;
const entitlements = (file: string) => parse(readFileSync(path.join(TRAY, file), 'utf8')) as Record<string, unknown>;

describe('the macOS entitlements', () => {
  it('are what electron-builder signs with, under the hardened runtime', () => {
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(mac.entitlementsInherit).toBe('build/entitlements.mac.inherit.plist');
  });

  it.each(['build/entitlements.mac.plist', 'build/entitlements.mac.inherit.plist'])('%s grants JIT for V8, and nothing else', (file) => {
    expect(entitlements(file)).toEqual({ 'com.apple.security.cs.allow-jit': true });
  });

  it('say in the file why each key is there and why the usual others are not', () => {
    for (const file of ['build/entitlements.mac.plist', 'build/entitlements.mac.inherit.plist']) {
      const text = readFileSync(path.join(TRAY, file), 'utf8');
      for (const key of ['allow-jit', 'allow-unsigned-executable-memory', 'disable-library-validation']) expect(text, `${file} ${key}`).toContain(key);
    }
  });
});
