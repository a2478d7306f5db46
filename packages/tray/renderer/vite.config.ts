import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The renderer is served from the app's own files (Electron) or from the demo server
// on 127.0.0.1, so every asset path is relative.
//
// The window's chunk (src/main.tsx) is deliberately not preloaded by the page: where
// the host drew the window, fetching and compiling 330 KB beside the first frame slowed
// that frame (1.58–1.73× a static page without the preload, 1.80–1.93× with it, in
// test/bench/renderer-bench.ts on two cores); see src/boot.ts.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome130',
  },
});
