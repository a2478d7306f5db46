// npm run package:macos: the macOS installer package (dist/pwsync-VERSION.pkg), built
// with pkgbuild and productbuild. What goes where is in packaging/README.md.
//
//   node scripts/package-macos.mjs payload --out DIR [--app PATH | --stand-in-app] [--agent FILE | --stand-in-agent]
//     Lays out what the package installs (DIR/root), its scripts (DIR/scripts), the
//     productbuild distribution, pkgbuild's component list and the two audit forms for
//     MDMs (DIR/mdm). Runs anywhere; the tests use it with the stand-ins.
//   node scripts/package-macos.mjs build [--no-build] --app PATH --node NODE [--node NODE] [--out DIR] [--dry-run]
//     On a Mac: the agent as a Node single-executable application (one per --node, the
//     Node binaries of each architecture, joined with lipo), signed with the hardened
//     runtime; the payload; pkgbuild, productbuild (signed), notarized and stapled.
//     --dry-run prints each command it would run, one JSON array a line, and runs none.
//
// Signing and notarization take these from the environment (the macOS workflow's secrets):
//   CSC_LINK, CSC_KEY_PASSWORD                      the Developer ID Application certificate (base64 .p12) and its password: signs the agent
//   CSC_INSTALLER_LINK, CSC_INSTALLER_KEY_PASSWORD  the Developer ID Installer certificate and its password: signs the package
//   APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID   notarization, as for the app
// Without the certificates the agent is signed ad hoc (so it runs on Apple silicon) and
// the package is left unsigned and not notarized: such a package is for tests only.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const macos = path.join(root, 'packaging/macos');
const [command, ...args] = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const options = (name) => args.flatMap((arg, i) => (arg === name && args[i + 1] ? [args[i + 1]] : []));

export const PACKAGE_ID = 'org.pwsync.pkg';
/** Where each file goes, relative to the target volume, and its mode. */
export const LAYOUT = {
  app: 'Applications/pwsync.app',
  agent: 'usr/local/libexec/pwsync/pwsync-agent',
  agentConfigDefault: 'usr/local/libexec/pwsync/agent.json',
  uninstall: 'usr/local/libexec/pwsync/uninstall',
  audit: 'usr/local/libexec/pwsync/audit',
  daemon: 'Library/LaunchDaemons/org.pwsync.agent.plist',
  launchAgent: 'Library/LaunchAgents/org.pwsync.tray.plist',
  // /etc is a link to /private/etc on macOS: a payload's etc/ folder would stand in its place.
  newsyslog: 'private/etc/newsyslog.d/org.pwsync.agent.conf',
  logs: 'Library/Logs/pwsync',
};

function fail(message) {
  console.error(`package:macos: ${message}`);
  process.exit(1);
}

