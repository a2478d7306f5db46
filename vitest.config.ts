import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: process.env.CI_JSON ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['agent/**/*.test.ts', 'electron/**/*.test.ts', 'directory/**/*.test.ts', 'scripts/**/*.test.ts', 'test/unit/**/*.test.ts'],
          server: { deps: { inline: ['electron-store'] } },
          globalSetup: ['test/support/vitest-global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          setupFiles: ['renderer/test/setup.ts'],
        },
      },
    ],
  },
});
