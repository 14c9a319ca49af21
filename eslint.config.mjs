// Lint rules from STYLE.md: type-aware promise checks, type-only imports, no cycles, and a deterministic workflow bundle.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data/', 'dist/', 'coverage/', 'test-results/', 'eslint.config.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Workflow code is replayed: it must be deterministic and must not reach the OS, the network or the SDK.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins
              .flatMap((name) => [name, `node:${name}`])
              .map((name) => ({ name, message: 'Workflows must not use Node built-ins.' })),
            { name: 'zod', message: 'Keep zod out of the workflow bundle; validate at the edges.' },
            { name: 'tencentcloud-sdk-nodejs-intl-en', message: 'FaceID calls belong in activities.' },
            { name: '@temporalio/client', message: 'Workflows use @temporalio/workflow.' },
            { name: '@temporalio/activity', message: 'Workflows use @temporalio/workflow.' },
            { name: '@temporalio/worker', message: 'Workflows use @temporalio/workflow.' },
          ],
          patterns: [
            {
              group: [
                '**/activities/*',
                '**/faceid/*',
                '!**/faceid/errors',
                '!**/faceid/actions',
                '**/archive/*',
                '**/gateway/*',
                '**/client/*',
                '**/config',
              ],
              allowTypeImports: true,
              message: 'Only type imports from outside the workflow bundle.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
        { name: 'fetch', message: 'Network calls belong in activities.' },
        { name: 'process', message: 'No process state in workflows.' },
        { name: 'require', message: 'No dynamic requires in workflows.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Deterministic in workflows, but prefer uuid4() from @temporalio/workflow for ids.',
        },
        { object: 'crypto', property: 'randomUUID', message: 'Use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
);
