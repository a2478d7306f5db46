// Builds every part: the Node programs and Electron's main and preload with esbuild
// (the preload as one CommonJS file, so it runs in the sandbox), the renderer with Vite.
//   node scripts/build.mjs [--quiet] [--only=agent]
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Always a production build, also when a test runner (NODE_ENV=test) asks for one: Vite
// and React's JSX transform would otherwise build the renderer and its first paint for development.
process.env.NODE_ENV = 'production';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root, outExtension: { '.js': '.cjs' } };
const parts = {
  // dbus-next requires x11 (X session bus discovery) and usocket only on paths we never take.
  agent: () => build({ ...node, entryPoints: { cli: 'agent/src/cli.ts' }, outdir: 'dist/agent', external: ['x11', 'usocket'] }),
  web: () => build({ ...node, entryPoints: { 'demo-host': 'electron/web/demo-host.ts' }, outdir: 'dist/web' }),
  // The reference directory (better-sqlite3 is native: loaded from node_modules at run time),
  // the identity provider's command line, and the demo's back end for npm start.
  directory: () =>
    build({
      ...node,
      entryPoints: { cli: 'directory/src/cli.ts', idp: 'scripts/idp.ts' },
      outdir: 'dist/directory',
      external: ['better-sqlite3'],
    }),
  demo: () => build({ ...node, entryPoints: { stack: 'scripts/demo/stack.ts' }, outdir: 'dist/demo' }),
  // The support CLI, runnable with plain Node (npm run doctor); the app runs the same code as `pwsync doctor`.
  doctor: () => build({ ...node, entryPoints: { doctor: 'electron/doctor/doctor.ts' }, outdir: 'dist/doctor' }),
  main: () => build({ ...node, target: 'node22', entryPoints: { main: 'electron/main/main.ts' }, outdir: 'dist/electron', external: ['electron'] }),
  preload: () =>
    build({ ...node, platform: 'browser', target: 'chrome130', entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: 'dist/electron', external: ['electron'] }),
  // The window's first paint, drawn by its hosts (main and the demo server) with the
  // renderer's own components: one CommonJS file with React's production build in it.
  'first-paint': async () => {
    const { build: viteBuild } = await import('vite');
    await viteBuild({
      configFile: path.join(root, 'renderer/vite.config.ts'),
      logLevel: quiet ? 'warn' : 'info',
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      ssr: { noExternal: true, target: 'node' },
      build: {
        ssr: 'src/first-paint/page.tsx',
        outDir: path.join(root, 'dist/first-paint'),
        emptyOutDir: true,
        target: 'node20',
        rollupOptions: { output: { format: "cjs", entryFileNames: "first-paint.cjs", codeSplitting: false } },
      },
    });
  },
  renderer: async () => {
    const { build: viteBuild } = await import('vite');
    await viteBuild({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  },
};

const started = Date.now();
const chosen = only ? only.split(',') : Object.keys(parts);
for (const name of chosen) if (!parts[name]) throw new Error(`unknown part ${name}; parts: ${Object.keys(parts).join(', ')}`);
await Promise.all(chosen.map((name) => parts[name]()));
if (!quiet) console.log(`built ${chosen.join(', ')} in ${Date.now() - started} ms`);
