// Lint, and the import rules: which package (and which layer of the tray app) may import
// which, as an allowlist (docs/architecture.md says why). Every file of the repository
// belongs to exactly one element below; an import from one element to another is refused
// unless a policy allows it, and a file that belongs to no element is refused too, so a
// new folder cannot slip past the rules. Imports inside one element are always allowed.
// eslint-plugin-n checks, besides, that every package a file imports is declared in the
// nearest package.json: each workspace package declares exactly what it uses.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import n from 'eslint-plugin-n';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// First match wins: tests are named before the folders they sit in.
// A folder and everything in it, or ('file') a glob matched against a file's whole path.
// (eslint-plugin-boundaries 7 calls `mode: 'full'` deprecated in favour of partialMatch,
// but partialMatch still reads a pattern as a folder and so never matches a single file.)
const element = (type, pattern, kind = 'folder') => (kind === 'file' ? { type, pattern, mode: 'full' } : { type, pattern, partialMatch: false });
const ELEMENTS = [
  // Tests: beside their code (the tray's), or in a package's test/ folder.
  element('tray-tests', 'packages/tray/{src,renderer/src}/**/*.test.{ts,tsx}', 'file'),
  element('tray-tests', 'packages/tray/test'),
  element('tray-tests', 'packages/tray/renderer/test'),
  element('agent-tests', 'packages/agent/test'),
  element('directory-tests', 'packages/directory/test'),
  element('demo-tests', 'packages/demo/test'),
  element('demo-tests', 'packages/demo/src/**/*.test.ts', 'file'),
  element('shared-tests', 'packages/{agent-protocol,device-api,passwords,node-kit,console-contract}/test'),
  element('console-tests', 'packages/console/src/**/*.test.{ts,tsx}', 'file'),
  element('console-tests', 'packages/console/test'),
  // What two programs share.
  element('agent-protocol', 'packages/agent-protocol/src'),
  element('device-api', 'packages/device-api/src'),
  element('passwords', 'packages/passwords/src'),
  element('node-kit', 'packages/node-kit/src'),
  // The support console's API, between the directory and the console's page (browser-safe: zod only).
  element('console-contract', 'packages/console-contract/src'),
  // The three programs; the tray app in its layers.
  element('agent', 'packages/agent/src'),
  element('directory', 'packages/directory/src'),
  element('tray-contract', 'packages/tray/src/contract.ts', 'file'),
  element('tray-contract', 'packages/tray/src/contract-names.ts', 'file'),
  element('tray-core', 'packages/tray/src/core'),
  element('tray-doctor', 'packages/tray/src/doctor'),
  element('tray-main', 'packages/tray/src/main'),
  element('tray-preload', 'packages/tray/src/preload'),
  element('tray-renderer', 'packages/tray/renderer/src'),
  element('tray-build', 'packages/tray/renderer/vite.config.ts', 'file'),
  // The support console's page (served by the directory), and what builds it.
  element('console', 'packages/console/src'),
  element('console-build', 'packages/console/{vite.config,tray-words}.ts', 'file'),
  // Never shipped: the demo, the test kit, the system tests, the repository's tools.
  element('demo', 'packages/demo/src'),
  element('demo', 'packages/demo/start.mjs', 'file'),
  element('testing', 'packages/testing/src'),
  element('system-tests', 'test'),
  element('tools', 'scripts'),
  element('tools', '*.{js,ts,mjs}', 'file'),
];

