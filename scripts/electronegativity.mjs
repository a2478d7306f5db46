// npm test's security scan: @doyensec/electronegativity over electron/, failing on any
// finding not accepted, with a reason, in electronegativity-allowlist.json (the tool
// itself always exits 0). Entries that no longer match a finding fail too, so the
// allowlist cannot quietly outlive what it excused. It spends ~7 s on network timeouts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const allowlist = JSON.parse(readFileSync(path.join(root, 'electronegativity-allowlist.json'), 'utf8')).accepted;
const dir = mkdtempSync(path.join(os.tmpdir(), 'pwsync-en-'));
const csv = path.join(dir, 'results.csv');

const args = ['-i', 'electron', '-r', '-e', pkg.devDependencies.electron, '-o', csv, '-x', 'AvailableSecurityFixesGlobalCheck'];
const run = spawnSync(path.join(root, 'node_modules/.bin/electronegativity'), args, { cwd: root, encoding: 'utf8' });
let text;
try {
  text = readFileSync(csv, 'utf8');
} catch {
  console.error(`electronegativity wrote no results (exit ${run.status}):\n${run.stderr}`);
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** RFC 4180-ish: quoted fields may hold commas and doubled quotes. */
function parseCsv(source) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field.trim());
    field = '';
  };
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

const [, ...rows] = parseCsv(text).filter((r) => r.length > 1);
const findings = rows.map(([check, severity, , file, location, sample]) => ({ check, severity, file, location, sample }));
const accepted = (f) => allowlist.some((a) => a.check === f.check && a.file === f.file && typeof a.reason === 'string' && a.reason.length > 20);
const unexpected = findings.filter((f) => !accepted(f));
const stale = allowlist.filter((a) => !findings.some((f) => f.check === a.check && f.file === a.file));

for (const f of unexpected) console.error(`NOT ALLOWED ${f.check} (${f.severity}) electron/${f.file}:${f.location} ${f.sample}`);
for (const a of stale) console.error(`STALE allowlist entry ${a.check} ${a.file}: no such finding any more; remove it`);
console.log(`electronegativity: ${findings.length} findings, ${findings.length - unexpected.length} allowlisted, ${unexpected.length} not allowed, ${stale.length} stale entries`);
process.exit(unexpected.length === 0 && stale.length === 0 ? 0 : 1);
