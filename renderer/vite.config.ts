import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The page's entry (src/boot.ts) loads the window (src/main.tsx) with a dynamic
 * import, so that the window can be evaluated a frame later (see boot.ts). This has
 * the browser fetch and compile that chunk from the start, beside the entry, rather
 * than only once it is asked for.
 */
function preloadWindowChunk(): Plugin {
  return {
    name: 'pwsync-preload-window-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const chunks = Object.values(context.bundle ?? {}).filter((item) => item.type === 'chunk');
        const window = chunks.find((chunk) => chunk.facadeModuleId?.endsWith('/src/main.tsx'));
        if (!window) throw new Error('the build has no chunk for src/main.tsx to preload');
        // What the entry imports statically is preloaded by Vite already.
        const entry = chunks.find((chunk) => chunk.isEntry);
        const loaded = new Set([entry?.fileName, ...(entry?.imports ?? [])]);
        return [...window.imports, window.fileName].filter((file) => !loaded.has(file)).map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

// The renderer is served from the app's own files (Electron) or from the demo server
// on 127.0.0.1, so every asset path is relative.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), preloadWindowChunk()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome130',
  },
});
