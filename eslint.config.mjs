// Lint rules from STYLE.md: type-aware promise checks, type-only imports, no cycles, and a deterministic workflow bundle.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

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
          patterns: [
            {
              // An allow list: everything else (Node, zod, the FaceID SDK, other layers) reaches workflow code as types.
              regex:
                '^(?!@temporalio/workflow$|@temporalio/common$|\\./|\\.\\./contracts/|\\.\\./faceid/(actions|errors|result-codes)$)',
              allowTypeImports: true,
              message:
                'Workflow code imports only @temporalio/workflow, @temporalio/common, workflow modules, src/contracts and the FaceID catalogue (faceid/actions, faceid/errors, faceid/result-codes); anything else as a type.',
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
  {
    // Shared by the workflow bundle and the processes around it, so it may import neither side.
    files: ['src/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./faceid/(actions|errors|result-codes)$)',
              allowTypeImports: true,
              message:
                'Contracts import only other contracts and the FaceID catalogue (faceid/actions, faceid/errors, faceid/result-codes); anything else as a type.',
            },
          ],
        },
      ],
    },
  },
  {
    // Activities run in the worker, outside the sandbox: workflow modules reach them as types only.
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@temporalio/workflow', message: 'Activities use @temporalio/activity.' }],
          patterns: [
            {
              group: ['**/workflows/*'],
              allowTypeImports: true,
              message: 'Activities import workflow modules as types only; shared constants live in src/contracts.',
            },
            {
              regex: '(^|/)emulator(/|$)',
              message: "The product's floors never import the FaceID emulator.",
            },
          ],
        },
      ],
    },
  },
  {
    // The ground floor every process shares: it knows nothing of FaceID, Temporal or the archive on top of it.
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!logging$)',
              message: 'The store imports nothing of ours but logging.',
            },
          ],
        },
      ],
    },
  },
  {
    // The database beside the store: the pool and the schema, knowing nothing of what the tables are used for.
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!logging$)',
              message: 'The database floor imports nothing of ours but logging.',
            },
          ],
        },
      ],
    },
  },
  {
    // The sandbox speaks FaceID's protocol from FaceID's own tables, through the layer's public index.
    files: ['src/emulator/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!faceid$|logging$)',
              message: "The emulator imports only the FaceID layer's public index (src/faceid) and logging.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/emulator/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./(?!faceid$|logging$)',
              message: "The emulator imports only the FaceID layer's public index (src/faceid) and logging.",
            },
          ],
        },
      ],
    },
  },
  {
    // The product runs against real FaceID or the sandbox alike: only the emulator's own entry point loads it. (The
    // folders with fences of their own above carry this rule in theirs: a later block's options replace an earlier's.)
    files: ['src/**/*.ts'],
    ignores: [
      'src/emulator/**',
      'src/bin/emulator.ts',
      'src/workflows/**',
      'src/contracts/**',
      'src/activities/**',
      'src/evidence/bundle-*.ts',
      'src/store/**',
      'src/db/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)emulator(/|$)',
              message: "The product's floors never import the FaceID emulator.",
            },
          ],
        },
      ],
    },
  },
  {
    // What `npm run verify-evidence` loads to check a bundle offline: nothing that reaches Temporal, the archive or
    // the network, so an auditor can run it anywhere.
    files: ['src/evidence/bundle-*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!node:|tar-stream$|zod$|\\./bundle-)',
              allowTypeImports: true,
              message:
                'The bundle modules import only Node built-ins, tar-stream, zod and each other; anything else as a type.',
            },
          ],
        },
      ],
    },
  },
);
