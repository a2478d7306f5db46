// A minimal Debian 12 root with what the pwsync package depends on, for the test that
// installs the package and runs the agent from it. Made once with debootstrap (minutes,
// cold) and kept outside the repository; the test copies it for every run.
//   node scripts/debian-test-root.mjs   → prints the cached root's path (making it if missing)
// PWSYNC_TEST_ROOT_CACHE sets the cache folder (default /var/cache/pwsync-test).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const SUITE = 'bookworm';
/**
 * What the package's Depends need that minbase lacks (docs/install.md): Debian's own
 * nodejs for the agent, init-system-helpers for the maintainer scripts, and the
 * libraries the tray app's Electron needs; and systemd and man-db, so the test can run
 * `systemd-analyze verify` on the unit as installed, with its program and manual page.
 */
export const INCLUDE = [
  'systemd', 'man-db',
  'nodejs', 'ca-certificates', 'init-system-helpers', 'passwd',
  'libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0', 'libgbm1', 'libasound2',
  // debootstrap does not resolve alternatives: dconf-service (for GTK) needs a session bus named outright.
  'dbus-x11',
];

const CACHE = process.env.PWSYNC_TEST_ROOT_CACHE ?? '/var/cache/pwsync-test';

/** The mirror this machine's apt uses for Debian itself (deb822 .sources or sources.list). */
export function debianMirror() {
  const files = ['/etc/apt/sources.list', ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').filter((f) => /\.(list|sources)$/.test(f)).map((f) => `/etc/apt/sources.list.d/${f}`) : [])];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uri && suites.includes(SUITE)) return uri;
    }
    for (const line of text.split('\n')) {
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (match && match[2] === SUITE) return match[1];
    }
  }
  throw new Error(`no apt source for Debian ${SUITE} was found in /etc/apt; the install test makes its root from the mirror apt uses`);
}

export function cachedRootPath() {
  const key = createHash('sha256').update(JSON.stringify({ SUITE, INCLUDE, v: 1 })).digest('hex').slice(0, 12);
  return path.join(CACHE, `${SUITE}-${key}`);
}

/** The cached root, made when missing; returns its path and how long making it took (0 when cached). */
export function ensureTestRoot({ quiet = false } = {}) {
  const root = cachedRootPath();
  if (existsSync(path.join(root, '.complete'))) {
    // Marks it as in use, for the week-old clean-up above.
    const now = new Date();
    utimesSync(root, now, now);
    return { root, seconds: 0 };
  }
  const started = Date.now();
  const partial = `${root}.partial-${process.pid}`;
  mkdirSync(CACHE, { recursive: true, mode: 0o755 });
  rmSync(partial, { recursive: true, force: true });
  if (!quiet) console.error(`debootstrap ${SUITE} (minbase) into ${partial}: a few minutes, once`);
  execFileSync('debootstrap', ['--variant=minbase', `--include=${INCLUDE.join(',')}`, SUITE, partial, debianMirror()], { stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'] });
  execFileSync('touch', [path.join(partial, '.complete')]);
  // Another run may have finished first, and tests may be copying its root: keep that one.
  if (existsSync(path.join(root, '.complete'))) rmSync(partial, { recursive: true, force: true });
  else {
    rmSync(root, { recursive: true, force: true });
    renameSync(partial, root);
  }
  // Roots for another list of packages (another branch's) that no run has used for a week.
  const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
  for (const name of readdirSync(CACHE)) {
    const other = path.join(CACHE, name);
    if (name.startsWith(`${SUITE}-`) && other !== root && statSync(other).mtimeMs < weekAgo) rmSync(other, { recursive: true, force: true });
  }
  return { root, seconds: (Date.now() - started) / 1000 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { root, seconds } = ensureTestRoot();
  if (seconds > 0) console.error(`made in ${seconds.toFixed(0)} s`);
  console.log(root);
}
