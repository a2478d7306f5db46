/**
 * npm run bench: every *-bench.ts beside this file, each reporting its figures as
 * ratios against a floor measured in the same run (never absolute timings, which
 * depend on the machine). A bench module exports `default async function(): Promise<BenchResult[]>`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchResult {
  name: string;
  /** What was measured, in its unit, e.g. { p50: 0.21, p95: 0.4, unit: 'ms' }. */
  figures: Record<string, number | string>;
  /** The figure that is judged, as a ratio against the floor measured in the same run. */
  ratio?: number;
  /** The target the ratio (or figure) must meet; `met` says whether it did. */
  target?: string;
  met?: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('-bench.ts'))
  .filter((f) => !only || f.startsWith(only))
  .sort();
let missed = 0;
for (const file of files) {
  const module = (await import(pathToFileURL(path.join(here, file)).href)) as { default: () => Promise<BenchResult[]> };
  console.log(`\n## ${file.replace(/-bench\.ts$/, '')}`);
  for (const result of await module.default()) {
    const figures = Object.entries(result.figures).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join('  ');
    const verdict = result.target ? `  target ${result.target}: ${result.met ? 'met' : 'MISSED'}` : '';
    console.log(`${result.name}: ${figures}${result.ratio !== undefined ? `  ratio=${result.ratio.toFixed(2)}x` : ''}${verdict}`);
    if (result.met === false) missed += 1;
  }
}
console.log(missed ? `\n${missed} target(s) missed` : '\nall targets met');
process.exit(missed ? 1 : 0);
