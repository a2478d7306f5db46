/**
 * Throw-away Linux pieces for the backend tests: a fake root (etc/passwd, shadow,
 * group, gshadow), a LUKS2 file image with a cheap PBKDF, and a gnome-keyring-daemon
 * on a private D-Bus session with HOME and XDG folders in a temp folder. Nothing here
 * touches the machine's own accounts, keyrings or disks.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '@pwsync/testing/processes';

export const USER = 'alex';
export const CHEAP_PBKDF = ['--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'] as const;

/**
 * Passwords that break naive code: non-ASCII, spaces, quotes, backslashes, colons, long.
 * The long one stays under 256 bytes because openssl passwd truncates there; MAX_LONG
 * (crypt's own 511-byte limit) is tested against hashes chpasswd makes.
 */
export const HARD_PASSWORDS = [
  'Grüße aus Köln 🌧',
  ' leading and trailing spaces ',
  `it's "quoted" \\ back\\slash: colon$dollar`,
  'пароль-密码-كلمة',
  `long-${'é'.repeat(100)}-${'"x" '.repeat(10)}`,
] as const;

/** The longest password crypt(3) takes: 511 UTF-8 bytes (libxcrypt refuses 512 and more). */
export const MAX_LONG = `${'ü'.repeat(250)}${'q"'.repeat(5)}!`;

export function missingTools(...tools: string[]): string | undefined {
  const missing = tools.filter((tool) => !existsSync(tool));
  return missing.length > 0 ? `needs ${missing.join(', ')} (Debian: see docs/backends.md, "Tests")` : undefined;
}

export const isRoot = process.getuid?.() === 0;

/** A system root holding only etc/: the user's hash is made with the system's own tools. */
export function makeFakeRoot(hash: string, uid = 4242): string {
  const root = makeTempDir('pwr-');
  mkdirSync(path.join(root, 'etc'));
  mkdirSync(path.join(root, 'home', USER), { recursive: true });
  writeFileSync(path.join(root, 'etc/passwd'), `root:x:0:0:root:/root:/bin/bash\n${USER}:x:${uid}:${uid}::/home/${USER}:/bin/bash\n`);
  writeFileSync(path.join(root, 'etc/shadow'), `root:*:19000:0:99999:7:::\n${USER}:${hash}:19000:0:99999:7:::\n`, { mode: 0o640 });
  writeFileSync(path.join(root, 'etc/group'), `root:x:0:\n${USER}:x:${uid}:\n`);
  writeFileSync(path.join(root, 'etc/gshadow'), `root:*::\n${USER}:!::\n`, { mode: 0o640 });
  return root;
}

export async function shadowHash(root: string): Promise<string> {
  const line = (await fs.readFile(path.join(root, 'etc/shadow'), 'utf8')).split('\n').find((l) => l.startsWith(`${USER}:`));
  return line!.split(':')[1]!;
}

/** Reference hashes from the system's tools, the password on stdin. */
export function referenceHash(tool: 'yescrypt' | 'sha-512' | 'openssl-6' | 'openssl-5', password: string): string {
  const run = (program: string, args: string[], input: string) => execFileSync(program, args, { input, encoding: 'utf8' }).trim();
  switch (tool) {
    case 'yescrypt':
      return run('/usr/bin/mkpasswd', ['-m', 'yescrypt', '-s'], password);
    case 'sha-512':
      return run('/usr/bin/mkpasswd', ['-m', 'sha-512', '-s'], password);
    case 'openssl-6':
      return run('/usr/bin/openssl', ['passwd', '-6', '-stdin'], `${password}\n`);
    case 'openssl-5':
      return run('/usr/bin/openssl', ['passwd', '-5', '-stdin'], `${password}\n`);
  }
}

export function makeLuksImage(dir: string, passphrase: string): string {
  const image = path.join(dir, 'disk.img');
  writeFileSync(image, Buffer.alloc(0));
  execFileSync('/usr/bin/truncate', ['-s', '20M', image]);
  execFileSync('/usr/sbin/cryptsetup', ['luksFormat', '--type', 'luks2', '--batch-mode', ...CHEAP_PBKDF, '--key-file', '-', image], { input: Buffer.from(passphrase) });
  return image;
}

