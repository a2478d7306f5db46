/**
 * A throw-away root shaped like a Mac's, for running the package's scripts as Installer,
 * an MDM or an administrator would, chrooted: this machine's own sh (dash, stricter than
 * macOS's POSIX sh), coreutils, grep, sed and awk, /etc as a link to /private/etc with a
 * wheel group, and recording fakes at the paths of the macOS tools the scripts call
 * (launchctl, pkgutil, ps, stat, sudo). Each fake appends its name and arguments, one
 * line a call, to /calls.log, and answers from the state kept under /fake:
 *
 *   /fake/launchd/DOMAIN/LABEL   a loaded job (DOMAIN: system, or gui/UID), holding its state
 *                                (running, or "not running"); bootstrap makes it, bootout removes it,
 *                                and bootstrap of a loaded job fails, as launchctl's does (5: EIO)
 *   /fake/disabled-system        what `launchctl print-disabled system` prints
 *   /fake/ps                     what `ps -axo uid=,comm=` prints
 *   /fake/console-user           what `stat -f %Su /dev/console` prints
 *   /fake/receipt                present when pkgutil knows org.pwsync.pkg
 *
 * `launchctl asuser UID COMMAND…` is recorded and then runs COMMAND, which records itself.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, promises as fs, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@pwsync/testing/processes';

const run = promisify(execFile);

const HOST_TOOLS = ['sh', 'awk', 'sort', 'grep', 'chown', 'chmod', 'mkdir', 'cp', 'rm', 'id', 'sed', 'cat', 'mv', 'ls', 'touch', 'basename', 'dirname', 'env', 'printf'];

const FAKES: Record<string, string> = {
  'bin/launchctl': String.raw`#!/bin/sh
{ printf 'launchctl'; printf ' %s' "$@"; echo; } >> /calls.log
job() { echo "/fake/launchd/$1"; }
case "$1" in
  print)
    if [ -f "$(job "$2")" ]; then printf '%s = {\n\tactive count = 1\n\tstate = %s\n}\n' "$2" "$(cat "$(job "$2")")"; exit 0; fi
    echo "Could not find service \"$2\" in domain" >&2; exit 113 ;;
  print-disabled)
    printf 'disabled services = {\n'; cat /fake/disabled-system 2>/dev/null; printf '}\n'; exit 0 ;;
  bootstrap)
    [ -f "$3" ] || { echo "Bootstrap failed: 2: No such file or directory" >&2; exit 2; }
    label=$(basename "$3" .plist)
    [ -f "$(job "$2/$label")" ] && { echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; }
    mkdir -p "$(dirname "$(job "$2/$label")")"; echo running > "$(job "$2/$label")"; exit 0 ;;
  bootout)
    [ -f "$(job "$2")" ] || { echo "Boot-out failed: 3: No such process" >&2; exit 3; }
    rm "$(job "$2")"; exit 0 ;;
  asuser)
    shift 2; exec "$@" ;;
esac
echo "launchctl fake: $1 is not modelled" >&2; exit 64
`,
  'usr/sbin/pkgutil': String.raw`#!/bin/sh
{ printf 'pkgutil'; printf ' %s' "$@"; echo; } >> /calls.log
[ "$2" = org.pwsync.pkg ] || { echo "No receipt for '$2' found at '/'." >&2; exit 1; }
case "$1" in
  --pkg-info) [ -f /fake/receipt ] && { echo "package-id: org.pwsync.pkg"; exit 0; }; echo "No receipt for 'org.pwsync.pkg' found at '/'." >&2; exit 1 ;;
  --forget) [ -f /fake/receipt ] && { rm /fake/receipt; echo "Forgot package 'org.pwsync.pkg' on '/'."; exit 0; }; exit 1 ;;
esac
exit 64
`,
  'bin/ps': String.raw`#!/bin/sh
{ printf 'ps'; printf ' %s' "$@"; echo; } >> /calls.log
[ "$*" = "-axo uid=,comm=" ] || { echo "ps fake: only -axo uid=,comm= is modelled" >&2; exit 64; }
cat /fake/ps
`,
  'usr/bin/stat': String.raw`#!/bin/sh
{ printf 'stat'; printf ' %s' "$@"; echo; } >> /calls.log
[ "$*" = "-f %Su /dev/console" ] || { echo "stat fake: only -f %Su /dev/console is modelled" >&2; exit 64; }
cat /fake/console-user
`,
  'usr/bin/sudo': String.raw`#!/bin/sh
{ printf 'sudo'; printf ' %s' "$@"; echo; } >> /calls.log
[ "$1" = -H ] && [ "$2" = -u ] || { echo "sudo fake: only -H -u USER is modelled" >&2; exit 64; }
shift 3; exec "$@"
`,
};

/** A loginwindow line of `ps -axo uid=,comm=` for each uid (0: the login screen, nobody signed in). */
export function loginwindows(...uids: number[]): string {
  return `${uids.map((uid) => `${String(uid).padStart(5)} /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow`).join('\n')}\n  501 /usr/sbin/distnoted\n`;
}

