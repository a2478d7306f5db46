/**
 * The support console's JavaScript, gzip, as a browser loads it: every chunk but the
 * other languages (English and its walkthroughs are built in), plus the largest language
 * chunk (the console's words and the tray's walkthroughs in one language, loaded when
 * chosen). The floor, built in the same run with the same Vite and React, is a page that
 * renders one React element and nothing else: the ratio says what the console costs over
 * React itself. Judged against a budget (the tray window's, 120 KB).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, makeTempDir } from '@pwsync/testing/processes';
import type { BenchResult } from './run';

const BUDGET_KB = 120;
const CONSOLE_ASSETS = path.join(ROOT, 'packages/console/dist/assets');
const isLanguage = (file: string) => /^(de|fr|es|pt-BR|ja|zh-CN|nl)-/.test(file);
const gzipKb = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

function measure(assets: string): { initialKB: number; largestLanguageKB: number; everyChunkKB: number } {
  const files = readdirSync(assets).filter((file) => file.endsWith('.js'));
  const sum = (list: string[]) => list.reduce((total, file) => total + gzipKb(path.join(assets, file)), 0);
  return {
    initialKB: sum(files.filter((file) => !isLanguage(file))),
    largestLanguageKB: Math.max(0, ...files.filter(isLanguage).map((file) => gzipKb(path.join(assets, file)))),
    everyChunkKB: sum(files),
  };
}

/** A bare React page, built as the console is (production, same target), in a folder of its own. */
async function buildFloor(): Promise<string> {
  const dir = makeTempDir('pwcf-');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head><script type="module" src="./src/main.tsx"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(path.join(dir, 'src/main.tsx'), "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<p>pwsync</p>);\n");
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await build({
    root: dir,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    // React and its DOM resolve from the repository's node_modules, as the console's do.
    resolve: { alias: { react: path.join(ROOT, 'node_modules/react'), 'react-dom': path.join(ROOT, 'node_modules/react-dom') } },
    build: { outDir: path.join(dir, 'dist'), target: 'es2022', modulePreload: { polyfill: false } },
  });
  return dir;
}

export default async function consoleSizeBench(): Promise<BenchResult[]> {
  process.env.NODE_ENV = 'production';
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet', '--only=console'], { stdio: 'inherit' });
  const page = measure(CONSOLE_ASSETS);
  const floorDir = await buildFloor();
  try {
    const floor = measure(path.join(floorDir, 'dist/assets'));
    const loaded = page.initialKB + page.largestLanguageKB;
    return [
      {
        name: 'console JavaScript, gzip',
        figures: { pageKB: page.initialKB, largestLanguageKB: page.largestLanguageKB, loadedKB: loaded, everyChunkKB: page.everyChunkKB, bareReactKB: floor.initialKB, unit: 'KB' },
        ratio: loaded / floor.initialKB,
        target: `page + one language ≤ ${BUDGET_KB} KB`,
        met: loaded <= BUDGET_KB,
      },
    ];
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }
}