export function luksOpens(image: string, passphrase: string): boolean {
  return spawnSync('/usr/sbin/cryptsetup', ['open', '--test-passphrase', '--key-file', '-', image], { input: Buffer.from(passphrase) }).status === 0;
}

export interface KeyringSession {
  dir: string;
  busAddress: string;
  runtimeDir: string;
  home: string;
  env: Record<string, string>;
  /** Starts a (new) daemon unlocking the login keyring with this password, creating it if there is none. */
  startDaemon(password: string): Promise<void>;
  stopDaemon(): Promise<void>;
  /** Whether the login keyring is unlocked, as the Secret Service says. */
  loginUnlocked(): Promise<boolean>;
  close(): Promise<void>;
}

/** A private D-Bus session with gnome-keyring-daemon, everything under one temp folder. */
export async function startKeyringSession(): Promise<KeyringSession> {
  const dir = makeTempDir('pwg-');
  const home = path.join(dir, 'home');
  const runtimeDir = path.join(dir, 'run');
  mkdirSync(home, { recursive: true });
  mkdirSync(runtimeDir, { mode: 0o700 });
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_RUNTIME_DIR: runtimeDir,
  };
  const bus = spawn('/usr/bin/dbus-daemon', ['--session', '--nofork', '--print-address=1', `--address=unix:path=${path.join(runtimeDir, 'bus')}`], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const busAddress = await new Promise<string>((resolve, reject) => {
    let text = '';
    bus.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]!.trim());
    });
    bus.once('exit', () => reject(new Error('dbus-daemon exited')));
  });
  const fullEnv = { ...env, DBUS_SESSION_BUS_ADDRESS: busAddress };
  let daemon: ChildProcess | undefined;
  const stopDaemon = async () => {
    const running = daemon;
    daemon = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  const session: KeyringSession = {
    dir,
    busAddress,
    runtimeDir,
    home,
    env: fullEnv,
    async startDaemon(password) {
      await stopDaemon();
      await fs.rm(path.join(runtimeDir, 'keyring'), { recursive: true, force: true });
      // In the foreground, so the test owns the process; --unlock reads the password from stdin.
      daemon = spawn('/usr/bin/gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: fullEnv, stdio: ['pipe', 'ignore', 'ignore'] });
      daemon.stdin!.end(Buffer.from(password));
      for (let i = 0; i < 200 && !existsSync(path.join(runtimeDir, 'keyring/control')); i++) await new Promise((r) => setTimeout(r, 10));
      await waitForName(busAddress);
    },
    stopDaemon,
    loginUnlocked: () => loginUnlocked(busAddress),
    async close() {
      await stopDaemon();
      bus.kill('SIGTERM');
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return session;
}

async function waitForName(busAddress: string): Promise<void> {
  const { sessionBus } = await import('dbus-next');
  const bus = sessionBus({ busAddress });
  bus.on('error', () => undefined);
  try {
    const object = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
    const dbus = object.getInterface('org.freedesktop.DBus') as unknown as { NameHasOwner(name: string): Promise<boolean> };
    for (let i = 0; i < 100 && !(await dbus.NameHasOwner('org.freedesktop.secrets')); i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    bus.disconnect();
  }
}

async function loginUnlocked(busAddress: string): Promise<boolean> {
  const { sessionBus } = await import('dbus-next');
  const bus = sessionBus({ busAddress });
  bus.on('error', () => undefined);
  try {
    const object = await bus.getProxyObject('org.freedesktop.secrets', '/org/freedesktop/secrets/collection/login');
    const props = object.getInterface('org.freedesktop.DBus.Properties') as unknown as { Get(i: string, p: string): Promise<{ value: boolean }> };
    return !(await props.Get('org.freedesktop.Secret.Collection', 'Locked')).value;
  } finally {
    bus.disconnect();
  }
}
