// npm test: every check in one run — typecheck (each package with its own tsconfig), lint, unit and integration tests
// (vitest), end-to-end tests in Chromium (Playwright) — then one closing line,
// "N passed, N failed", which CI reads. Exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const env = { ...process.env, CI_JSON: '1', FORCE_COLOR: '0' };
let passed = 0;
let failed = 0;
const failures = [];

function run(name, command, args) {
  const started = Date.now();
  console.log(`\n=== ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  console.log(`=== ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status === 0;
}

function check(name, command, args) {
  if (run(name, command, args)) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

/** Counts from a runner's JSON report; a run that wrote no report counts as one failure. */
function suite(name, command, args, reportFile, count) {
  rmSync(reportFile, { force: true });
  const ok = run(name, command, args);
  if (!existsSync(reportFile)) {
    failed += 1;
    failures.push(`${name} (no report)`);
    return;
  }
  const { pass, fail } = count(JSON.parse(readFileSync(reportFile, 'utf8')));
  passed += pass;
  failed += fail;
  if (fail > 0 || !ok) failures.push(name);
  if (!ok && fail === 0) failed += 1;
}

const npx = (bin) => path.join(root, 'node_modules', '.bin', bin);
check('typecheck, each package on its own', process.execPath, ['scripts/typecheck.mjs']);
check('lint', npx('eslint'), ['--max-warnings', '0', '.']);
check('security scan (electronegativity)', process.execPath, ['scripts/electronegativity.mjs']);
suite('unit and integration tests (vitest)', npx('vitest'), ['run'], '.vitest-results.json', (r) => ({
  pass: r.numPassedTests,
  fail: r.numFailedTests,
}));
suite('end-to-end tests (Playwright, Chromium)', npx('playwright'), ['test'], '.playwright-results.json', (r) => ({
  pass: r.stats.expected + r.stats.flaky,
  fail: r.stats.unexpected,
}));

if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
