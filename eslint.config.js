// Lint, and the layering rule: the folder name is the layer (as in VS Code).
//   electron/core, electron/web, electron/doctor, electron/contract.ts: plain TypeScript, never `electron`
//   electron/**: reaches the agent only through agent/src/protocol
//   renderer/**: imports nothing from electron/ but types from the contract
//   agent/**: a program of its own; never imports the tray app
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'This layer is plain TypeScript: it never imports electron (see STYLE.md).' };
const agentOnlyProtocol = {
  regex: '(^|/)agent/src/(?!protocol(/|$))',
  message: 'The tray app reaches the agent only through the protocol module, agent/src/protocol.',
};
const noShell = { group: ['**/main/*', '**/preload/*', '**/main', '**/preload'], message: 'The core never depends on the Electron shell.' };

export default tseslint.config(
  { ignores: ['dist/**', 'packages/*/dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**', 'docs/**/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['electron/core/**', 'electron/web/**', 'electron/doctor/**', 'electron/contract.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noElectron], patterns: [agentOnlyProtocol, noShell] }],
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [agentOnlyProtocol] }] },
  },
  {
    files: ['agent/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['**/electron/**', '**/renderer/**'], message: 'The agent is its own program; it never imports the tray app.' }] },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/electron/*', '!**/electron/contract'], message: 'The renderer imports nothing from electron/ but types from the contract.' },
            { group: ['**/electron/contract'], allowTypeImports: true, message: 'Only types cross from the contract: use `import type`.' },
            { group: ['**/agent/**'], allowTypeImports: true, message: 'The renderer may only import types from the agent protocol.' },
          ],
        },
      ],
    },
  },
);
