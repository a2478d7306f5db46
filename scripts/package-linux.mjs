// npm run package:linux: the Debian package (dist/pwsync_VERSION_amd64.deb), built with
// dpkg-deb from what `npm run build` makes and electron-builder's linux-unpacked tray app.
// What goes where is in packaging/README.md.
//   node scripts/package-linux.mjs [--no-build] [--stand-in-electron] [--out DIR]
// Electron's binary comes from PWSYNC_ELECTRON_DIST, else node_modules/electron/dist.
// Where neither holds one (machines that cannot download it), --stand-in-electron puts
// a script in its place that only says so: such a package (version ~standin, which any
// real build of the same version replaces) is for tests, never for computers.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const linux = path.join(root, 'packaging/linux');
const out = path.resolve(option('--out') ?? path.join(root, 'dist'));

function fail(message) {
  console.error(`package:linux: ${message}`);
  process.exit(1);
}

const run = (program, argv, options = {}) => execFileSync(program, argv, { stdio: ['ignore', 'pipe', 'inherit'], ...options });

/** The folder holding Electron's executable, or a stand-in when asked for one. */
function electronDist(work) {
  const candidates = [process.env.PWSYNC_ELECTRON_DIST, path.join(root, 'node_modules/electron/dist')].filter(Boolean);
  for (const dir of candidates) if (existsSync(path.join(dir, 'electron'))) return { dir, standIn: false };
  if (!flag('--stand-in-electron')) {
    fail('no Electron binary (set PWSYNC_ELECTRON_DIST, or install electron with its binary); --stand-in-electron builds a test package without one');
  }
  const dir = path.join(work, 'electron-stand-in');
  mkdirSync(dir);
  // electron-builder flips the fuses (packages/tray/package.json build.electronFuses), so
  // the stand-in carries Electron 45's fuse wire in its default state, in a comment line:
  // the sentinel, the wire's version and length, a '0'/'1' a fuse (as packages/tray/test/fuse-wire.ts).
  const wire = Buffer.concat([Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 9]), Buffer.from('101100011')]);
  writeFileSync(
    path.join(dir, 'electron'),
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho "pwsync: this package was built with a stand-in for Electron; install one built with Electron\'s binary" >&2\nexit 1\n# '),
      wire,
      Buffer.from('\n'),
    ]),
    { mode: 0o755 },
  );
  return { dir, standIn: true };
}

function put(stage, target, content, mode = 0o644) {
  const file = path.join(stage, target);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

function gz(text) {
  // -n: no name or time in the header, so the same input gives the same bytes.
  return gzipSync(text, { level: 9 });
}

/** Modes as Debian expects them, whatever the umask of the machine that built the package. */
function normaliseModes(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      chmodSync(file, 0o755);
      normaliseModes(file);
    } else {
      const executable = (statSync(file).mode & 0o111) !== 0;
      chmodSync(file, executable ? 0o755 : 0o644);
    }
  }
}

function md5sums(stage) {
  const lines = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      const relative = path.relative(stage, file);
      if (relative === 'DEBIAN') continue;
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && !relative.startsWith('etc/')) lines.push(`${createHash('md5').update(readFileSync(file)).digest('hex')}  ${relative}`);
    }
  };
  walk(stage);
  return `${lines.join('\n')}\n`;
}

function installedSizeKiB(stage) {
  let bytes = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (path.relative(stage, file) === 'DEBIAN') continue;
      if (entry.isDirectory()) walk(file);
      else bytes += lstatSync(file).size;
    }
  };
  walk(stage);
  return Math.ceil(bytes / 1024);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'pwsync-package-'));
