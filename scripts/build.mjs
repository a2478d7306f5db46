// Builds every part: the Node programs and Electron's main and preload with esbuild
// (the preload as one CommonJS file, so it runs in the sandbox), the renderer with Vite.
//   node scripts/build.mjs [--quiet] [--only=agent]
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Always a production build, also when a test runner (NODE_ENV=test) asks for one: Vite
// and React's JSX transform would otherwise build the renderer for development.
process.env.NODE_ENV = 'production';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root, outExtension: { '.js': '.cjs' } };
// Programs that hash passwords (the agent, the directory) run sha512-crypt on worker threads
// (packages/passwords/src/crypt-pool.ts): the worker ships beside the bundle, which finds it
// from its own file as the sources do from import.meta.url.
const withCryptWorker = (outdir) => ({
  define: { 'import.meta.url': '__pwsyncModuleUrl' },
  banner: { js: 'const __pwsyncModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  worker: () =>
    build({ ...node, format: 'esm', outExtension: { '.js': '.mjs' }, sourcemap: false, entryPoints: { 'crypt-worker': 'packages/passwords/src/crypt-worker.mjs' }, outdir }),
});
const agentWorker = withCryptWorker('packages/agent/dist');
const directoryWorker = withCryptWorker('packages/directory/dist');
const parts = {
  // dbus-next requires x11 (X session bus discovery) and usocket only on paths we never take.
  // Node 18: the Debian package runs it with Debian 12's nodejs (packaging/README.md).
  agent: () =>
    Promise.all([
      build({ ...node, target: 'node18', define: agentWorker.define, banner: agentWorker.banner, entryPoints: { cli: 'packages/agent/src/cli.ts' }, outdir: 'packages/agent/dist', external: ['x11', 'usocket'] }),
      agentWorker.worker(),
    ]),
  // The reference directory (better-sqlite3 is native: loaded from node_modules at run time;
  // pg's optional native binding, pg-native, is never used: pg falls back to its JavaScript client).
  directory: () =>
    Promise.all([
      build({ ...node, define: directoryWorker.define, banner: directoryWorker.banner, entryPoints: { cli: 'packages/directory/src/cli.ts' }, outdir: 'packages/directory/dist', external: ['better-sqlite3', 'pg-native'] }),
      directoryWorker.worker(),
    ]),
  // The demo (never shipped): its back end for npm start, the browser demo's host, the
  // identity provider's command line.
  demo: () =>
    build({
      ...node,
      // The device API's schema brings the hash checks of @pwsync/passwords; the demo never hashes, so no worker ships.
      define: agentWorker.define,
      banner: agentWorker.banner,
      entryPoints: { stack: 'packages/demo/src/stack.ts', 'demo-host': 'packages/demo/src/web/demo-host.ts', idp: 'packages/demo/src/idp.ts' },
      outdir: 'packages/demo/dist',
    }),
  // npm start's tray app: the tray's shell in demo mode, started as `electron packages/demo`.
  // Beside the demo's other programs, so it is never in the tray's package.
  'demo-electron': () =>
    build({ ...node, target: 'node22', entryPoints: { 'electron-main': 'packages/demo/src/electron-main.ts' }, outdir: 'packages/demo/dist', external: ['electron'] }),
  // The support CLI, runnable with plain Node (npm run doctor); the app runs the same code as `pwsync doctor`.
  doctor: () => build({ ...node, entryPoints: { doctor: 'packages/tray/src/doctor/doctor.ts' }, outdir: 'packages/tray/dist' }),
  // The installed app's entry: the product's defaults, no demo (src/main/entry.ts).
  main: () => build({ ...node, target: 'node22', entryPoints: { main: 'packages/tray/src/main/entry.ts' }, outdir: 'packages/tray/dist', external: ['electron'] }),
  preload: () =>
    build({ ...node, platform: 'browser', target: 'chrome130', entryPoints: { preload: 'packages/tray/src/preload/preload.ts' }, outdir: 'packages/tray/dist', external: ['electron'] }),
  renderer: async () => {
    const { build: viteBuild } = await import('vite');
    await viteBuild({ configFile: path.join(root, 'packages/tray/renderer/vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  },
};

const started = Date.now();
const chosen = only ? only.split(',') : Object.keys(parts);
for (const name of chosen) if (!parts[name]) throw new Error(`unknown part ${name}; parts: ${Object.keys(parts).join(', ')}`);
await Promise.all(chosen.map((name) => parts[name]()));
if (!quiet) console.log(`built ${chosen.join(', ')} in ${Date.now() - started} ms`);
