import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { trayWordsPlugin } from './tray-words.ts';

// The directory serves the built files at /console/, under a strict Content Security
// Policy: no inline script or style anywhere, so no module-preload polyfill either (it is
// unneeded in the browsers the console supports).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react(), trayWordsPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
