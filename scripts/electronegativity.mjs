// npm test's security scan: @doyensec/electronegativity over the tray app's code (packages/tray/src), failing on any
// finding not accepted, with a reason, in packages/tray/electronegativity-allowlist.json (the tool
// itself always exits 0). Entries that no longer match a finding fail too, so the
// allowlist cannot quietly outlive what it excused. It spends ~7 s on network timeouts.
//
// The report is read as SARIF, not CSV: the tool writes its CSV with two unawaited
// fs.writeFile calls (the header, truncating, and the rows, appending) that race, so a
// CSV report is now and then empty or garbled (dist/util/file.js, writeIssues). Its
// SARIF report is one write.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tray = path.join(root, 'packages/tray');
const pkg = JSON.parse(readFileSync(path.join(tray, 'package.json'), 'utf8'));
const allowlist = JSON.parse(readFileSync(path.join(tray, 'electronegativity-allowlist.json'), 'utf8')).accepted;
const dir = mkdtempSync(path.join(os.tmpdir(), 'pwsync-en-'));
const report = path.join(dir, 'results.sarif');

const args = ['-i', 'packages/tray/src', '-r', '-e', pkg.devDependencies.electron, '-o', report, '-x', 'AvailableSecurityFixesGlobalCheck'];
const run = spawnSync(path.join(root, 'node_modules/.bin/electronegativity'), args, { cwd: root, encoding: 'utf8' });
let sarif;
try {
  sarif = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error(`electronegativity wrote no readable report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** A global finding has no file; the allowlist names those "N/A", as the tool's CSV did. */
const findings = (sarif.runs?.[0]?.results ?? []).map((result) => {
  const location = result.locations?.[0]?.physicalLocation;
  const uri = location?.artifactLocation?.uri ?? 'file:///';
  return {
    check: result.ruleId,
    file: uri === 'file:///' ? 'N/A' : uri,
    line: location?.region?.startLine ?? 0,
    message: result.message?.text ?? '',
  };
});
const accepted = (f) => allowlist.some((a) => a.check === f.check && a.file === f.file && typeof a.reason === 'string' && a.reason.length > 20);
const unexpected = findings.filter((f) => !accepted(f));
const stale = allowlist.filter((a) => !findings.some((f) => f.check === a.check && f.file === a.file));

for (const f of unexpected) console.error(`NOT ALLOWED ${f.check} packages/tray/src/${f.file}:${f.line} ${f.message}`);
for (const a of stale) console.error(`STALE allowlist entry ${a.check} ${a.file}: no such finding any more; remove it`);
console.log(`electronegativity: ${findings.length} findings, ${findings.length - unexpected.length} allowlisted, ${unexpected.length} not allowed, ${stale.length} stale entries`);
process.exit(unexpected.length === 0 && stale.length === 0 ? 0 : 1);