try {
  if (!flag('--no-build')) run(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
  const agentBundle = path.join(root, 'packages/agent/dist/cli.cjs');
  if (!existsSync(agentBundle)) fail('packages/agent/dist/cli.cjs is missing: run npm run build');

  const electron = electronDist(work);
  const trayOut = path.join(work, 'tray');
  // The tray package's own electron-builder configuration; only where the output goes and
  // the executable's name (the package name would give "@pwsynctray") are set here.
  run(path.join(root, 'node_modules/.bin/electron-builder'), ['--dir', '--linux', `-c.electronDist=${electron.dir}`, `-c.directories.output=${trayOut}`, '-c.linux.executableName=pwsync'], {
    cwd: path.join(root, 'packages/tray'),
    env: { ...process.env, CI: '1' },
  });
  const unpacked = path.join(trayOut, 'linux-unpacked');
  if (!existsSync(path.join(unpacked, 'pwsync'))) fail(`electron-builder left no ${unpacked}/pwsync`);

  const { version: upstream } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const version = electron.standIn ? `${upstream}~standin` : upstream;
  const date = run('git', ['log', '-1', '--format=%cD'], { cwd: root }).toString().trim() || new Date().toUTCString();
  const stage = path.join(work, 'stage');

  // The agent: one file with its dependencies (esbuild), run by Debian's nodejs.
  const bundle = readFileSync(agentBundle, 'utf8').replace(/^#![^\n]*\n/, '#!/usr/bin/node\n');
  put(stage, 'usr/lib/pwsync/pwsync-agent.cjs', bundle, 0o755);
  mkdirSync(path.join(stage, 'usr/sbin'), { recursive: true });
  symlinkSync('../lib/pwsync/pwsync-agent.cjs', path.join(stage, 'usr/sbin/pwsync-agent'));
  put(stage, 'lib/systemd/system/pwsync-agent.service', readFileSync(path.join(linux, 'pwsync-agent.service')));
  put(stage, 'etc/pwsync/agent.json', readFileSync(path.join(linux, 'agent.json')));
  put(stage, 'usr/share/man/man8/pwsync-agent.8.gz', gz(readFileSync(path.join(linux, 'pwsync-agent.8'))));

  // The tray app, as electron-builder laid it out.
  cpSync(unpacked, path.join(stage, 'usr/lib/pwsync/tray'), { recursive: true, verbatimSymlinks: true });
  normaliseModes(path.join(stage, 'usr/lib/pwsync/tray'));
  // Chromium's sandbox helper must be setuid root where the kernel lacks unprivileged user namespaces.
  const sandboxHelper = path.join(stage, 'usr/lib/pwsync/tray/chrome-sandbox');
  if (existsSync(sandboxHelper)) chmodSync(sandboxHelper, 0o4755);
  mkdirSync(path.join(stage, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/pwsync/tray/pwsync', path.join(stage, 'usr/bin/pwsync'));
  put(stage, 'usr/share/applications/pwsync.desktop', readFileSync(path.join(linux, 'pwsync.desktop')));
  // Named as the tray app's own per-person entry (~/.config/autostart/pwsync.desktop), which overrides it.
  put(stage, 'etc/xdg/autostart/pwsync.desktop', readFileSync(path.join(linux, 'pwsync-autostart.desktop')));
  put(stage, 'usr/share/icons/hicolor/scalable/apps/pwsync.svg', readFileSync(path.join(root, 'packages/tray/assets/icon.svg')));
  put(stage, 'usr/share/man/man1/pwsync.1.gz', gz(readFileSync(path.join(linux, 'pwsync.1'))));

  // Documentation and Debian's own files.
  put(stage, 'usr/share/doc/pwsync/copyright', readFileSync(path.join(linux, 'debian/copyright')));
  put(stage, 'usr/share/doc/pwsync/changelog.gz', gz(readFileSync(path.join(linux, 'debian/changelog'), 'utf8').replaceAll('@VERSION@', version).replaceAll('@DATE@', date)));
  put(stage, 'usr/share/doc/pwsync/install.md', readFileSync(path.join(root, 'docs/install.md')));
  put(stage, 'usr/share/lintian/overrides/pwsync', readFileSync(path.join(linux, 'debian/lintian-overrides')));
  for (const script of ['postinst', 'prerm', 'postrm']) put(stage, `DEBIAN/${script}`, readFileSync(path.join(linux, 'debian', script)), 0o755);
  put(stage, 'DEBIAN/conffiles', readFileSync(path.join(linux, 'debian/conffiles')));
  put(stage, 'DEBIAN/md5sums', md5sums(stage));
  const control = readFileSync(path.join(linux, 'debian/control'), 'utf8')
    .replaceAll('@VERSION@', version)
    .replaceAll('@INSTALLED_SIZE@', String(installedSizeKiB(stage)));
  put(stage, 'DEBIAN/control', control);

  mkdirSync(out, { recursive: true });
  const deb = path.join(out, `pwsync_${version}_amd64.deb`);
  rmSync(deb, { force: true });
  run('dpkg-deb', ['--build', '--root-owner-group', '-Zxz', stage, deb]);
  console.log(deb);
} finally {
  rmSync(work, { recursive: true, force: true });
}