const SHARED = ['agent-protocol', 'device-api', 'passwords', 'node-kit', 'console-contract'];
/** Who may import whom, beyond itself. Anything not listed here is refused. */
export const ALLOWED = {
  'agent-protocol': [],
  'device-api': ['agent-protocol', 'passwords'],
  passwords: [],
  'node-kit': [],
  'console-contract': ['agent-protocol'],
  agent: ['agent-protocol', 'device-api', 'passwords', 'node-kit'],
  directory: ['device-api', 'passwords', 'node-kit', 'console-contract'],
  'tray-contract': ['agent-protocol'],
  'tray-core': ['tray-contract', 'agent-protocol', 'node-kit'],
  'tray-doctor': ['tray-core', 'tray-contract', 'agent-protocol', 'node-kit'],
  'tray-main': ['tray-core', 'tray-doctor', 'tray-contract', 'agent-protocol', 'node-kit'],
  'tray-preload': ['tray-contract'],
  // Types only (checked below): the renderer runs in the sandboxed page.
  'tray-renderer': ['tray-contract', 'agent-protocol'],
  'tray-build': [],
  // The console is a page of its own: it talks to the directory over HTTP only, and takes
  // only types from the contract and the protocol (checked below), not their zod schemas.
  console: ['console-contract', 'agent-protocol'],
  // The build reads the tray window's locale files as data (never as code) and shares the console's types of them.
  'console-build': ['console'],
  'console-tests': ['console', 'console-build'],
  // The demo's Electron entry starts the tray's shell with the demo's options.
  demo: ['tray-main', 'tray-core', 'tray-contract', ...SHARED],
  testing: ['agent', 'directory', 'demo', 'tray-core', 'tray-contract', ...SHARED],
  'tray-tests': ['tray-core', 'tray-doctor', 'tray-main', 'tray-preload', 'tray-renderer', 'tray-contract', 'testing', ...SHARED],
  'agent-tests': ['agent', 'testing', ...SHARED],
  'directory-tests': ['directory', 'testing', ...SHARED],
  'demo-tests': ['demo', 'testing', 'tray-core', 'tray-contract', ...SHARED],
  'shared-tests': ['testing', ...SHARED],
  // tray-doctor: the macOS audit script's test reads what the real `pwsync doctor --json` prints.
  'system-tests': ['agent', 'directory', 'demo', 'testing', 'tray-core', 'tray-contract', 'tray-main', 'tray-doctor', 'tools', 'console-build', ...SHARED],
  // The tools generate docs from the code's own schemas: the protocol's, the tray policy's and the agent's settings' (npm run profiles).
  // vitest.config.ts builds the console's tests with the console's own Vite plugin.
  tools: ['agent-protocol', 'tray-core', 'agent', 'console-build'],
};

const noElectron = { name: 'electron', message: 'Only the tray app\'s shell (packages/tray/src/main, src/preload) imports electron: this code is plain TypeScript.' };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**', 'docs/**/*.json'] },
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
    files: ['**/*.{js,mjs,ts,tsx}'],
    plugins: { boundaries, n },
    settings: {
      'import/resolver': {
        typescript: {
          noWarnOnMultipleProjects: true,
          project: ['packages/*/tsconfig.json', 'packages/tray/renderer/tsconfig.json', 'packages/console/tsconfig.build.json', 'tsconfig.json', 'test/e2e/tsconfig.json'],
        },
      },
      'boundaries/elements': ELEMENTS,
      'boundaries/elements-single-match': true,
      'boundaries/legacy-warnings': false,
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: 'docs/architecture.md: {{from.type}} may not import {{to.type}}.',
          policies: Object.entries(ALLOWED).map(([from, to]) => ({
            from: { element: { type: from } },
            allow: { to: { element: { type: [from, ...to] } } },
          })),
        },
      ],
      // Each package declares what it imports (workspace packages included).
      'n/no-extraneous-import': 'error',
    },
  },
  {
    // Everything but the shell is plain TypeScript.
    files: ['packages/**'],
    ignores: ['packages/tray/src/main/**', 'packages/tray/src/preload/**', 'packages/tray/test/**', 'packages/tray/src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    // The console's page: a browser, React's hook rules, and nothing of Node or of the other packages.
    files: ['packages/console/src/**', 'packages/console/test/**'],
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
            { regex: '^node:', message: 'The console runs in the browser: no Node modules.' },
            { group: ['@pwsync/*', '@pwsync/*/*'], allowTypeImports: true, message: 'The console may only import types from the shared packages (the console API contract): it reaches the directory over HTTP.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/tray/renderer/**'],
    ignores: ['packages/tray/renderer/vite.config.ts'],
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
            { regex: '^node:', message: 'The renderer runs in the sandboxed page: no Node modules.' },
            { group: ['**/src/contract', '**/src/contract.ts'], allowTypeImports: true, message: 'Only types cross from the contract: use `import type`.' },
            { group: ['@pwsync/*', '@pwsync/*/*'], allowTypeImports: true, message: 'The renderer may only import types from the agent protocol.' },
          ],
        },
      ],
    },
  },
);
