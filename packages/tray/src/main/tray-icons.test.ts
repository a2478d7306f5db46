import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { TRAY_ICONS } from '../core/tray-view';
import { iconFile } from './tray';

const root = path.resolve(import.meta.dirname, '../../../..');
const iconsDir = path.join(root, 'packages/tray/assets/tray');
const read = (file: string) => PNG.sync.read(readFileSync(file));
const at2x = (file: string) => file.replace(/\.png$/, '@2x.png');

describe('the tray icons', () => {
  it.each(TRAY_ICONS)('%s: a 16 px and a 32 px (@2x) PNG for each platform', (name) => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const file = iconFile(iconsDir, name, platform);
      expect([read(file).width, read(file).height]).toEqual([16, 16]);
      expect([read(at2x(file)).width, read(at2x(file)).height]).toEqual([32, 32]);
    }
  });

  it.each(TRAY_ICONS)('%s on macOS is a template: black pixels and alpha only, and not empty', (name) => {
    for (const file of [iconFile(iconsDir, name, 'darwin'), at2x(iconFile(iconsDir, name, 'darwin'))]) {
      const { data } = read(file);
      let opaque = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        opaque += 1;
        expect([data[i], data[i + 1], data[i + 2]], `${path.basename(file)} pixel ${i / 4}`).toEqual([0, 0, 0]);
      }
      expect(opaque).toBeGreaterThan(data.length / 4 / 5);
    }
  });

  it('the five icons look different from each other (at least on macOS, where colour cannot tell them apart)', () => {
    const images = TRAY_ICONS.map((name) => readFileSync(at2x(iconFile(iconsDir, name, 'darwin'))).toString('base64'));
    expect(new Set(images).size).toBe(TRAY_ICONS.length);
  });

  it('are up to date with their SVG sources (scripts/render-icons.mjs --check)', () => {
    expect(() => execFileSync(process.execPath, [path.join(root, 'scripts/render-icons.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