function put(stage, target, content, mode = 0o644) {
  const file = path.join(stage, target);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

/** Modes as the package installs them, whatever the umask of the machine that built it (pkgbuild makes everything root:wheel). */
function normaliseModes(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) normaliseModes(file);
    else chmodSync(file, (statSync(file).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

const version = () => JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

/** A tree with the app's layout and no Electron in it: Info.plist, an executable that says what it is, app.asar. For tests only. */
function standInApp(dir) {
  const info = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleIdentifier</key>
  <string>org.pwsync.tray</string>
  <key>CFBundleExecutable</key>
  <string>pwsync</string>
  <key>CFBundleName</key>
  <string>pwsync</string>
  <key>CFBundlePackageType</key>
  <string>APPL</string>
  <key>CFBundleShortVersionString</key>
  <string>${version()}</string>
</dict>
</plist>
`;
  put(dir, 'Contents/Info.plist', info);
  put(dir, 'Contents/MacOS/pwsync', '#!/bin/sh\necho "pwsync: a stand-in for the app, for the package layout test" >&2\nexit 1\n', 0o755);
  put(dir, 'Contents/Resources/app.asar', 'stand-in\n');
}

/**
 * What the package installs, its scripts and what an MDM is given, in `out`. The app
 * comes as electron-builder made it (symbolic links in its frameworks kept); the agent
 * is the signed single executable.
 */
export function makePayload(out, { app, agent }) {
  rmSync(out, { recursive: true, force: true });
  const stage = path.join(out, 'root');
  mkdirSync(stage, { recursive: true });

  const appTarget = path.join(stage, LAYOUT.app);
  if (app) cpSync(app, appTarget, { recursive: true, verbatimSymlinks: true });
  else standInApp(appTarget);

  if (agent) put(stage, LAYOUT.agent, readFileSync(agent), 0o755);
  else put(stage, LAYOUT.agent, '#!/bin/sh\necho "pwsync-agent: a stand-in for the signed agent, for the package layout test" >&2\nexit 1\n', 0o755);
  put(stage, LAYOUT.agentConfigDefault, readFileSync(path.join(macos, 'agent.json')));
  put(stage, LAYOUT.uninstall, readFileSync(path.join(macos, 'scripts/uninstall')), 0o755);
  put(stage, LAYOUT.audit, readFileSync(path.join(macos, 'scripts/audit')), 0o755);
  put(stage, LAYOUT.daemon, readFileSync(path.join(macos, 'org.pwsync.agent.plist')));
  put(stage, LAYOUT.launchAgent, readFileSync(path.join(macos, 'org.pwsync.tray.plist')));
  put(stage, LAYOUT.newsyslog, readFileSync(path.join(macos, 'org.pwsync.agent.newsyslog.conf')));
  mkdirSync(path.join(stage, LAYOUT.logs), { recursive: true });
  normaliseModes(stage);

  for (const script of ['preinstall', 'postinstall']) put(out, `scripts/${script}`, readFileSync(path.join(macos, 'scripts', script)), 0o755);

  // The audit in the two forms MDMs take: Kandji's Audit & Enforce (its exit code) and a Jamf Pro extension attribute (<result>).
  const audit = readFileSync(path.join(macos, 'scripts/audit'), 'utf8');
  if (!/^FORM=exit-code$/m.test(audit)) fail('packaging/macos/scripts/audit has no FORM=exit-code line');
  put(out, 'mdm/kandji-audit.sh', audit, 0o755);
  put(out, 'mdm/jamf-extension-attribute.sh', audit.replace(/^FORM=exit-code$/m, 'FORM=jamf'), 0o755);

  // pkgbuild's component list: the app is installed where it is said, never "relocated"
  // to wherever another copy with its bundle identifier happens to be.
  put(
    out,
    'component.plist',
    `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<array>
  <dict>
    <key>RootRelativeBundlePath</key>
    <string>${LAYOUT.app}</string>
    <key>BundleIsRelocatable</key>
    <false/>
    <key>BundleIsVersionChecked</key>
    <false/>
    <key>BundleHasStrictIdentifier</key>
    <true/>
    <key>BundleOverwriteAction</key>
    <string>upgrade</string>
  </dict>
</array>
</plist>
`,
  );
  put(
    out,
    'distribution.xml',
    `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
  <title>pwsync</title>
  <organization>org.pwsync</organization>
  <options customize="never" require-scripts="false" rootVolumeOnly="true" hostArchitectures="arm64,x86_64"/>
  <domains enable_anywhere="false" enable_currentUserHome="false" enable_localSystem="true"/>
  <allowed-os-versions>
    <os-version min="13.0"/>
  </allowed-os-versions>
  <choices-outline>
    <line choice="default">
      <line choice="${PACKAGE_ID}"/>
    </line>
  </choices-outline>
  <choice id="default"/>
  <choice id="${PACKAGE_ID}" visible="false">
    <pkg-ref id="${PACKAGE_ID}"/>
  </choice>
  <pkg-ref id="${PACKAGE_ID}" version="${version()}" onConclusion="none">pwsync-component.pkg</pkg-ref>
</installer-gui-script>
`,
  );
  return { stage, scripts: path.join(out, 'scripts') };
}

// ---- build, on a Mac ----

const dryRun = flag('--dry-run');
/** Runs a program (never through a shell), or with --dry-run prints it. Values named in `hide` are shown as their variable's name. */
function run(program, argv, { hide = {}, ...rest } = {}) {
  if (dryRun) {
    const secret = (word) => Object.entries(hide).find(([, value]) => value && word === value)?.[0];
    console.log(JSON.stringify([program, ...argv].map((word) => (secret(word) ? `$${secret(word)}` : word))));
    return Buffer.alloc(0);
  }
  return execFileSync(program, argv, { stdio: ['ignore', 'pipe', 'inherit'], ...rest });
}

/** A throw-away keychain holding the certificates the environment gives, so nothing lands in the login keychain. */
function signingKeychain(work) {
  const app = process.env.CSC_LINK;
  const installer = process.env.CSC_INSTALLER_LINK;
  if (!app && !installer) return null;
  const keychain = path.join(work, 'signing.keychain-db');
  // The keychain's own password protects nothing beyond this run; it is made and dropped here.
  const password = Math.random().toString(36).slice(2) + Date.now().toString(36);
  run('security', ['create-keychain', '-p', password, keychain], { hide: { KEYCHAIN_PASSWORD: password } });
  run('security', ['set-keychain-settings', '-lut', '3600', keychain]);
  run('security', ['unlock-keychain', '-p', password, keychain], { hide: { KEYCHAIN_PASSWORD: password } });
  for (const [link, secret] of [
    [app, process.env.CSC_KEY_PASSWORD],
    [installer, process.env.CSC_INSTALLER_KEY_PASSWORD],
  ]) {
    if (!link) continue;
    const p12 = path.join(work, `certificate-${link === app ? 'application' : 'installer'}.p12`);
    writeFileSync(p12, Buffer.from(link, 'base64'), { mode: 0o600 });
    // As electron-builder imports CSC_LINK: `security` takes the .p12's password only as an argument.
    run('security', ['import', p12, '-k', keychain, '-P', secret ?? '', '-T', '/usr/bin/codesign', '-T', '/usr/bin/productbuild'], {
      hide: { CSC_KEY_PASSWORD: process.env.CSC_KEY_PASSWORD, CSC_INSTALLER_KEY_PASSWORD: process.env.CSC_INSTALLER_KEY_PASSWORD },
    });
    rmSync(p12, { force: true });
  }
  run('security', ['set-key-partition-list', '-S', 'apple-tool:,apple:', '-s', '-k', password, keychain], { hide: { KEYCHAIN_PASSWORD: password } });
  // codesign and productbuild look for identities in the search list.
  const list = dryRun ? '' : run('security', ['list-keychains', '-d', 'user']).toString();
  const existing = list.split('\n').map((line) => line.trim().replace(/^"|"$/g, '')).filter(Boolean);
  run('security', ['list-keychains', '-d', 'user', '-s', keychain, ...existing]);
  return { keychain, restore: () => run('security', ['list-keychains', '-d', 'user', '-s', ...existing]) };
}

/**
 * The agent as a Node single-executable application: the esbuild bundle injected into
 * a copy of each given Node binary (postject), joined into one universal binary, signed.
 * Node's own documentation gives these steps (Single executable applications, macOS).
 */
function buildAgent(work, nodes, signing) {
  const bundle = path.join(root, 'packages/agent/dist/cli.cjs');
  if (!dryRun && !existsSync(bundle)) fail('packages/agent/dist/cli.cjs is missing: run npm run build');
  const config = path.join(work, 'sea-config.json');
  const blob = path.join(work, 'sea-prep.blob');
  // No code cache and no snapshot (their defaults): the blob then holds only the bundle's source.
  writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }));
  const slices = nodes.map((node, i) => {
    const slice = path.join(work, `pwsync-agent-${i}`);
    // Each Node writes its own blob: a blob belongs to the Node version that made it.
    run(node, ['--experimental-sea-config', config]);
    run('cp', [node, slice]);
    run('codesign', ['--remove-signature', slice]);
    // postject 1.0.0-alpha.6 (a root devDependency) is its newest release and the one Node's documentation uses.
    run(path.join(root, 'node_modules/.bin/postject'), [slice, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2', '--macho-segment-name', 'NODE_SEA']);
    return slice;
  });
  const agent = path.join(work, 'pwsync-agent');
  if (slices.length === 1) run('cp', [slices[0], agent]);
  else run('lipo', ['-create', ...slices, '-output', agent]);
  const identity = signing && process.env.CSC_LINK ? (process.env.PWSYNC_SIGN_APPLICATION ?? 'Developer ID Application') : '-';
  run('codesign', [
    '--force',
    '--sign',
    identity,
    ...(identity === '-' ? [] : ['--keychain', signing.keychain, '--timestamp']),
    '--options',
    'runtime',
    '--identifier',
    'org.pwsync.agent',
    '--entitlements',
    path.join(macos, 'agent.entitlements.plist'),
    agent,
  ]);
  run('codesign', ['--verify', '--strict', '--verbose=2', agent]);
  return agent;
}

function build() {
  const app = option('--app');
  const nodes = options('--node');
  if (!app) fail('--app PATH is needed: the pwsync.app electron-builder made (npx electron-builder --mac --projectDir packages/tray)');
  if (nodes.length === 0) fail('--node NODE is needed: the Node binary (one per architecture) the agent is built on');
  if (!dryRun && process.platform !== 'darwin') fail('pkgbuild and productbuild run only on macOS; `payload` lays the package out anywhere');
  if (!flag('--no-build') && !dryRun) execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
  const out = path.resolve(option('--out') ?? path.join(root, 'dist'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'pwsync-pkg-'));
  const keychain = signingKeychain(work);
  try {
    const agent = buildAgent(work, nodes, keychain);
    const payload = path.join(work, 'payload');
    const { stage, scripts } = dryRun ? { stage: path.join(payload, 'root'), scripts: path.join(payload, 'scripts') } : makePayload(payload, { app, agent });
    const component = path.join(work, 'pwsync-component.pkg');
    run('pkgbuild', [
      '--root',
      stage,
      '--component-plist',
      path.join(payload, 'component.plist'),
      '--scripts',
      scripts,
      '--identifier',
      PACKAGE_ID,
      '--version',
      version(),
      '--install-location',
      '/',
      '--ownership',
      'recommended',
      component,
    ]);
    if (!dryRun) mkdirSync(out, { recursive: true });
    const pkg = path.join(out, `pwsync-${version()}.pkg`);
    const installer = keychain && process.env.CSC_INSTALLER_LINK ? (process.env.PWSYNC_SIGN_INSTALLER ?? 'Developer ID Installer') : null;
    run('productbuild', [
      '--distribution',
      path.join(payload, 'distribution.xml'),
      '--package-path',
      work,
      ...(installer ? ['--sign', installer, '--keychain', keychain.keychain, '--timestamp'] : []),
      pkg,
    ]);
    const { APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID } = process.env;
    if (installer && APPLE_ID && APPLE_APP_SPECIFIC_PASSWORD && APPLE_TEAM_ID) {
      // As @electron/notarize does for the app: notarytool takes the app-specific password only as an argument.
      run('xcrun', ['notarytool', 'submit', pkg, '--apple-id', APPLE_ID, '--team-id', APPLE_TEAM_ID, '--password', APPLE_APP_SPECIFIC_PASSWORD, '--wait'], {
        hide: { APPLE_APP_SPECIFIC_PASSWORD },
      });
      run('xcrun', ['stapler', 'staple', pkg]);
    }
    if (installer) run('pkgutil', ['--check-signature', pkg], { stdio: 'inherit' });
    console.log(pkg);
  } finally {
    keychain?.restore();
    if (keychain) run('security', ['delete-keychain', keychain.keychain]);
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (command === 'payload') {
    const out = option('--out');
    if (!out) fail('payload needs --out DIR');
    const app = option('--app');
    const agent = option('--agent');
    if (!app && !flag('--stand-in-app')) fail('payload needs --app PATH (electron-builder\'s pwsync.app) or --stand-in-app');
    if (!agent && !flag('--stand-in-agent')) fail('payload needs --agent FILE (the signed agent) or --stand-in-agent');
    makePayload(path.resolve(out), { app, agent });
    console.log(path.resolve(out));
  } else if (command === 'build') {
    build();
  } else {
    fail('usage: package-macos.mjs payload --out DIR … | build --app PATH --node NODE … (see the top of scripts/package-macos.mjs)');
  }
}
