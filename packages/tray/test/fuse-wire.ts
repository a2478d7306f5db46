/**
 * Electron's fuse wire, for the packaging tests: what the stand-in binary carries, how to
 * read a packaged binary's back, and what each fuse must be after packaging (package.json
 * build.electronFuses; docs/deployment.md says why each). The byte layout is electron/
 * electron's build/fuses/build.py: the sentinel, the wire's version (1), its length, then
 * one ASCII '0' or '1' a fuse, in the order of build/fuses/fuses.json5.
 */
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

/** The sentinel before the wire (@electron/fuses' constants.ts, electron's build.py). */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** Electron 45's fuses as it ships them (fuses.json5; wasm_trap_handlers since Electron 42). */
export const ELECTRON_45_DEFAULTS = {
  RunAsNode: '1',
  EnableCookieEncryption: '0',
  EnableNodeOptionsEnvironmentVariable: '1',
  EnableNodeCliInspectArguments: '1',
  EnableEmbeddedAsarIntegrityValidation: '0',
  OnlyLoadAppFromAsar: '0',
  LoadBrowserProcessSpecificV8Snapshot: '0',
  GrantFileProtocolExtraPrivileges: '1',
  WasmTrapHandlers: '1',
};

/** What every fuse must be in a packaged app. */
export const PACKAGED_FUSES: typeof ELECTRON_45_DEFAULTS = {
  RunAsNode: '0',
  EnableCookieEncryption: '1',
  EnableNodeOptionsEnvironmentVariable: '0',
  EnableNodeCliInspectArguments: '0',
  EnableEmbeddedAsarIntegrityValidation: '1',
  OnlyLoadAppFromAsar: '1',
  // No snapshot of our own ships, so the main process keeps Electron's.
  LoadBrowserProcessSpecificV8Snapshot: '0',
  GrantFileProtocolExtraPrivileges: '0',
  // Not a security switch (V8's guard pages for WebAssembly), and beyond what electron-builder 26 can set: as Electron ships it.
  WasmTrapHandlers: '1',
};

/** The bytes of a fuse wire in Electron 45's default state. */
export function defaultFuseWire(): Buffer {
  const states = Object.values(ELECTRON_45_DEFAULTS).join('');
  return Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, states.length]), Buffer.from(states)]);
}

/** A binary's fuses by name, '0' off and '1' on (FuseState's 0x30 and 0x31); a path to a .app reads its Electron Framework. */
export async function readFuses(binary: string): Promise<Record<string, string>> {
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<string, number | string>;
  // @electron/fuses 1.8 (what electron-builder 26 uses on Node 20) predates the ninth fuse's name.
  const names = [...Object.keys(FuseV1Options).filter((name) => Number.isNaN(Number(name))), 'WasmTrapHandlers'];
  return Object.fromEntries(
    Object.entries(wire)
      .filter(([key]) => key !== 'version')
      .map(([index, state]) => [names[Number(index)] ?? `fuse ${index}`, String.fromCharCode(state as number)]),
  );
}
