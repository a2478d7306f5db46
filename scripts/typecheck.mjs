// npm run typecheck: each package on its own (its own tsconfig.json, its own types: the
// renderer with the DOM's and no Node's, the tray's main process against Electron's real
// electron.d.ts), then the repository's tools and system tests. Two at a time.
//   node scripts/typecheck.mjs [project ...]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROJECTS = [
  'packages/agent-protocol',
  'packages/device-api',
  'packages/console-contract',
  'packages/passwords',
  'packages/node-kit',
  'packages/agent',
  'packages/directory',
  'packages/tray',
  'packages/tray/renderer',
  'packages/console',
  'packages/console/tsconfig.build.json',
  'packages/demo',
  'packages/testing',
  '.',
  'test/e2e',
];
const chosen = process.argv.length > 2 ? process.argv.slice(2) : PROJECTS;
const tsc = path.join(root, 'node_modules/.bin/tsc');

function check(project) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(tsc, ['-p', path.join(root, project.endsWith('.json') ? project : path.join(project, 'tsconfig.json')), '--noEmit', '--pretty', 'false'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      console.log(`${code === 0 ? 'ok    ' : 'FAILED'} ${project} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (code !== 0) process.stdout.write(out);
      resolve(code === 0);
    });
  });
}

const queue = [...chosen];
let failed = 0;
await Promise.all(
  [0, 1].map(async () => {
    for (let next = queue.shift(); next; next = queue.shift()) if (!(await check(next))) failed += 1;
  }),
);
process.exit(failed === 0 ? 0 : 1);
