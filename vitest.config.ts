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
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'scripts/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/packaging/**/*.test.ts'],
          exclude: ['packages/tray/renderer/**', '**/node_modules/**'],
          server: { deps: { inline: ['electron-store'] } },
          globalSetup: ['packages/testing/src/vitest-global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        // The directory's own tests once more, on PostgreSQL (packages/testing/src/postgres.ts).
        test: {
          name: 'directory-postgres',
          environment: 'node',
          include: ['packages/directory/test/**/*.test.ts'],
          env: { PWSYNC_TEST_ENGINE: 'postgres' },
          globalSetup: ['packages/testing/src/postgres-global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['packages/tray/renderer/**/*.test.ts', 'packages/tray/renderer/**/*.test.tsx'],
          setupFiles: ['packages/tray/renderer/test/setup.ts'],
        },
      },
    ],
  },
});