export interface MacRoot {
  dir: string;
  /** Runs a program in the root (as root, with Installer's PATH), never throwing: its exit code and output. */
  run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The calls the fakes recorded since the last time this was asked, one line each. */
  calls(): string[];
  file(relative: string): string;
  set(relative: string, content: string): void;
  remove(): Promise<void>;
}

async function copyWithLibraries(dir: string, program: string): Promise<void> {
  const real = realpathSync(program);
  const target = path.join(dir, 'usr/bin', path.basename(program));
  copyFileSync(real, target);
  chmodSync(target, 0o755);
  const { stdout } = await run('ldd', [real]).catch(() => ({ stdout: '' }));
  for (const match of stdout.matchAll(/(\/\S+) \(0x/g)) {
    const library = match[1]!;
    const into = path.join(dir, library);
    if (existsSync(into)) continue;
    mkdirSync(path.dirname(into), { recursive: true });
    copyFileSync(realpathSync(library), into);
  }
}

export async function makeMacRoot(people: Array<{ name: string; uid: number }>): Promise<MacRoot> {
  const dir = makeTempDir('pwsmac-');
  chmodSync(dir, 0o755);
  for (const folder of ['usr/bin', 'usr/sbin', 'private/etc', 'private/tmp', 'private/var/run', 'fake/launchd', 'Library', 'Applications', 'Users']) mkdirSync(path.join(dir, folder), { recursive: true });
  symlinkSync('usr/bin', path.join(dir, 'bin'));
  symlinkSync('private/etc', path.join(dir, 'etc'));
  symlinkSync('private/tmp', path.join(dir, 'tmp'));
  symlinkSync('private/var', path.join(dir, 'var'));
  for (const tool of HOST_TOOLS) {
    const found = (await run('sh', ['-c', `command -v ${tool}`]).catch(() => ({ stdout: '' }))).stdout.trim();
    if (found.startsWith('/')) await copyWithLibraries(dir, found);
  }
  for (const [where, text] of Object.entries(FAKES)) {
    const file = path.join(dir, where.replace(/^bin\//, 'usr/bin/'));
    writeFileSync(file, text, { mode: 0o755 });
  }
  writeFileSync(path.join(dir, 'private/etc/passwd'), ['root:*:0:0:System Administrator:/var/root:/bin/sh', ...people.map((p) => `${p.name}:*:${p.uid}:20:${p.name}:/Users/${p.name}:/bin/zsh`)].join('\n') + '\n');
  writeFileSync(path.join(dir, 'private/etc/group'), 'wheel:*:0:root\nstaff:*:20:root\n');
  mkdirSync(path.join(dir, 'dev'));
  await run('mknod', ['-m', '666', path.join(dir, 'dev/null'), 'c', '1', '3']);
  writeFileSync(path.join(dir, 'calls.log'), '');
  let seen = 0;
  return {
    dir,
    async run(argv) {
      const result = await run('chroot', [dir, '/usr/bin/env', '-i', 'PATH=/usr/bin:/bin:/usr/sbin:/sbin', 'LANG=C', ...argv]).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
      return result;
    },
    calls() {
      const lines = readFileSync(path.join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh;
    },
    file: (relative) => path.join(dir, relative),
    set(relative, content) {
      const file = path.join(dir, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
