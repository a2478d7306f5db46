/**
 * The GNOME login keyring. Replacing the account's hash out of band leaves it on the
 * previous password; with the previous password known it can be re-keyed, through
 * the user's own running gnome-keyring-daemon (a second daemon beside it would be
 * overwritten by it later). Two doors into that daemon, both refused to anyone but
 * its user:
 *
 * - D-Bus (gnome-keyring's src/daemon/dbus/gkd-secret-service.c): on
 *   org.freedesktop.secrets, OpenSession("plain"), then
 *   org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface.ChangeWithMasterPassword
 *   (collection, old secret, new secret). Used when this process is the bus's user.
 * - The daemon's control socket $XDG_RUNTIME_DIR/keyring/control, the one
 *   pam_gnome_keyring uses when a password changes (gkd-control-server.c, op CHANGE):
 *   used by the root agent through a small helper run as the user.
 *
 * The same-password form (old = new) changes nothing and succeeds exactly when the
 * password is the keyring's: that is the probe.
 */
import { sessionBus, Variant, type DBusError, type MessageBus } from 'dbus-next';
import { describeRun, type Runner, secretLines } from './runner';

export type KeyringOutcome = 'changed' | 'denied' | 'absent';

export interface KeyringUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface LoginKeyring {
  /** 'absent': no running keyring daemon with a login keyring for this user (nothing to re-key). */
  change(user: KeyringUser, previous: string, next: string): Promise<KeyringOutcome>;
}

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

type SecretStruct = [string, Buffer, Buffer, string];
interface SecretService {
  OpenSession(algorithm: string, input: Variant): Promise<[Variant, string]>;
}
interface GuiltRidden {
  ChangeWithMasterPassword(collection: string, original: SecretStruct, master: SecretStruct): Promise<void>;
}

const LOGIN_COLLECTION = '/org/freedesktop/secrets/collection/login';
const SECRETS_NAME = 'org.freedesktop.secrets';

/** Re-keys through D-Bus with dbus-next, in this process (which must be the bus's user). */
export class DbusKeyring implements LoginKeyring {
  constructor(private readonly busAddressFor: (user: KeyringUser) => string) {}

  async change(user: KeyringUser, previous: string, next: string): Promise<KeyringOutcome> {
    let bus: MessageBus;
    try {
      bus = sessionBus({ busAddress: this.busAddressFor(user) });
    } catch {
      return 'absent';
    }
    // dbus-next throws from its socket's error event unless someone listens for it.
    let broken: Error | undefined;
    bus.on('error', (error: Error) => (broken = error));
    const old = Buffer.from(previous, 'utf8');
    const replacement = Buffer.from(next, 'utf8');
    try {
      const dbusObject = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
      // Asking for the name first stops D-Bus activation from starting a daemon of its own.
      const daemon = dbusObject.getInterface('org.freedesktop.DBus') as unknown as { NameHasOwner(name: string): Promise<boolean> };
      const owned = await daemon.NameHasOwner(SECRETS_NAME);
      if (!owned) return 'absent';
      const service = await bus.getProxyObject(SECRETS_NAME, '/org/freedesktop/secrets');
      const secrets = service.getInterface('org.freedesktop.Secret.Service') as unknown as SecretService;
      const guilty = service.getInterface('org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface') as unknown as GuiltRidden;
      const [, session] = await secrets.OpenSession('plain', new Variant('s', ''));
      // A Secret is (session, parameters, value, content type): D-Bus signature (oayays).
      const secret = (value: Buffer): SecretStruct => [session, Buffer.alloc(0), value, 'text/plain'];
      await guilty.ChangeWithMasterPassword(LOGIN_COLLECTION, secret(old), secret(replacement));
      return 'changed';
    } catch (error) {
      const type = (error as DBusError).type;
      if (type === 'org.gnome.keyring.Error.Denied') return 'denied';
      if (type === 'org.freedesktop.Secret.Error.NoSuchObject' || type === 'org.freedesktop.DBus.Error.UnknownObject') return 'absent';
      if (broken || !type) return 'absent';
      throw new KeyringError(`the keyring daemon answered ${type}`);
    } finally {
      old.fill(0);
      replacement.fill(0);
      bus.disconnect();
    }
  }
}

/**
 * The control-socket helper: Node built-ins only, given as the -e script (it holds no
 * secret), the two passwords on stdin as two lines. Exit 0 changed, 1 denied, 2 failed,
 * 3 no daemon (gkd-control-codes.h: OK 0, DENIED 1, FAILED 2, NO_DAEMON 3).
 */
const CONTROL_HELPER = `
const net = require('net');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const input = Buffer.concat(chunks);
  const cut = input.indexOf(10);
  const strs = [input.subarray(0, cut), input.subarray(cut + 1)];
  const body = Buffer.concat(strs.flatMap((b) => { const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return [l, b]; }));
  const head = Buffer.alloc(8); head.writeUInt32BE(8 + body.length, 0); head.writeUInt32BE(2, 4);
  const packet = Buffer.concat([Buffer.from([0]), head, body]);
  input.fill(0); body.fill(0);
  const socket = net.connect(process.env.XDG_RUNTIME_DIR + '/keyring/control');
  let reply = Buffer.alloc(0);
  socket.on('connect', () => socket.write(packet, () => packet.fill(0)));
  socket.on('data', (d) => { reply = Buffer.concat([reply, d]); if (reply.length >= 8) { socket.destroy(); process.exit(Math.min(reply.readUInt32BE(4), 3)); } });
  socket.on('error', () => process.exit(3));
  socket.on('close', () => process.exit(reply.length >= 8 ? Math.min(reply.readUInt32BE(4), 3) : 2));
});
`;

export interface ControlSocketOptions {
  runner: Runner;
  /** The user's runtime folder, where the daemon keeps its control socket (/run/user/UID). */
  runtimeDirFor: (user: KeyringUser) => string;
  /** false in tests whose daemon runs as the test's own user. */
  switchUser?: boolean;
  /** The Node binary that runs the helper; the agent's own by default. */
  node?: string;
}

/** Re-keys through the daemon's control socket, run as the user by the root agent. */
export class ControlSocketKeyring implements LoginKeyring {
  constructor(private readonly options: ControlSocketOptions) {}

  async change(user: KeyringUser, previous: string, next: string): Promise<KeyringOutcome> {
    const stdin = secretLines([previous, next], { maxBytes: 4096, finalNewline: false });
    const switchUser = this.options.switchUser ?? true;
    const result = await this.options.runner.run({
      program: this.options.node ?? process.execPath,
      args: ['-e', CONTROL_HELPER],
      user: { name: user.name, home: user.home, ...(switchUser ? { uid: user.uid, gid: user.gid } : {}) },
      env: { XDG_RUNTIME_DIR: this.options.runtimeDirFor(user) },
      stdin,
      timeoutMs: 20_000,
    });
    if (result.exitCode === 0) return 'changed';
    if (result.exitCode === 1) return 'denied';
    if (result.exitCode === 3) return 'absent';
    throw new KeyringError(`the keyring helper ${describeRun(result)}`);
  }
}
