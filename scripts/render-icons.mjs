// Renders the tray icons from their SVG sources (assets/tray/src) to the PNGs the app
// loads (assets/tray): each at 16 px and @2x at 32 px. Names ending in "Template" are
// macOS template images (black and alpha only; the menu bar tints them).
//   node scripts/render-icons.mjs          write the PNGs
//   node scripts/render-icons.mjs --check  exit 1 if any PNG is missing or out of date
import { Resvg } from '@resvg/resvg-js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = path.join(root, 'packages/tray/assets/tray/src');
const out = path.join(root, 'packages/tray/assets/tray');
export const SIZES = [
  { suffix: '', size: 16 },
  { suffix: '@2x', size: 32 },
];

/** Every PNG the sources make: [file name, bytes]. Same input, same bytes. */
export function renderAll() {
  const rendered = [];
  for (const file of readdirSync(sources).filter((f) => f.endsWith('.svg')).sort()) {
    const svg = readFileSync(path.join(sources, file));
    for (const { suffix, size } of SIZES) {
      const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng();
      rendered.push([`${path.basename(file, '.svg')}${suffix}.png`, Buffer.from(png)]);
    }
  }
  return rendered;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, png] of renderAll()) {
    const target = path.join(out, name);
    if (check) {
      if (!existsSync(target) || !readFileSync(target).equals(png)) {
        console.error(`out of date: assets/tray/${name} (run node scripts/render-icons.mjs)`);
        stale += 1;
      }
    } else {
      writeFileSync(target, png);
    }
  }
  if (!check) console.log(`rendered ${readdirSync(sources).length * SIZES.length} icons into assets/tray`);
  process.exit(stale === 0 ? 0 : 1);
}
