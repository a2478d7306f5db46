/**
 * The packaged tray app contains only what it runs: the bundles, the page, the tray
 * icons and its package.json. Everything the app uses is bundled at build time, so
 * no package, native module or unpacked file may ship beside it. Packaged here with
 * electron-builder as a release would be (--dir, Linux), with a stand-in for Electron's
 * binary so nothing is downloaded; then app.asar is listed with @electron/asar.
 *
 * The same package shows the Electron fuses the release flips (package.json
 * build.electronFuses): the stand-in carries Electron 45's fuse wire in its default
 * state, as the real binary does (fuse-wire.ts), and @electron/fuses reads it back from
 * the packaged executable. macos-app.test.ts checks the real, signed app on a Mac.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { listPackage, extractFile, statFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, makeTempDir, ROOT } from '@pwsync/testing/processes';
import { defaultFuseWire, ELECTRON_45_DEFAULTS, FUSE_SENTINEL, PACKAGED_FUSES, readFuses } from './fuse-wire';

const TRAY = path.join(ROOT, 'packages/tray');
const pkg = JSON.parse(readFileSync(path.join(TRAY, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

/** What may ship, as paths inside app.asar: files only; the folders that hold them follow. */
const ALLOWED: readonly RegExp[] = [
  /^\/package\.json$/,
  /^\/dist\/(main|preload|doctor)\.cjs$/,
  /^\/dist\/renderer\/index\.html$/,
  /^\/dist\/renderer\/assets\/[\w.@-]+\.(js|css)$/,
  /^\/assets\/tray\/[\w@-]+\.png$/,
];

/** The programs of the other products, the demo and the test kit: the tray's bundles may contain none of their code. */
const NOT_THE_TRAYS = /^packages\/(agent|directory|demo|testing)\//;

let dir: string;
let standIn: string;
let executable: string;
let resources: string;
let archive: string;
let files: string[];

beforeAll(async () => {
  dir = makeTempDir('pwp-');
  // Any executable named electron will do: electron-builder copies it and flips its fuses;
  // the wire sits in a comment the shell never reaches.
  const electronDist = path.join(dir, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(path.join(electronDist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n# '), defaultFuseWire(), Buffer.from('\n')]));
  chmodSync(path.join(electronDist, 'electron'), 0o755);
  standIn = path.join(electronDist, 'electron');
  const output = path.join(dir, 'release');
  await promisify(execFile)(
    path.join(ROOT, 'node_modules/.bin/electron-builder'),
    [
      '--dir',
      '--linux',
      '--projectDir',
      TRAY,
      `-c.electronDist=${electronDist}`,
      `-c.electronVersion=${pkg.devDependencies.electron}`,
      `-c.directories.output=${output}`,
    ],
    { cwd: ROOT, env: { ...process.env, CI: '1' }, timeout: 60_000 },
  );
  resources = path.join(output, 'linux-unpacked', 'resources');
  executable = path.join(output, 'linux-unpacked', 'pwsync');
  archive = path.join(resources, 'app.asar');
  // Files, not the folders between them (a folder's entry lists what is in it).
  files = listPackage(archive, { isPack: false }).filter((entry) => !('files' in statFile(archive, entry.slice(1), false)));
}, 90_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packaged tray app', () => {
  it('is one app.asar, with nothing unpacked beside it', () => {
    expect(readdirSync(resources)).toEqual(['app.asar']);
    expect(existsSync(path.join(resources, 'app.asar.unpacked'))).toBe(false);
  });

  it('holds no package and no native module', () => {
    expect(files.filter((file) => file.includes('/node_modules/'))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.node'))).toEqual([]);
  });

  it('holds only the bundles, the page, the tray icons and package.json', () => {
    expect(files.filter((file) => !ALLOWED.some((allowed) => allowed.test(file)))).toEqual([]);
    for (const needed of ['/package.json', '/dist/main.cjs', '/dist/preload.cjs', '/dist/renderer/index.html', '/assets/tray/in-sync.png']) expect(files).toContain(needed);
  });

  it('has a package.json with no dependencies, whose main is in the archive', () => {
    const shipped = JSON.parse(extractFile(archive, 'package.json').toString('utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) expect(shipped[field], field).toBeUndefined();
    expect(typeof shipped.main).toBe('string');
    expect(files).toContain(path.posix.join('/', shipped.main as string));
  });

  it("bundles none of the other programs', the demo's or the test kit's code", () => {
    for (const bundle of ['main.cjs', 'preload.cjs', 'doctor.cjs']) {
      const map = JSON.parse(readFileSync(path.join(BUILT.trayDist, `${bundle}.map`), 'utf8')) as { sources: string[] };
      const ours = map.sources.map((source) => path.relative(ROOT, path.resolve(BUILT.trayDist, source))).filter((source) => !source.includes('node_modules'));
      expect(ours.length, bundle).toBeGreaterThan(0);
      expect(ours.filter((source) => NOT_THE_TRAYS.test(source)), bundle).toEqual([]);
    }
  });
});

describe('the packaged executable’s fuses', () => {
  it('start from Electron 45’s defaults in the stand-in, as in the real binary', async () => {
    expect(await readFuses(standIn)).toEqual(ELECTRON_45_DEFAULTS);
  });

  it('are flipped at packaging: no Node mode, no NODE_OPTIONS or --inspect, only the integrity-checked app.asar, encrypted cookies, no file:// privileges', async () => {
    expect(await readFuses(executable)).toEqual(PACKAGED_FUSES);
  });

  it('and only the wire changed: the rest of the executable is as it was', () => {
    const before = readFileSync(standIn);
    const after = readFileSync(executable);
    expect(after.length).toBe(before.length);
    const differing = [...after.keys()].filter((i) => after[i] !== before[i]);
    const wireStart = before.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2;
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((i) => i >= wireStart && i < wireStart + Object.keys(ELECTRON_45_DEFAULTS).length)).toBe(true);
  });
});
